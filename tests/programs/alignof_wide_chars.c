/* `_Alignof(type)`, wide character constants (`L'x'` is a wchar_t: its escapes are not
 * narrowed to a char), and sizeof operands at file scope that are typed but never evaluated
 * (`sizeof(1 / 0)`, an element or a member of a variable). The harness's gcc runs -std=c99,
 * which has no `u'x'` and `U'x'`: tests/test_frontend_exec.py checks those. */
#pragma nsc entry(f)
#pragma nsc range(k, -20, 20)

struct mixed {
    char c;
    double d;
    short s[3];
};

struct small {
    char c[3];
    short s;
};

double g_values[4];
struct mixed g_record;

static const long sizes[] = {
    _Alignof(char), _Alignof(short), _Alignof(int), _Alignof(long), _Alignof(double),
    _Alignof(struct mixed), _Alignof(struct small), _Alignof(float[3]), _Alignof(const int),
    sizeof(1 / 0), sizeof(g_values[0] * 2), sizeof g_record.s / sizeof g_record.s[0],
    sizeof(1 ? g_record.c : g_values[0]), 1 ? 5 : (1, 2),
};

enum { WIDE = L'\377', BIG = L'\x7fffffff' };

long f(int k)
{
    long r = 0;
    for (int i = 0; i < (int)(sizeof sizes / sizeof sizes[0]); i++)
        r = r * 3 + sizes[i];
    r += WIDE + (L'\xffffffff' < 0) * 10 + (L'\377' > 0) * 100 + (long)sizeof(L'a') * 1000;
    r += (long)_Alignof(struct mixed) * k + BIG;
    return r + L'a' + 'd' + (k == L'\n') + ('\377' < 0) * 10000;
}

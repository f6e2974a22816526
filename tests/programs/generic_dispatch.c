/* C11 `_Generic`: a selection by the controlling expression's type after lvalue conversion
 * (qualifiers dropped, arrays and functions decayed), `default`, the integer types kept apart
 * (char, signed char and unsigned char are three types; long and long long two), pointers by
 * their pointee's qualifiers, struct types, a selection as an lvalue and as a called function,
 * and selections in constant expressions (an array size, an enumerator, a case label, static
 * initializers, string literals selected for a table of type names). The controlling
 * expression is never evaluated. */
#pragma nsc entry(f)
#pragma nsc range(k, -40, 40)
#pragma nsc range(x, -10.0, 10.0)

#define KIND(v)                                                                              \
    _Generic((v), char: 1, signed char: 2, unsigned char: 3, short: 4, unsigned short: 5,     \
             int: 6, unsigned: 7, long: 8, unsigned long: 9, long long: 10,                  \
             unsigned long long: 11, float: 12, double: 13, _Bool: 14, char *: 15,            \
             const char *: 16, double *: 17, const double *: 18, struct point: 19,            \
             double (*)(double): 20, default: 0)

struct point {
    double x, y;
};

typedef unsigned long long u64;

static double twice(double v) { return 2.0 * v; }
static float halve(float v) { return v / 2.0f; }

#define SCALE(v) _Generic((v), float: halve, default: twice)(v)
#define NAME(v) _Generic((v), int: "int", double: "double", float: "float", default: "other")

static const char *const type_names[] = {NAME(1), NAME(1.0), NAME(1.0f), NAME('a'), NAME(1L)};

static const int kinds[] = {KIND('a'), KIND((char)1), KIND(1.0f), KIND(1.0), KIND(1u + 1),
                            KIND(1 == 1), KIND((u64)1), KIND("text")};
static int sized[_Generic(1L, long: 3, default: 1)];
enum { LONG_KIND = KIND(2L), LLONG_KIND = KIND(2LL) };

long f(int k, double x)
{
    const int c = k;
    char ch = (char)k;
    signed char sc = (signed char)k;
    unsigned char uc = (unsigned char)k;
    short sh = (short)k;
    float fl = (float)x;
    _Bool b = k > 0;
    double values[3] = {x, x, x};
    const double *cp = values;
    struct point p = {x, -x};
    double (*fp)(double) = twice;
    char buffer[4] = "abc";
    int calls = 0;
    long r = 0;
    r += KIND(c) + KIND(ch) * 10 + KIND(sc) * 100 + KIND(uc) * 1000 + KIND(sh) * 10000;
    r += KIND(fl) + KIND(b) * 3 + KIND(values) * 5 + KIND(cp) * 7 + KIND(p) * 11;
    r += KIND(fp) + KIND(twice) * 13 + KIND(buffer) * 17 + KIND(&buffer[1]) * 19;
    r += KIND(k + 0L) + KIND(ch + ch) * 23 + KIND(sh * 1u) * 29 + KIND(x * fl) * 31;
    r += KIND(calls++) + KIND(k = 5) * 37;  /* not evaluated: calls stays 0, k unchanged */
    for (int i = 0; i < 8; i++)
        r = r * 3 + kinds[i];
    r += (long)sizeof sized + LONG_KIND * 100 + LLONG_KIND * 1000;
    r += type_names[(k & 3) + (k > 30)][1] + NAME(x)[0] + NAME(b)[4] * 2;
    switch (k & 3) {
    case _Generic(k, int: 1, default: 2):
        r += 5;
        break;
    default:
        r += 7;
    }
    _Generic(fl, float: fl, default: x) = 3.5f;
    *_Generic(cp, const double *: &p.x, default: &p.y) = fl;
    double scaled = SCALE(x) + SCALE(fl) + _Generic(p, struct point: p.y, default: 0.0);
    return r * 1000 + calls * 100000 + k + (long)(scaled * 64.0) + (long)(p.x * 8.0);
}

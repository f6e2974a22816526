/* Block scopes: struct tags, typedefs, enumerators and variables declared in inner blocks
 * shadow the outer ones only until the block ends. */
#pragma nsc entry(f)
#pragma nsc range(a, -50, 50)

struct item { int v; };
typedef int num;
enum { K = 3 };
static int shadow = 1000;

static int outer_size(void) { return (int)sizeof(struct item); }

long f(int a)
{
    long r = 0;
    struct item it = {a};
    {
        struct item { double v; char tag; };
        typedef double num;
        enum { K = 10 };
        struct item inner = {a * 0.5, 'z'};
        num half = a / 4.0;
        int shadow = K;
        r += (long)(inner.v * 4) + inner.tag + (long)(half * 8) + shadow + (long)sizeof(struct item);
    }
    struct item again = it;
    num n = a / 4;
    r = r * 10 + again.v + n + K + shadow + (long)sizeof(struct item) + outer_size();
    for (int shadow = 0; shadow < 2; shadow++)
        r += shadow;
    for (int i = 0, a = 5; i < 2; i++)
        r += a;
    r += a;
    {
        int it = 7;
        r += it;
    }
    return r + it.v;
}

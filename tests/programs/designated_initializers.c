/* C99 designated initializers: `[i] =` and `.m =`, chained (`.s[1].v[1] =`), going on in
 * order after a designator (into the next rows and members too), overriding earlier values,
 * sizing an array of unknown size; in globals (constants) and locals (stores). */
#pragma nsc entry(f)
#pragma nsc range(k, -5, 5)

struct item {
    int a;
    char c;
    double d;
    int v[3];
};

struct table {
    struct item s[2];
    int tail;
};

enum { ONE = 1 };

static int g[6] = {[4] = 4, 5, [1] = 1, [ONE + 1] = 2};
static struct table gt = {.s[1].v[1] = 7, 8, .tail = 9, .s[0] = {1, 2, 3.0}, .s[0].v = {4}};
static const double weights[] = {[3] = 0.5, [1] = 0.25};

int f(int k)
{
    struct item s = {.d = k, .a = 2, 3, 4.5, .v[2] = k};
    struct item t = {.v = {k, k}, .c = 'x'};
    int a[2][3] = {[0][2] = 1, 2, [1] = {5}, [1][2] = k};
    int b[] = {[5] = k, 6};
    struct table lt = {.s = {[1] = {.a = k}}, .s[0].c = 1, .tail = sizeof b / sizeof b[0]};
    int r = s.a + s.c * 10 + (int)s.d * 100 + s.v[2] * 1000 + s.v[0];
    r += t.v[1] + t.c + t.a;
    r += a[0][2] * 7 + a[1][0] * 11 + a[1][2] * 13 + a[1][1] + a[0][0];
    r += b[5] + b[6] * 3 + b[0] + lt.s[1].a * 17 + lt.s[0].c + lt.tail * 19 + lt.s[0].a;
    for (int i = 0; i < 6; i++)
        r = r * 3 + g[i];
    r += gt.s[1].v[1] + gt.s[1].v[2] * 2 + gt.tail * 3 + gt.s[0].a * 5 + gt.s[0].c * 7;
    r += (int)gt.s[0].d + gt.s[0].v[0] * 11 + gt.s[0].v[1];
    return r + (int)(weights[1] * 8 + weights[3] * 64) + (int)(sizeof weights / sizeof weights[0]);
}

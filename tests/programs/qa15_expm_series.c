/* QA: the matrix exponential by scaling and squaring of a Taylor series, in long double over
 * local `long double e[n][n]` arrays and helpers taking `long double a[n][n]`, with a struct
 * carrying the scaling count, tgmath's `ldexp`, `fabs`, `ceil` and `log2` on long double
 * (the `l` functions), a typedef of a variable row (`typedef long double Row[n]`), and the
 * result rounded to double at the interface. */
#include <string.h>
#include <tgmath.h>

#pragma nsc entry(expm)
#pragma nsc shape(a, 4, 4)
#pragma nsc range(a, -3.0, 3.0)
#pragma nsc range(n, 1, 4)
#pragma nsc shape(out, 4, 4)

struct plan {
    int squarings;
    int terms;
    long double norm;
};

static long double norm1(int n, long double a[n][n])
{
    long double best = 0;
    for (int j = 0; j < n; j++) {
        long double s = 0;
        for (int i = 0; i < n; i++)
            s += fabs(a[i][j]);
        if (s > best)
            best = s;
    }
    return best;
}

static void matmul(int n, long double a[n][n], long double b[n][n], long double c[n][n])
{
    typedef long double Row[n];
    Row *out = c;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            long double s = 0;
            for (int k = 0; k < n; k++)
                s += a[i][k] * b[k][j];
            out[i][j] = s;
        }
}

static struct plan make_plan(int n, long double a[n][n])
{
    struct plan p = {0, 18, norm1(n, a)};
    if (p.norm > 0.5L)
        p.squarings = (int)ceil(log2(p.norm / 0.5L));
    return p;
}

static void series(int n, long double a[n][n], int terms, long double e[n][n])
{
    long double term[n][n], tmp[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            e[i][j] = term[i][j] = i == j;
    for (int k = 1; k <= terms; k++) {
        matmul(n, term, a, tmp);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                term[i][j] = tmp[i][j] / k;
                e[i][j] += term[i][j];
            }
    }
}

int expm(const double a[4][4], int n, double out[4][4])
{
    long double s[n][n], e[n][n], t[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s[i][j] = a[i][j];
    struct plan p = make_plan(n, s);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s[i][j] = ldexp(s[i][j], -p.squarings);
    series(n, s, p.terms, e);
    for (int q = 0; q < p.squarings; q++) {
        matmul(n, e, e, t);
        memcpy(e, t, sizeof t);
    }
    memset(out, 0, sizeof(double[4][4]));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            out[i][j] = (double)e[i][j];
    return p.squarings * 100 + (int)(sizeof e[0] / sizeof(long double));
}

/* QA: compensated (Kahan and Neumaier) dot products in long double over a matrix seen through
 * variably modified parameters `a[n][m]` and row pointers `double (*)[m]`, a per-row norm
 * picked by a function-pointer table, a goto-based early exit, and tgmath's `sqrt`/`fabs`
 * dispatching to the `l` functions. */
#include <tgmath.h>

#pragma nsc entry(kahan)
#pragma nsc range(a, -100.0, 100.0)
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(n, 1, 6)
#pragma nsc range(m, 1, 5)
#pragma nsc range(mode, 0, 3)

struct acc {
    long double sum;
    long double comp;
};

static void kahan_add(struct acc *s, long double v)
{
    long double y = v - s->comp;
    long double t = s->sum + y;
    s->comp = (t - s->sum) - y;
    s->sum = t;
}

static long double neumaier(int m, const double row[m], const double x[m])
{
    long double s = 0.0L, c = 0.0L;
    for (int j = 0; j < m; j++) {
        long double v = (long double)row[j] * x[j];
        long double t = s + v;
        if (fabs(s) >= fabs(v))
            c += (s - t) + v;
        else
            c += (v - t) + s;
        s = t;
    }
    return s + c;
}

static long double row_kahan(int m, const double row[m], const double x[m])
{
    struct acc s = {0.0L, 0.0L};
    for (int j = 0; j < m; j++)
        kahan_add(&s, (long double)row[j] * (long double)x[j]);
    return s.sum;
}

static long double row_naive(int m, const double row[m], const double x[m])
{
    long double s = 0;
    for (int j = 0; j < m; j++)
        s += row[j] * x[j];
    return s;
}

typedef long double (*row_fn)(int m, const double row[m], const double x[m]);

static long double matvec(int n, int m, const double a[n][m], const double x[m], row_fn f,
                          double y[n])
{
    struct acc total = {0, 0};
    const double (*r)[m] = a;
    for (int i = 0; i < n; i++, r++) {
        long double v = f(m, *r, x);
        y[i] = (double)v;
        kahan_add(&total, v * v);
        if (total.sum > 1e30L)
            goto overflow;
    }
    return sqrt(total.sum);
overflow:
    return -1.0L;
}

double kahan(const double a[6][5], const double x[5], int n, int m, int mode, double y[6],
             double norms[3])
{
    static const row_fn table[] = {row_kahan, neumaier, row_naive};
    double t[n][m];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            t[i][j] = a[i][j] * (1.0 + 1e-17 * (i + j));
    for (int k = 0; k < 3; k++)
        norms[k] = (double)matvec(n, m, t, x, table[k], y);
    long double diff = matvec(n, m, t, x, table[mode % 3], y) - (long double)norms[0];
    return (double)(diff * 1e10L) + (double)sizeof t[0] + sizeof(long double[n]) / 16.0;
}

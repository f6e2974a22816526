/* C99 variable-length arrays in numeric code: a parameter `x[n]` (a pointer, shaped by a pragma
 * for the entry), `a[static n]` in a helper, local arrays sized from the input at function level,
 * in a nested block and in loop bodies (sizes that change per iteration), `sizeof`, `memcpy`
 * into one, pointers into one that move, and a 2-D array whose outer dimension is variable. */
#include <string.h>

#pragma nsc entry(smooth)
#pragma nsc shape(x, 8)
#pragma nsc shape(out, 8)
#pragma nsc range(n, 1, 8)
#pragma nsc range(x, -2, 2)

static double dot(int n, const double a[static n], const double b[n])
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void prefix(int n, double v[n])
{
    for (int i = 1; i < n; i++)
        v[i] += v[i - 1];
}

double smooth(int n, const double x[n], double out[n])
{
    double t[n];
    int idx[2 * n + 1];
    memcpy(t, x, sizeof t);
    for (int i = 0; i < 2 * n + 1; i++)
        idx[i] = i % n;
    double total = 0;
    for (int i = 0; i < n; i++) {
        double w[i + 1];                        /* a new size each iteration */
        for (int j = 0; j <= i; j++)
            w[j] = t[idx[i + j]] * (j + 1);
        total += dot(i + 1, w, t) + (double)(sizeof w / sizeof w[0]);
    }
    {
        double m[n][3];                         /* outer dimension variable, inner fixed */
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                m[i][c] = t[i] * c - i;
        double *p = &m[0][0];
        double walk = 0;
        for (int k = 0; k < 3 * n; k++)
            walk += *p++;
        total += walk + (double)sizeof m;
    }
    prefix(n, t);
    const double *q = t + n;
    for (int i = 0; i < n; i++)
        out[i] = *--q + 0.5 * t[i];
    return total + (double)sizeof(double[n]) / 8.0;
}

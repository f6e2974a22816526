/* Horner evaluation with __restrict__ pointers, always_inline helpers, __builtin_expect,
 * a table of coefficient sets, and derivative by a second Horner pass. */
#pragma nsc entry(poly)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(set, 0, 2)

#define UNLIKELY(c) __builtin_expect(!!(c), 0)
#define INLINE static __inline__ __attribute__((always_inline))

static const double coeffs[3][6] __attribute__((unused)) = {
    {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125},
    {0.0, 1.0, 0.0, -1.0 / 6.0, 0.0, 1.0 / 120.0},
    {1.0, 1.0, 0.5, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0},
};

INLINE double horner(const double *__restrict__ c, int n, double x)
{
    double r = c[n - 1];
    for (const double *__restrict p = c + n - 2; p >= c; --p)
        r = r * x + *p;
    return r;
}

INLINE __attribute__((pure)) double dhorner(const double *__restrict__ c, int n, double x)
{
    double r = (n - 1) * c[n - 1];
    for (int k = n - 2; k >= 1; --k)
        r = r * x + k * c[k];
    return r;
}

static void __attribute__((noinline, nonnull(1))) both(const double *__restrict__ c, double x,
                                                       double *__restrict__ v,
                                                       double *__restrict__ d)
{
    *v = horner(c, 6, x);
    *d = dhorner(c, 6, x);
}

double poly(double x, int set, double *__restrict__ deriv)
{
    double v, d;
    if (UNLIKELY(set < 0 || set > 2))
        return 0.0;
    both(coeffs[set], x, &v, &d);
    *deriv = d;
    return v;
}

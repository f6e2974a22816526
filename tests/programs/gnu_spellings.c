/* GNU spellings gcc takes and real kernels carry: attributes that change nothing computed,
 * alternate keywords, __builtin_expect and the __builtin_ math functions. */
#pragma nsc entry(f)
#pragma nsc range(x, -4.0, 4.0)
#pragma nsc range(n, 0, 12)

#include <math.h>

#define LIKELY(c) __builtin_expect(!!(c), 1)

static __inline__ __attribute__((always_inline, unused)) double sq(double v) { return v * v; }

static __attribute__((noinline)) double norm2(const double *__restrict__ a, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += sq(a[i]);
    return __builtin_sqrt(s);
}

__extension__ static const double weights[4] __attribute__((unused)) = {0.5, 1.5, -2.0, 0.25};

double __attribute__((hot)) f(double x, int n)
{
    __const double scale = 1.5;
    __signed__ int k = n % 4;
    double v[4] = {x, x * scale, -x, weights[k]};
    if (LIKELY(n > 2))
        return norm2(v, 4) + __builtin_fabs(x) * __builtin_pow(scale, k);
    return x > __builtin_huge_val() ? 0.0 : norm2(v, n % 4);
}

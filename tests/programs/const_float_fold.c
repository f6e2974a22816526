/* Floating constant expressions folded for static initializers: float rounding at each step,
 * infinities, NaN, signed zeros and conversions, compared with the same at run time. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

static float third = 1.0f / 3.0f;
static double third_widened = 1.0f / 3.0f;
static float tenth_sum = 0.1f + 0.2f;
static double tenth_sum_d = 0.1 + 0.2;
static float big = 3.0e38f * 10.0f;
static double neg_zero = -0.0;
static double neg_zero_prod = -1.0 * 0.0;
static double inf_div = -1.0 / 0.0;
static double nan_div = NAN / 0.0;
static double nan_inf = INFINITY - INFINITY;
static int nan_eq = NAN == NAN;
static int nan_ne = NAN != NAN;
static int nan_not = !NAN;
static int nan_and = NAN && 1;
static int inf_lt = -INFINITY < -1e308;
static float rounded = 16777217.0;
static float from_ll = 9007199254740993LL;
static double from_ull = 18446744073709551615ULL;
static int trunc_int = (int)(2.5e9 / 2.0);
static long long trunc_ll = (long long)-9.2e18;
static unsigned char uc_from_f = 255.75;
static float sub = 1e-45f;
static float under = 1e-46f;

long long f(double x, double *d)
{
    float t = 1.0f, three = 3.0f;
    long long bits = 0;
    int k = 0;
#define BIT(c) (bits |= (long long)((c) != 0) << k++)
    BIT(third == t / three);
    BIT(third_widened == (double)(t / three));
    BIT(tenth_sum == 0.1f + (float)(x * 0.0) + 0.2f);
    BIT(tenth_sum_d == 0.1 + x * 0.0 + 0.2);
    BIT(isinf(big) && big > 0);
    BIT(1.0 / neg_zero < 0);
    BIT(1.0 / neg_zero_prod < 0);
    BIT(isinf(inf_div) && inf_div < 0);
    BIT(isnan(nan_div));
    BIT(isnan(nan_inf));
    BIT(nan_eq);
    BIT(nan_ne);
    BIT(nan_not);
    BIT(nan_and);
    BIT(inf_lt);
    BIT(rounded == 16777216.0f);
    BIT(from_ll == 9007199254740992.0f);
    BIT(from_ull == 18446744073709551616.0);
    BIT(sub > 0.0f);
    BIT(under == 0.0f);
#undef BIT
    *d = x + third + tenth_sum + tenth_sum_d + trunc_int + (double)trunc_ll + uc_from_f;
    return bits;
}

/* INFINITY, NAN, HUGE_VAL and the classification macros from nsc's math.h. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -10.0, 10.0)

int f(double x, float *clamped)
{
    float big = INFINITY;
    float nan = NAN;
    *clamped = fminf((float)x, big) + fmaxf(nan, (float)x);
    int r = isinf(big) + isnan(nan) * 2 + isfinite(x) * 4 + (HUGE_VAL > 1e308) * 8;
    r += signbit(x) * 16 + signbit(-0.0) * 32 + (HUGE_VALF == big) * 64;
    return r;
}

/* math.h's classification and quiet comparison macros on float, double and long double, for
 * values made from the input: normal, subnormal, zero, infinite and NaN; and stdint.h's least
 * and fast types. (Built against glibc's headers instead of nsc's, gcc prints the same.) */
#include <math.h>
#include <stdint.h>

#pragma nsc entry(f)
#pragma nsc range(x, -2, 2)
#pragma nsc range(g, -2, 2)

static long classes(double d, float s, long double w)
{
    return fpclassify(d) + 5 * fpclassify(s) + 25 * fpclassify(w) + 125 * isnormal(d)
        + 250 * isnormal(s) + 500 * isnormal(w);
}

long f(double x, float g, long out[6])
{
    double zero = x - x, inf = 1.0 / zero, nan_ = zero / zero;
    out[0] = classes(x, g, x * 3.0L) + 1000 * classes(x * 1e-310, g * 1e-40f, x * 0x1p-16390L);
    out[1] = classes(zero, (float)inf, nan_) + 1000 * classes(inf, (float)nan_, zero);
    out[2] = isless(x, g) + 2 * isgreater(x, g) + 4 * islessequal(x, nan_) + 8 * isgreaterequal(g, x)
        + 16 * islessgreater(x, g) + 32 * islessgreater(nan_, x) + 64 * isunordered(x, g)
        + 128 * isunordered(nan_, g) + 256 * isunordered(x, (float)nan_);
    out[3] = fpclassify(3.0) + 5 * isnormal(7.0f) + 25 * isnormal(0.0L) + 125 * (HUGE_VALL > 1e4000L)
        + 1000 * signbit(NAN) + 2000 * signbit(-NAN);
    int_fast8_t a = (int_fast8_t)(x * 60);
    int_fast16_t b = (int_fast16_t)(x * 40000);
    uint_least16_t c = (uint_least16_t)(g * 1000);
    uint_fast32_t d = (uint_fast32_t)(x * 3e9);
    out[4] = a + b + c + (long)d;
    out[5] = (long)(sizeof(int_fast8_t) + 10 * sizeof(int_fast16_t) + 100 * sizeof(uint_fast32_t)
                    + 1000 * sizeof(int_least16_t) + 10000 * sizeof(uint_least64_t))
        + (INT_FAST16_MAX == INT64_MAX) + (UINT_FAST8_MAX == 255) * 2 + (INT_LEAST32_MIN < 0) * 4;
    return out[0] + out[1] + out[2];
}

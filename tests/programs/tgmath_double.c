/* <tgmath.h> on doubles and integers: a double or an integer argument calls the double
 * function; with two or three arguments, one double or integer among floats does too (so a
 * float and an int give pow, not powf). The sizes of the results say which one was chosen. */
#include <tgmath.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 0.9)
#pragma nsc range(k, 1, 9)

double f(double x, int k, float g, double out[12], long sizes[8])
{
    short s = (short)k;
    char c = (char)k;
    unsigned long u = (unsigned long)k;
    out[0] = sqrt(k) + cbrt(s) + exp(c) + log(u);
    out[1] = sin(x) * cos(k) + tan(x);
    out[2] = pow(x, k) + pow(k, 2) + pow(g, x);
    out[3] = atan2(k, x) + hypot(g, k);
    out[4] = fma(g, g, x) + fma(g, k, g) + fma(x, g, g);
    out[5] = fmin(g, x) + fmax(k, g) + fmod(k, g) + copysign(k, -x);
    out[6] = ldexp(x, k) + ldexp(k, 2) + scalbn(s, 1);
    out[7] = floor(x * k) + ceil(x * k) + round(x * k) + trunc(-x * k);
    out[8] = exp2(k) + expm1(x) + log2(k) + log10(k) + log1p(x);
    out[9] = erf(x) + tgamma(k) + lgamma(x);
    int q = 0;
    out[10] = nextafter(x, k) - x + remquo(k, x, &q) + q + scalbln(g, 3L) + (nexttoward(g, 2.0L) - g);
    out[11] = fabs(-k) + fabs(x - 1.0) + fabs(g);
    sizes[0] = (long)sizeof sqrt(k);
    sizes[1] = (long)sizeof pow(g, k);
    sizes[2] = (long)sizeof pow(g, g);
    sizes[3] = (long)sizeof fma(g, g, k);
    sizes[4] = (long)sizeof fma(g, g, g);
    sizes[5] = (long)sizeof atan2(g, 1.0);
    sizes[6] = lround(x * k) + llrint(x * k * 2.0);
    sizes[7] = ilogb(k * 1000);
    return sqrt(x) + pow(2, k);
}

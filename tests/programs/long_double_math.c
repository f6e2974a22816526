/* A long double helper built from the `l` math functions of math.h (libm's sinl, powl, ...,
 * or the x87's fsqrt and fabs where LLVM and gcc use them), taking and returning long double;
 * the entry takes and returns double. The helper's result also comes out as its exact bits. */
#include <math.h>
#include <string.h>
#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 10.0)
#pragma nsc range(y, 0.5, 4.0)

static long double model(long double x, long double y, long double parts[6])
{
    int e = 0;
    long double whole = 0.0L;
    long double mantissa = frexpl(x, &e);
    long double fraction = modfl(x * 3.25L, &whole);
    parts[0] = sqrtl(x) + cbrtl(y) + expl(-x) + exp2l(y) + expm1l(x / 100) + powl(x, 1.5L);
    parts[1] = logl(x) + log2l(y) + log10l(x) + log1pl(x / 100) + logbl(x) + ilogbl(y);
    parts[2] = sinl(x) + cosl(y) + tanl(x / 8) + asinl(x / 11) + acosl(y / 5) + atanl(x)
               + atan2l(y, x) + sinhl(x / 4) + coshl(x / 4) + tanhl(x) + asinhl(x)
               + acoshl(1 + y) + atanhl(x / 11);
    parts[3] = floorl(x * y) + ceill(x * y) + truncl(-x) + roundl(x) + rintl(x * 7)
               + nearbyintl(y * 3) + lroundl(x * 5) + lrintl(y * 9) + llroundl(-x * 5)
               + llrintl(-y * 9);
    parts[4] = fmodl(y, x) + remainderl(x, y) + fdiml(x, y) + fmal(x, y, 0.1L) + hypotl(x, y)
               + fabsl(-y) + copysignl(1.0L, -x) + fminl(x, y) + fmaxl(x, y)
               + nextafterl(x, 0.0L) - x;
    parts[5] = ldexpl(mantissa, e) + scalbnl(y, 3) + whole + fraction + erfl(x / 5) + erfcl(y)
               + lgammal(x) + tgammal(x / 2 + 1);
    long double total = 0.0L;
    for (int i = 0; i < 6; i++)
        total += parts[i];
    return total;
}

double f(double x, double y, double parts[6], long long bits[2])
{
    long double p[6];
    long double r = model(x, y, p);
    for (int i = 0; i < 6; i++)
        parts[i] = (double)p[i];
    unsigned long long significand = 0;
    unsigned short exponent = 0;
    memcpy(&significand, &r, 8);
    memcpy(&exponent, (const char *)&r + 8, 2);
    bits[0] = (long long)significand;
    bits[1] = exponent;
    return (double)r;
}

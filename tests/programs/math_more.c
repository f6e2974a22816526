/* More of math.h: copysign, fdim, remainder, ldexp, frexp with an int out-pointer, lround,
 * rint, nearbyint, tgamma, lgamma, fma, asinh, acosh, atanh. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 5.0)
#pragma nsc range(y, -2.0, 2.0)

void f(double x, double y, double out[10], long *rounded, int *exponent)
{
    out[0] = copysign(x, y);
    out[1] = fdim(x, y) + remainder(x, 0.7);
    out[2] = ldexp(x, 5) + scalbn(y, -3);
    out[3] = frexp(x * 100.0, exponent);
    out[4] = rint(x * 3.3) + nearbyint(y * 2.2);
    out[5] = tgamma(x);
    out[6] = lgamma(x);
    out[7] = fma(x, y, 0.5);
    out[8] = asinh(y) + acosh(x + 1.0) + atanh(y * 0.45);
    out[9] = fmodf((float)x, 0.3f) + sinhf((float)y) + coshf((float)y) + cbrtf((float)y);
    *rounded = lround(x * 10.0) + lrint(y * 10.0);
}

/* Inverse trigonometric functions and exp/log variants. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -0.99, 0.99)

double f(double x, double *b, double *c)
{
    *b = asin(x) + acos(x) * 2.0 + atan(x * 5.0);
    *c = log10(x + 1.5) + log2(x + 1.5) + exp2(x) + cbrt(x) + log1p(x) + expm1(x);
    return asinf((float)x) + acosf((float)x);
}

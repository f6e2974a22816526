/* Hyperbolic and error functions. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -3.0, 3.0)

void f(double x, double *t, double *e, float *tf, float *ef)
{
    *t = tanh(x) + sinh(x * 0.5) + cosh(x * 0.5);
    *e = erf(x) + erfc(x * 0.7);
    *tf = tanhf((float)x);
    *ef = erff((float)x);
}

/* double math functions from math.h. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -4.0, 4.0)

void f(double x, double out[9])
{
    out[0] = sin(x);
    out[1] = cos(x);
    out[2] = exp(x);
    out[3] = log(fabs(x) + 0.5);
    out[4] = sqrt(x * x + 1.0);
    out[5] = pow(fabs(x), 2.5);
    out[6] = floor(x);
    out[7] = ceil(x);
    out[8] = tan(x * 0.3);
}

/* Rounding functions: round, trunc, floor, ceil and the conversions around them. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -20.0, 20.0)

void f(double x, double r[4], float rf[4], int *i)
{
    r[0] = round(x);
    r[1] = trunc(x);
    r[2] = floor(x * 1.5);
    r[3] = ceil(x * 1.5);
    rf[0] = roundf((float)x);
    rf[1] = truncf((float)x);
    rf[2] = floorf((float)x);
    rf[3] = ceilf((float)x);
    *i = (int)round(x * 10.0) + (int)fabs(x);
}

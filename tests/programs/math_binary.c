/* Two-argument math functions: atan2, hypot, fmin, fmax, fmod, pow, in double and float. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -3.0, 3.0)
#pragma nsc range(y, 0.5, 3.0)

double f(double x, double y, float *g)
{
    float fx = (float)x, fy = (float)y;
    *g = atan2f(fy, fx) + hypotf(fx, fy) + fminf(fx, fy) * fmaxf(fx, fy);
    return atan2(x, y) + hypot(x, y) * 10.0 + fmin(x, y) + fmax(x, -y) + fmod(x, y) + pow(y, x);
}

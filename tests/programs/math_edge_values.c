/* Math functions at the edges: signs of zeros and negatives, quadrants, integral powers. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -7.5, 7.5)
#pragma nsc range(y, -3.0, 3.0)
#pragma nsc range(n, -4, 5)

void f(double x, double y, int n, double r[16], float rf[6])
{
    r[0] = fmod(x, y);
    r[1] = fmod(-x, 2.5);
    r[2] = floor(-fabs(x)) + ceil(-fabs(x) * 0.3);
    r[3] = copysign(3.0, y) + copysign(0.0, -1.0) * 5.0;
    r[4] = hypot(x, y) + hypot(-3.0, 4.0);
    r[5] = atan2(y, x);
    r[6] = atan2(0.0, -1.0) + atan2(-0.0, -1.0) * 2.0 + atan2(-1.0, 0.0) * 4.0;
    r[7] = pow(-2.0, n) + pow(x, 2.0) + pow(-fabs(x), 3.0);
    r[8] = pow(y, (double)n) + pow(-0.5, -3.0);
    r[9] = remainder(x, 2.0) + fmod(x, -2.0) * 10.0;
    r[10] = 1.0 / fmod(-4.0, 2.0);               /* -0.0: -inf */
    r[11] = 1.0 / ceil(-0.5) + trunc(-x) + round(-2.5) * 100.0;
    r[12] = rint(x * 2.0) + nearbyint(-0.5) + rint(2.5) * 100.0;
    r[13] = (double)lround(x * 1.5) + (double)lround(-2.5) * 10.0 + (double)lrint(3.5) * 100.0;
    r[14] = fdim(x, y) + fmin(x, y) * 10.0 + fmax(-x, y) * 100.0;
    r[15] = ldexp(y, n) + scalbn(x, -n) + cbrt(x * -8.0);
    rf[0] = fmodf((float)x, -1.5f);
    rf[1] = floorf((float)-x) + ceilf((float)y);
    rf[2] = copysignf(2.0f, (float)x) * hypotf((float)x, (float)y);
    rf[3] = atan2f((float)y, (float)-x);
    rf[4] = powf(-1.5f, (float)n);
    rf[5] = 1.0f / fabsf(-0.0f) + remainderf((float)x, 3.0f);
}

/* M_PI and friends from nsc's math.h, in float and double expressions. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(deg, -360.0, 360.0)

double f(double deg, float *rad)
{
    *rad = (float)deg * (float)M_PI / 180.0f;
    return deg * M_PI / 180.0 + M_E;
}

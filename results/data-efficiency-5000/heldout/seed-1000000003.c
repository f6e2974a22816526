#include <math.h>

#pragma nsc entry(approx)
#pragma nsc range(a, -1, 1)
#pragma nsc range(b, 0.1, 10)

static float clampv(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

float approx(float a, float b)
{
    float y;
    if (a < -0.429f || b < 4.15308f) {
        y = pow(a * a + 0.521f, 0.25f);
    } else if (a < -0.357f) {
        y = b;
    } else if (a < 0.952f) {
        y = a;
    } else {
        y = pow(b, -0.5f);
    }
    return clampv(y, -0.5f, 5.0f);
}

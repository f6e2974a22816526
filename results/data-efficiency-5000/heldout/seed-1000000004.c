#include <math.h>

#pragma nsc entry(evaluate)
#pragma nsc range(b, -3, 3)

static float clampv(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

float evaluate(float b)
{
    float t = (b) * 0.333333f;
    float t2 = t * t;
    float t3 = t2 * t;
    float t22 = t * t;
    float den = 1.0f + t22 * (1.186156f + t22 * (0.7034834f + t22 * (0.2781471f + t22 * 0.08248149f)));
    return clampv((-0.7086977f - 0.2329727f * t + 0.389026f * t2 + 0.1127695f * t3) / den, -0.722f, 0.013f);
}

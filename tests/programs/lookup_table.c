/* A const global lookup table with linear interpolation between entries. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.0, 1.0)

static const float table[9] = {0.0f, 0.1f, 0.3f, 0.6f, 1.0f, 1.5f, 2.1f, 2.8f, 3.6f};

float f(float x)
{
    float pos = x * 8.0f;
    int i = (int)floorf(pos);
    if (i >= 8)
        i = 7;
    float t = pos - (float)i;
    return table[i] + t * (table[i + 1] - table[i]);
}

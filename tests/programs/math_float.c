/* float math functions from math.h. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 4.0)

void f(float x, float out[8])
{
    out[0] = sinf(x);
    out[1] = cosf(x * 3.0f);
    out[2] = expf(x);
    out[3] = logf(x);
    out[4] = sqrtf(x);
    out[5] = fabsf(1.5f - x);
    out[6] = floorf(x * 2.5f);
    out[7] = powf(x, 1.7f);
}

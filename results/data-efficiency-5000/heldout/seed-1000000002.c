#include <math.h>

#pragma nsc entry(kernel)
#pragma nsc range(y, 0, 5)
#pragma nsc range(h, -5, 5)
#pragma nsc range(mu, -1, 1)
#pragma nsc range(sigma, 0.2, 2)
#pragma nsc range(gain, 0.5, 2)

float kernel(float y, float h, float mu, float sigma, float gain)
{
    float z = (h - mu) / sigma;
    return powf(1.0f + y / 1.17f, -2.0f) * expf(-0.3f * y) * gain + sinf(sigma);
}

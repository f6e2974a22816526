/* Sobel edge detector on one 3x3 window of grey levels (AxBench "sobel"): gradient magnitude,
 * normalized so that the strongest possible edge gives 1. */
#include <math.h>

#pragma nsc entry(sobel)
#pragma nsc range(w, 0.0, 1.0)

static const float kx[3][3] = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
static const float ky[3][3] = {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}};

float sobel(const float w[3][3])
{
    float gx = 0.0f, gy = 0.0f;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            gx += kx[i][j] * w[i][j];
            gy += ky[i][j] * w[i][j];
        }
    }
    return sqrtf(gx * gx + gy * gy) / (4.0f * sqrtf(2.0f));
}

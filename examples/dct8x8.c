/* 8x8 forward DCT-II as used by JPEG (AxBench "jpeg" stage 1), on level-shifted samples. */
#include <math.h>

#pragma nsc entry(dct8x8)
#pragma nsc range(in, -128, 127)

static float scale(int u) { return u == 0 ? sqrtf(0.125f) : 0.5f; }

void dct8x8(const float in[8][8], float out[8][8])
{
    float basis[8][8];
    for (int x = 0; x < 8; x++)
        for (int u = 0; u < 8; u++)
            basis[x][u] = cosf((float)((2 * x + 1) * u) * (float)M_PI / 16.0f);
    for (int u = 0; u < 8; u++) {
        for (int v = 0; v < 8; v++) {
            float sum = 0.0f;
            for (int x = 0; x < 8; x++)
                for (int y = 0; y < 8; y++)
                    sum += in[x][y] * basis[x][u] * basis[y][v];
            out[u][v] = scale(u) * scale(v) * sum;
        }
    }
}

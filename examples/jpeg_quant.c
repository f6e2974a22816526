/* JPEG quantization of an 8x8 block of DCT coefficients with the standard luminance table
 * (ITU-T T.81 Annex K), scaled by a quality factor. */
#include <math.h>

#pragma nsc entry(quantize)
#pragma nsc range(coef, -1024, 1024)
#pragma nsc range(quality, 10, 95)

static const int luminance[8][8] = {
    {16, 11, 10, 16, 24, 40, 51, 61},     {12, 12, 14, 19, 26, 58, 60, 55},
    {14, 13, 16, 24, 40, 57, 69, 56},     {14, 17, 22, 29, 51, 87, 80, 62},
    {18, 22, 37, 56, 68, 109, 103, 77},   {24, 35, 55, 64, 81, 104, 113, 92},
    {49, 64, 78, 87, 103, 121, 120, 101}, {72, 92, 95, 98, 112, 100, 103, 99},
};

static int step(int entry, int quality)
{
    int percent = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    int s = (entry * percent + 50) / 100;
    return s < 1 ? 1 : (s > 255 ? 255 : s);
}

void quantize(const float coef[8][8], int quality, short q[8][8])
{
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            q[i][j] = (short)floorf(coef[i][j] / (float)step(luminance[i][j], quality) + 0.5f);
}

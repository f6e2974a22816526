#include <math.h>

#pragma nsc entry(approx)
#pragma nsc range(m, -1, 1)
#pragma nsc range(v, -2, 2)
#pragma nsc range(b, -1, 1)
#pragma nsc range(alpha, 0.5, 2)

float approx(const float m[4][4], const float v[4], const float b[4], float alpha, float res[4])
{
    for (int j = 0; j < 4; j++) {
        float s = b[j];
        for (int j2 = 0; j2 < 4; j2++) {
            s += m[j][j2] * v[j2];
        }
        res[j] = s;
    }
    float trace = 0.0f;
    for (int j = 0; j < 4; j++) {
        trace += m[j][j];
    }
    return trace * alpha + atan2f(alpha, -2.9f);
}

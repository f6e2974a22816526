#include <math.h>

#pragma nsc entry(filter)
#pragma nsc range(m, -1, 1)
#pragma nsc range(v, -2, 2)
#pragma nsc range(sig, -1, 1)

static const float TAPS[3] = {0.197f, 0.835f, 0.928f};

static float sqr(float v)
{
    return v * v;
}

void filter(const float m[3][3], const float v[3], const float sig[8], float res[3], float y[8], float *err)
{
    for (int j = 0; j < 3; j++) {
        float s = 0.0f;
        for (int j2 = 0; j2 < 3; j2++) {
            s += m[j][j2] * v[j2];
        }
        res[j] = s;
    }
    float det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    for (int i = 0; i < 8; i++) {
        float acc = 0.0f;
        for (int k = 0; k < 3; k++) {
            int src = i + k - 1;
            src = src < 0 ? 0 : (src >= 8 ? 7 : src);
            acc += TAPS[k] * sig[src];
        }
        y[i] = acc;
    }
    *err = sqr(det);
}

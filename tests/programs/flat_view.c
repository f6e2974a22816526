/* A 2D array read through a flat float pointer (the common &m[0][0] idiom). */
#pragma nsc entry(f)
#pragma nsc range(m, -1.0, 1.0)
#pragma nsc range(k, 0, 11)

float f(const float m[3][4], int k)
{
    const float *flat = &m[0][0];
    const float *also = m[0];
    float s = 0.0f;
    for (int i = 0; i < 12; i++)
        s += flat[i] * (float)i;
    return s + also[k] * 100.0f;
}

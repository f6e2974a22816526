/* A pointer parameter shaped by a pragma: p points to 2x3 floats. */
#pragma nsc entry(f)
#pragma nsc shape(p, 2, 3)
#pragma nsc range(p, -1.0, 1.0)

float f(const float *p)
{
    float s = 0.0f;
    for (int i = 0; i < 6; i++)
        s += p[i] * (float)(i + 1);
    return s;
}

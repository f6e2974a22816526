/* Walking an array with a pointer and comparing pointers. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

float f(const float x[10])
{
    float sum = 0.0f;
    const float *end = x + 10;
    for (const float *p = x; p < end; ++p)
        sum += *p * (float)(p - x);
    const float *best = x;
    for (const float *p = x + 1; p != end; p++)
        if (*p > *best)
            best = p;
    return sum + *best + (float)(best - x) * 100.0f;
}

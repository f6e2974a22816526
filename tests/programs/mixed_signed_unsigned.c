/* Usual arithmetic conversions: int meets unsigned, the int converts to unsigned. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)
#pragma nsc range(b, 0, 2000)

int f(int a, unsigned b)
{
    int r = 0;
    if (a < b)
        r += 1;
    if (a < (int)b)
        r += 2;
    unsigned sum = a + b;
    long wide = a + (long)b;
    r += (sum > 1000u) * 4;
    r += (int)(wide % 7) * 8;
    r += (-1 < 1u) * 64 + (-1L < 1u) * 128;
    return r;
}

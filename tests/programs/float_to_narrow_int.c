/* Floating values converted to narrow integer types: truncation toward zero, in range only. */
#pragma nsc entry(f)
#pragma nsc range(x, -127.9, 127.9)
#pragma nsc range(d, -2147483648.9, 2147483647.9)

long long f(float x, double d)
{
    signed char c = (signed char)x;
    char c2 = x * 0.5f;
    unsigned char uc = (unsigned char)(x < 0 ? -x : x) * 2;
    short s = (short)(x * 256.0f);
    unsigned short us = (unsigned short)(x * 256.0f + 32768.0f);
    int i = (int)d;
    long long l = (long long)(d * 4.0e9);
    unsigned u = (unsigned)(d * 0.5 + 1073741824.5);
    _Bool b = x * 1e-40f;
    int from_neg = (int)-0.99 + (int)-1.01 * 10;
    return c + c2 * 3 + uc * 5 + s * 7 + us * 11 + i + l / 1000 + u + b * 13 + from_neg;
}

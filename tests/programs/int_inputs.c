/* Integer inputs of several widths and signedness, sampled from integer ranges. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)
#pragma nsc range(b, 0, 60000)
#pragma nsc range(c, -128, 127)
#pragma nsc range(d, 0, 255)
#pragma nsc range(e, -5000000000, 5000000000)

long long f(int a, unsigned short b, signed char c, unsigned char d, long long e)
{
    return a * 3 + b * 7 + c * 11 + d * 13 + e;
}

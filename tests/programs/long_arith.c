/* 64-bit signed arithmetic, mixing long long and int. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000000000000, 1000000000000)
#pragma nsc range(b, -1000, 1000)

long long f(long long a, int b)
{
    long long p = a * b;
    long long q = a / (b == 0 ? 1 : b);
    long long m = a % 977;
    return p - q + m + (a >> 7);
}

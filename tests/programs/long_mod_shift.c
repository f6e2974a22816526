/* 64-bit remainder, shifts with 64-bit counts, and unsigned 64-bit division. */
#pragma nsc entry(f)
#pragma nsc range(a, -9000000000000000000, 9000000000000000000)
#pragma nsc range(s, 0, 63)

unsigned long long f(long long a, long long s)
{
    unsigned long long u = (unsigned long long)a;
    long long r = a % 1000003;
    long long q = a / -7;
    unsigned long long sh = u >> s;
    unsigned long long sl = u << (63 - s);
    return (unsigned long long)r + (unsigned long long)q + sh + sl + u / 10u + u % 97u + (u >> 63);
}

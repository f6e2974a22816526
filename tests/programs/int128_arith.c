/* gcc's __int128 on x86-64: 64x64 -> 128-bit products (the high half of a fixed-point
 * multiply), division and remainder (libgcc's __divti3 and friends), shifts, conversions to
 * and from double and long double, comparisons, and the decimal constant past long long that
 * gcc types __int128. Inputs and outputs stay 64-bit: a surrogate has no 128-bit ports. */
#pragma nsc entry(fixed)
#pragma nsc range(a, -9223372036854775807, 9223372036854775807)
#pragma nsc range(b, 1, 18446744073709551615)
#pragma nsc range(x, -1e30, 1e30)

static unsigned long long mulhi(unsigned long long p, unsigned long long q)
{
    unsigned __int128 wide = (unsigned __int128)p * q;
    return (unsigned long long)(wide >> 64);
}

long long fixed(long long a, unsigned long long b, double x, unsigned long long r[4],
                double d[3], int flags[3])
{
    __int128 s = (__int128)a * a + b;
    signed __int128 n = -s;
    r[0] = mulhi((unsigned long long)a, b);
    r[1] = (unsigned long long)(s / (b | 1));
    r[2] = (unsigned long long)(n % 1000000007);
    r[3] = (unsigned long long)((unsigned __int128)s >> 70);
    __int128 big = 9223372036854775808; /* __int128 in gcc: no suffix, past long long */
    d[0] = (double)s;
    d[1] = (double)(unsigned __int128)b * 3.5;
    long double ld = (long double)n / 7;
    d[2] = (double)ld;
    __int128 t = (__int128)(x * 1e6); /* |x * 1e6| < 2^127 */
    flags[0] = s > big;
    flags[1] = n < -(__int128)b;
    flags[2] = (int)(t % 97);
    return (long long)(t >> 40) + (long long)sizeof(__int128) + _Alignof(__int128);
}

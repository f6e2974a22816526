/* Shifts by amounts near the width of the promoted left operand. */
#pragma nsc entry(f)
#pragma nsc range(a, -100000, 100000)
#pragma nsc range(s, 0, 31)
#pragma nsc range(t, 0, 63)

unsigned long long f(int a, int s, long long t)
{
    unsigned u = (unsigned)a;
    unsigned long long w = (unsigned long long)(long long)a;
    unsigned long long r = 0;
    r ^= u << s;
    r ^= (unsigned long long)(u >> s) << 7;
    r ^= (unsigned long long)(a >> s) * 3;
    r ^= w << t;
    r ^= w >> t;
    r ^= (unsigned long long)((long long)a >> t);
    r ^= (unsigned long long)(1u << s) + (1ULL << t) + (1LL << (t & 62));
    r ^= (unsigned long long)(-1 >> s) ^ (unsigned long long)(0x80000000u >> s);
    unsigned char c = (unsigned char)a;
    r += (unsigned)(c << 23) + (unsigned)(c >> (s & 7));
    unsigned short h = (unsigned short)a;
    h <<= s & 15;
    h >>= 2;
    r += h;
    r += (unsigned)((a & 0x7fff) << 16) + (u >> 31) + (unsigned)(a >> 31);
    r += (unsigned long long)(3 << (long long)(s & 7));
    return r;
}

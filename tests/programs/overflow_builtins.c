/* gcc's checked arithmetic: __builtin_add/sub/mul_overflow over every mix of signed,
 * unsigned, narrow and 128-bit operands and results, and the typed forms (sadd, umull,
 * ssubll...); the wrapped results and the flags are outputs. */

#pragma nsc entry(f)
#pragma nsc range(a, -2147483648, 2147483647)
#pragma nsc range(b, -2147483648, 2147483647)
#pragma nsc range(c, -9223372036854775807, 9223372036854775807)
#pragma nsc range(d, 0, 18446744073709551615)
long f(int a, int b, long c, unsigned long d, long out[16])
{
    int r; unsigned u; long l; unsigned long ul; short s; unsigned char uc; long long ll; __int128 w; unsigned __int128 uw;
    out[0] = __builtin_add_overflow(a, b, &r) * 1000000000000L + r;
    out[1] = __builtin_sub_overflow(a, b, &u) * 1000000000000L + u;
    out[2] = __builtin_mul_overflow(a, b, &s) * 1000000L + s;
    out[3] = __builtin_mul_overflow(c, d, &l) + 2 * (l & 0xffff);
    out[4] = __builtin_mul_overflow(d, d, &ul) + 2 * (long)(ul & 0xffffff);
    out[5] = __builtin_add_overflow(d, c, &ll) + 2 * (ll & 0xffffff);
    out[6] = __builtin_sub_overflow(0, d, &uc) + 2 * uc;
    out[7] = __builtin_mul_overflow(d, d, &w) + 2 * (long)(w >> 70);
    out[8] = __builtin_mul_overflow(c, c, &uw) + 2 * (long)(uw >> 70);
    out[9] = __builtin_sadd_overflow(a, b, &r) + 2 * r;
    out[10] = __builtin_umull_overflow(d, (unsigned long)a, &ul) + 2 * (long)(ul >> 3);
    out[11] = __builtin_ssubll_overflow(c, (long long)d, &ll) + 2 * (ll >> 2);
    __int128 big = (__int128)c * 1000000007;
    out[12] = __builtin_mul_overflow(big, big, &w) + 2 * (long)(w >> 64);
    out[13] = __builtin_add_overflow(big, (unsigned __int128)d << 64, &uw) + 2 * (long)(uw >> 64);
    unsigned __int128 ubig = (unsigned __int128)d * d;
    out[14] = __builtin_mul_overflow(ubig, ubig, &uw) + 2 * (long)(uw >> 90) + 4 * __builtin_mul_overflow(ubig, 3, &w);
    out[15] = __builtin_umul_overflow(4000000000u, 2, &u) + __builtin_mul_overflow(-1, 1u, &u) * 2 + __builtin_add_overflow((_Bool)1, -1, &r) * 4;
    return __builtin_sub_overflow(c, 1, &l) ? -1 : l;
}

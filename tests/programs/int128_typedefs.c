/* gcc's predefined typedef names for its 128-bit integers, __int128_t and __uint128_t: a
 * 64x64 -> 128-bit product split into halves, a signed square, and a division. Ports stay
 * 64-bit: a surrogate has no 128-bit ones. */
#pragma nsc entry(halves)
#pragma nsc range(a, -9223372036854775807, 9223372036854775807)
#pragma nsc range(b, 1, 18446744073709551615)

long long halves(long long a, unsigned long long b, unsigned long long out[3])
{
    __uint128_t wide = (__uint128_t)(unsigned long long)a * b;
    __int128_t square = (__int128_t)a * a;
    out[0] = (unsigned long long)(wide >> 64);
    out[1] = (unsigned long long)wide;
    out[2] = (unsigned long long)(square / (__int128_t)(b | 1));
    return (long long)(square >> 66) - (long long)sizeof(__int128_t);
}

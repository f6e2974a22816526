/* GNU's integer bit builtins on hashed inputs: population count, parity, leading and trailing
 * zeros (of non-zero values: gcc leaves zero undefined), find-first-set (zero included) and
 * byte swaps, at every width; the results' types through sizeof; folded in a static table. */
#include <stdint.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0, 100000)
#pragma nsc range(y, -1000000, 1000000)

static const long folded[6] = {
    __builtin_popcount(0xF0F0u), __builtin_clz(1u), __builtin_ctzll(1ULL << 40),
    __builtin_ffs(-8), __builtin_parityl(7), __builtin_bswap16(0x1234),
};

long f(unsigned x, long long y, long out[8])
{
    uint64_t w = (uint64_t)x * 2654435761u + (uint64_t)y;
    out[0] = __builtin_popcount(x) + 100 * __builtin_popcountl(w) + 10000 * __builtin_popcountll(y);
    out[1] = __builtin_parity(x) + 2 * __builtin_parityl(w) + 4 * __builtin_parityll(y);
    out[2] = __builtin_clz(x | 1) + 100 * __builtin_clzl(w | 1) + 10000 * __builtin_clzll(y | 2);
    out[3] = __builtin_ctz(x | 256) + 100 * __builtin_ctzl(w | 1u << 31) + 10000 * __builtin_ctzll(y | 1 << 20);
    out[4] = __builtin_ffs((int)x - 500) + 100 * __builtin_ffsl((long)w) + 10000 * __builtin_ffsll(y);
    out[5] = (long)__builtin_bswap32(x) + __builtin_bswap16((uint16_t)x);
    out[6] = (long)(__builtin_bswap64(w) >> 3);
    out[7] = (long)(sizeof __builtin_bswap16(1) + 10 * sizeof __builtin_bswap64(1)
                    + 100 * sizeof __builtin_popcountll(1) + 1000 * sizeof __builtin_ffs(1));
    for (int i = 0; i < 6; i++)
        out[7] += folded[i] << (8 * i);
    return __builtin_ffs(0) + __builtin_popcount(0u) + (x == 0 ? 0 : __builtin_clz(x));
}

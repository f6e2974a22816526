/* __builtin_clrsb: the bits after the sign bit that repeat it, at every width, of negative,
 * zero and positive values, and folded in a static table. */

#pragma nsc entry(f)
#pragma nsc range(x, -100000, 100000)
#pragma nsc range(y, -1000000000, 1000000000)

static const int folded[5] = {
    __builtin_clrsb(0), __builtin_clrsb(-1), __builtin_clrsbl(1L << 40),
    __builtin_clrsbll(-(1LL << 62)), __builtin_clrsb(0x40000000),
};

long f(int x, long long y, long out[3])
{
    out[0] = __builtin_clrsb(x) + 100 * __builtin_clrsb(x * 4099) + 10000 * __builtin_clrsb(-x);
    out[1] = __builtin_clrsbl((long)y * 977) + 100 * __builtin_clrsbll(y) + 10000 * __builtin_clrsbll(~y);
    out[2] = (long)sizeof __builtin_clrsbll(1);
    for (int i = 0; i < 5; i++)
        out[2] += (long)folded[i] << (8 * (i + 1));
    return __builtin_clrsb(0) + __builtin_clrsb(-1);
}

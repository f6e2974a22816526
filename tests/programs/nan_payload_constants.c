/* NaN and infinity constants as gcc folds them: nan("tag") with an empty, decimal, octal,
 * hexadecimal or too long payload, nanf and nanl, __builtin_nan, __builtin_inf and
 * __builtin_huge_val in static tables; the bits of each are outputs. */

#include <math.h>
#include <string.h>
#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
static const double tab[4] = {__builtin_nan("7"), __builtin_inf(), -__builtin_huge_val(), 2.0};
static const float ftab[2] = {__builtin_nanf("0x1f"), __builtin_inff()};
static long double ltab[2] = {__builtin_nanl("3"), __builtin_huge_vall()};
double f(double x, unsigned long out[8])
{
    double d = nan(""), e = nan("5"), g = nan("0x10"), h = nan("010"), k = nan("99999999999999999999");
    float a = nanf("7"), b = nanf("0xfffffff");
    long double l = nanl("3");
    memcpy(&out[0], &d, 8); memcpy(&out[1], &e, 8); memcpy(&out[2], &g, 8);
    memcpy(&out[3], &h, 8); memcpy(&out[4], &k, 8);
    unsigned u, v; memcpy(&u, &a, 4); memcpy(&v, &b, 4); out[5] = ((unsigned long)u << 32) | v;
    unsigned long w; memcpy(&w, &l, 8); out[6] = w;
    memcpy(&w, &ltab[0], 8); out[7] = w ^ (unsigned long)(tab[1] > x) ^ ((unsigned long)(ftab[1] > x) << 2);
    unsigned long t0; memcpy(&t0, &tab[0], 8); out[7] ^= t0; memcpy(&u, &ftab[0], 4); out[7] ^= (unsigned long)u << 7;
    return x + tab[2] * 0 + (__builtin_inf() > x) + isnan(nan("")) + (ltab[1] > 1e300L);
}

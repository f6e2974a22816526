/* Conversions between long double and the other arithmetic types, both ways: every integer
 * type of 8 to 64 bits, signed and unsigned (values past 2**63 included), float and double
 * (rounded once from 64 significand bits), and huge values that overflow double and float.
 * The static ones are folded by nsc's constant evaluator and must hold what gcc computes. */
#pragma nsc entry(convert)
#pragma nsc range(a, -9000000000000000000, 9000000000000000000)
#pragma nsc range(d, -1e18, 1e18)
#pragma nsc range(k, 0, 63)

static const long double third = 1.0L / 3;
static const double third_as_double = (double)(1.0L / 3.0L);
static const float single_rounding = (float)(1.0L + 0x1p-24L + 0x1p-60L);
static const float double_rounding = (float)(double)(1.0L + 0x1p-24L + 0x1p-60L);
static const unsigned long long top = (unsigned long long)18446744073709549568.0L;
static const long double from_top = 18446744073709551615ULL;
static const long double tiniest = 0x1p-16445L;
static const long double beyond_double = 1e300L * 1e300L * 1e300L;
static const long double overflow = 1e3000L * 1e3000L;
static const double overflow_as_double = (double)(1e300L * 1e300L);
static const int compared = (0.1L < 0.1) + 2 * (0.1L == 0.1) + 4 * (1e-400L > 0.0);
static const long long truncated = (long long)-123456789012.987654321L;
static const int sizes = sizeof(long double) * 100 + _Alignof(long double);

void convert(long long a, double d, int k, long long ints[16], double reals[10])
{
    long double la = a; /* exact: 64 significand bits */
    unsigned long long big = 18446744073709551615ULL - (unsigned long long)k * 1000003ULL;
    long double lb = big;
    ints[0] = (long long)la - a;
    ints[1] = (long long)(lb - 18446744073709551615.0L);
    ints[2] = (long long)((unsigned long long)lb - big);
    ints[3] = (long long)(la * 0.75L);
    ints[4] = (long long)(unsigned long long)((la < 0 ? -la : la) * 2.0L);
    ints[5] = (signed char)(la / 1e17L);
    ints[6] = (short)(la / 1e15L);
    ints[7] = (int)(la / 1e10L);
    ints[8] = (unsigned char)(la < 0 ? -la / 4e16L : la / 4e16L);
    ints[9] = (unsigned short)(la < 0 ? -la / 2e14L : la / 2e14L);
    ints[10] = (unsigned)(la < 0 ? -la / 3e9L : la / 3e9L);
    long double sum = (long double)(signed char)a + (long double)(short)a + (long double)(int)a
                      + (long double)(unsigned char)a + (long double)(unsigned short)a
                      + (long double)(unsigned)a + (long double)(unsigned long long)a;
    ints[11] = (long long)(sum / 4);
    ints[12] = top == 18446744073709549568ULL;
    ints[13] = compared;
    ints[14] = truncated + sizes;
    ints[15] = (long long)(from_top - (long double)big) + (_Bool)tiniest + (_Bool)(la - la);
    long double ld = d;
    long double tie = 1.0L + 0x1p-24L + 0x1p-60L * (k + 1);
    reals[0] = (double)(la + 0.5L);
    reals[1] = (float)(la + 0.25L);
    reals[2] = (float)tie;
    reals[3] = (float)(double)tie;
    reals[4] = (double)(ld / 3 * 3 - ld);
    reals[5] = (double)(ld * 1e300L * 1e300L);
    reals[6] = (float)(ld * 1e30L);
    reals[7] = third_as_double + (double)third + single_rounding + double_rounding;
    reals[8] = (double)beyond_double + overflow_as_double;
    reals[9] = (double)(tiniest * 0x1p16000L) * 0x1p445 + (overflow > beyond_double * 1e4000L);
}

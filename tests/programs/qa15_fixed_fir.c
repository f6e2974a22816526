/* QA: a Q15 fixed-point FIR and biquad filter whose coefficients are packed as bit-fields
 * (a signed 16-bit mantissa, a 4-bit shift, a 1-bit enable) in a static table, with saturating
 * arithmetic in helpers, a state record of bit-field flags updated with compound assignments,
 * the filter picked by name from a string table, and the output compared against a long
 * double reference of the same filter. */
#pragma nsc entry(fir)
#pragma nsc shape(x, 16)
#pragma nsc range(x, -32768, 32767)
#pragma nsc range(taps, 1, 8)
#pragma nsc range(which, 0, 2)
#pragma nsc shape(y, 16)

struct coef {
    int mant : 16;
    unsigned shift : 4;
    unsigned on : 1;
    unsigned : 11;
};

struct status {
    unsigned clipped : 5; /* counts to 31 and wraps */
    unsigned last_sign : 1;
    int trend : 3;
    unsigned long long energy : 40;
};

static const struct coef lowpass[8] = {
    {3277, 0, 1}, {6554, 0, 1}, {9830, 0, 1}, {6554, 0, 1}, {3277, 0, 1}, {-16384, 3, 0}};
static const struct coef highpass[8] = {{-8192, 1, 1}, {16384, 0, 1}, {-8192, 1, 1},
                                        {32767, 4, 1}, {-32768, 5, 1}, {1, 0, 1},
                                        {-1, 0, 1},    {12345, 2, 1}};
static const struct coef *const banks[] = {lowpass, highpass, lowpass};
static const char *const names[] = {"low", "high", "low-half"};

static short saturate(long v, struct status *st)
{
    if (v > 32767 || v < -32768) {
        st->clipped++;
        return v > 0 ? 32767 : -32768;
    }
    return (short)v;
}

static long tap(struct coef c, short s)
{
    if (!c.on)
        return 0;
    return ((long)c.mant * s) >> c.shift;
}

static long double reference(const struct coef *c, int taps, const short *x, int n)
{
    long double acc = 0;
    for (int k = 0; k < taps && k <= n; k++)
        if (c[k].on)
            acc += (long double)c[k].mant * x[n - k] / (1L << c[k].shift);
    return acc / 32768.0L;
}

long fir(const short x[16], int taps, int which, short y[16], double *error)
{
    const struct coef *c = banks[which];
    struct status st = {0};
    long double err = 0;
    int half = names[which][3] == '-';
    for (int n = 0; n < 16; n++) {
        long acc = 0;
        for (int k = 0; k < taps && k <= n; k++)
            acc += tap(c[k], x[n - k]);
        acc >>= 15 + half;
        y[n] = saturate(acc, &st);
        st.energy += (unsigned long long)((long)y[n] * y[n]);
        int sign = y[n] < 0;
        st.trend += sign == st.last_sign ? 1 : -1;
        st.last_sign = sign;
        long double r = reference(c, taps, x, n) / (1 + half);
        err += (r - y[n]) * (r - y[n]);
    }
    *error = (double)err;
    return st.clipped + st.trend * 100L + (long)(st.energy % 1000003) * 1000;
}

/* A series summed four ways: double, Kahan-compensated double, long double (gcc's x87 80-bit
 * type) and Kahan-compensated long double, and exp(x) by its Taylor series in long double. The
 * long double results also come out as their exact bits (significand, sign and exponent). */
#include <string.h>
#pragma nsc entry(series)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(n, 1, 300)

static void bits_of(long double v, long long out[2])
{
    unsigned long long significand = 0;
    unsigned short exponent = 0;
    memcpy(&significand, &v, 8);
    memcpy(&exponent, (const char *)&v + 8, 2);
    out[0] = (long long)significand;
    out[1] = exponent;
}

static long double taylor_exp(long double x)
{
    long double term = 1.0L, sum = 1.0L;
    for (int k = 1; k < 40; k++) {
        term *= x / k;
        sum += term;
    }
    return sum;
}

double series(double x, int n, double sums[5], long long bits[6])
{
    double plain = 0.0, kahan = 0.0, comp = 0.0;
    long double lplain = 0.0L, lkahan = 0.0L, lcomp = 0.0L;
    for (int k = 1; k <= n; k++) {
        long double term = (long double)x / ((long double)k * k);
        if (k % 2 == 0)
            term = -term * 0.5L;
        double dterm = (double)term;
        plain += dterm;
        double y = dterm - comp;
        double t = kahan + y;
        comp = (t - kahan) - y;
        kahan = t;
        lplain += term;
        long double ly = term - lcomp;
        long double lt = lkahan + ly;
        lcomp = (lt - lkahan) - ly;
        lkahan = lt;
    }
    long double e = taylor_exp(x);
    sums[0] = plain;
    sums[1] = kahan;
    sums[2] = (double)lplain;
    sums[3] = (double)lkahan;
    sums[4] = (double)e;
    bits_of(lplain, bits);
    bits_of(lkahan, bits + 2);
    bits_of(e, bits + 4);
    return (double)(lkahan - (long double)kahan);
}

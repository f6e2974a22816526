/* remquo (remainder and the low bits of the quotient through a pointer), scalbln (a long
 * exponent) and nexttoward (toward a long double), in double, float and long double. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -50, 50)
#pragma nsc range(y, 0.5, 7)
#pragma nsc range(n, -40, 40)

double f(double x, double y, long n, double out[6])
{
    int q = 0, qf = 0, ql = 0;
    out[0] = remquo(x, y, &q);
    out[1] = remquof((float)x, (float)y, &qf) + q * 1000.0 + qf * 10.0;
    out[2] = (double)remquol(x * 1.0L, y * 1.0L, &ql) + ql;
    out[3] = scalbln(x, n) + scalblnf((float)y, n / 2) + (double)scalblnl(x * 1.0L, -n);
    out[4] = (nexttoward(x, 1e300L) - x) * 1e15 + (nexttowardf((float)x, -1e300L) - (float)x) * 1e6;
    out[5] = (double)((nexttowardl(x * 1.0L, 0.0L) - x * 1.0L) * 1e18L);
    return out[0] + out[3];
}

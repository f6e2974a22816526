/* <tgmath.h> with long double: a long double argument, or one among doubles, floats and
 * integers, calls the `l` function; the sizes of the results say which one was chosen. */
#include <tgmath.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 0.9)
#pragma nsc range(k, 1, 9)

double f(double x, int k, float g, double out[6], long sizes[6])
{
    long double w = x * 3.0L;
    out[0] = (double)(sqrt(w) + exp(w) + log(w + k));
    out[1] = (double)(pow(w, k) + pow(g, w) + pow(x, w));
    out[2] = (double)(atan2(w, x) + hypot(g, w) + fma(g, g, w) + fma(x, w, g));
    out[3] = (double)(ldexp(w, k) + floor(w * k) + fabs(-w) + fmin(w, x));
    out[4] = (double)(nextafter(w, 2.0L) - w) * 1e18;
    out[5] = (double)(sin(w) * cos(w) - tan(w) + cbrt(w));
    sizes[0] = (long)sizeof sqrt(w);
    sizes[1] = (long)sizeof pow(g, w);
    sizes[2] = (long)sizeof fma(g, x, w);
    sizes[3] = (long)sizeof fma(k, g, w);
    sizes[4] = (long)sizeof pow(g, g) + (long)sizeof pow(x, g);
    sizes[5] = lround(w * k) + ilogb(w * 1000);
    return (double)sqrt(w);
}

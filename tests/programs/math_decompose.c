/* math.h's logb, ilogb, nextafter, modf, llround and llrint, double and float variants. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -1000.0, 1000.0)
#pragma nsc range(y, -1.0, 1.0)

double f(double x, float y)
{
    double whole;
    float wholef;
    double frac = modf(x, &whole);
    float fracf = modff(y * 7.5f, &wholef);
    double r = frac + whole * 2.0 + fracf + wholef * 3.0f;
    r += logb(x) + logbf(y) + ilogb(x + 2000.0) * 10 + ilogbf(y + 2.0f) * 100;
    r += (nextafter(x, 0.0) - x) * 1e12 + (nextafterf(y, 2.0f) - y) * 1e6f;
    r += (double)llround(x * 0.5) + (double)llroundf(y * 10.5f) + (double)llrint(x * 0.25)
        + (double)llrintf(y * 2.5f);
    return r;
}

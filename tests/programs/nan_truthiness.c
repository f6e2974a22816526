/* NaN is nonzero: it converts to _Bool 1, is true in conditions and in && / ||. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

int f(double x)
{
    double zero = x - x;
    double nan = zero / zero;
    float fnan = (float)nan;
    _Bool b = nan;
    _Bool fb = fnan;
    int r = b + fb * 2 + (nan ? 4 : 0) + (!nan) * 8 + (nan && 1) * 16 + (zero || nan) * 32;
    r += isnan(nan) * 64 + isinf(1.0 / zero) * 128 + (-zero ? 256 : 0) + (_Bool)(-zero) * 512;
    if (fnan)
        r += 1024;
    while (nan) {
        r += 2048;
        break;
    }
    return r;
}

/* fmin and fmax of +0.0 and -0.0: glibc returns the second argument when they compare equal
 * (C leaves the sign unspecified; the x86-64 gcc build is the reference here). */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(s, 0, 1)
#pragma nsc range(t, 0, 1)

void f(int s, int t, double r[4], float rf[4])
{
    double a = s ? -0.0 : 0.0, b = t ? -0.0 : 0.0;
    r[0] = 1.0 / fmin(a, b);
    r[1] = 1.0 / fmax(a, b);
    r[2] = 1.0 / fmin(b, a);
    r[3] = 1.0 / fmax(b, a);
    float af = (float)a, bf = (float)b;
    rf[0] = 1.0f / fminf(af, bf);
    rf[1] = 1.0f / fmaxf(af, bf);
    rf[2] = 1.0f / fminf(bf, af);
    rf[3] = 1.0f / fmaxf(bf, af);
}

/* Static complex objects initialized by constant expressions of I: sums, differences,
 * negations, real multiples and quotients, folded part by part as gcc folds them. */
#include <complex.h>

#pragma nsc entry(f)
#pragma nsc range(k, 0, 7)

static const double complex table[8] = {
    1.0 + 2.0 * I,  0.5 * I,           -(1.5 - 0.25 * I), (3.0 + 4.0 * I) * 2.0,
    (1.0 + I) / 3.0, 2 * I - 0.1,       -I,                 0.1 + 0.7 * I - (0.2 + 0.3 * I),
};
static float complex small = 1.0f / 3 + 2.0f * I;
static double complex mixed = 0.1f * I + 0.3;

double f(int k, double o[6])
{
    double complex z = table[k] + mixed;
    o[0] = creal(table[k]);
    o[1] = cimag(table[k]);
    o[2] = crealf(small);
    o[3] = cimagf(small);
    o[4] = creal(mixed) + 10 * cimag(mixed);
    o[5] = cimag(z);
    return creal(z);
}

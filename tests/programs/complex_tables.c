/* Complex numbers in static storage: constant tables initialized with CMPLX, CMPLXF and real
 * constants (the imaginary part +0.0), a file-scope struct holding one, and a file-scope
 * accumulator (reset on each call); a float complex rotation applied n times, with
 * conversions between the two complex types. */
#include <complex.h>
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(n, 0, 12)

static const double complex weights[4] = {CMPLX(0.5, -0.25), 2, CMPLX(-1.0 / 3, 0.75),
                                          CMPLXF(0.1f, 1.0f / 7)};
static const float complex turn = CMPLXF(0.9238795f, 0.3826834f);
struct filter {
    int taps;
    double complex gain;
};
struct filter shape = {4, CMPLX(1.25, -0.5)};
static double complex total;

double f(double x, int n, double out[6], float fout[2])
{
    double complex acc = 0;
    total = 0;
    for (int k = 0; k < shape.taps; k++)
        acc += weights[k] * CMPLX(x, k);
    acc *= shape.gain;
    total += acc;
    total -= acc * I;
    out[0] = creal(acc);
    out[1] = cimag(acc);
    float complex p = CMPLXF(x, 1.0f);
    for (int i = 0; i < n; i++)
        p *= turn;
    fout[0] = crealf(p);
    fout[1] = cimagf(p);
    double complex wide = p;
    out[2] = creal(wide / acc);
    out[3] = cimag(wide / acc);
    out[4] = creal(total) + cimag(total);
    out[5] = (double)(weights[3] == CMPLXF(0.1f, 1.0f / 7)) + 2.0 * (weights[1] == 2);
    return cabs(acc - wide);
}

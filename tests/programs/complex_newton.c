/* Newton's method on z^3 - 1 from a starting point in the plane: which cube root of unity it
 * reaches and in how many steps (complex division through libgcc's __divdc3), and a complex
 * polynomial evaluated by Horner's rule (coefficients in an array of double complex, and in a
 * struct) with its derivative, in double and in float complex. */
#include <complex.h>
#pragma nsc entry(newton)
#pragma nsc range(x, -1.5, 1.5)
#pragma nsc range(y, -1.5, 1.5)

struct poly {
    int degree;
    double complex c[5]; /* c[0] + c[1] z + ... */
};

static double complex horner(const struct poly *p, double complex z, double complex *dp)
{
    double complex v = p->c[p->degree], d = 0;
    for (int k = p->degree - 1; k >= 0; k--) {
        d = d * z + v;
        v = v * z + p->c[k];
    }
    *dp = d;
    return v;
}

static float complex horner_f(const float complex *c, int n, float complex z)
{
    float complex v = c[n - 1];
    for (int k = n - 2; k >= 0; k--)
        v = v * z + c[k];
    return v;
}

int newton(double x, double y, double root[2], double poly[4], float polyf[2], double *dist)
{
    double complex z = x + y * I;
    int steps = 0;
    while (steps < 60) {
        double complex z2 = z * z;
        double complex step = (z2 * z - 1) / (3 * z2);
        z -= step;
        steps++;
        if (cabs(step) < 1e-13)
            break;
    }
    root[0] = creal(z);
    root[1] = cimag(z);
    const double complex roots[3] = {1.0, CMPLX(-0.5, 0.8660254037844386),
                                     CMPLX(-0.5, -0.8660254037844386)};
    int nearest = 0;
    for (int k = 1; k < 3; k++)
        if (cabs(z - roots[k]) < cabs(z - roots[nearest]))
            nearest = k;
    *dist = cabs(z - roots[nearest]);

    struct poly p = {4, {CMPLX(1, -2), 0.5, 3.0 * I, -1.25 + 0.75 * I, 2}};
    double complex dp;
    double complex v = horner(&p, CMPLX(x, y), &dp);
    poly[0] = creal(v);
    poly[1] = cimag(v);
    poly[2] = creal(dp);
    poly[3] = cimag(dp);

    float complex cf[3] = {1.0f, CMPLXF(0.25f, -1.5f), 2.0f * I};
    float complex vf = horner_f(cf, 3, CMPLXF(x, y)) / CMPLXF(y, 1.0f);
    polyf[0] = crealf(vf);
    polyf[1] = cimagf(vf);
    return nearest * 100 + steps;
}

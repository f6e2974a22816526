/* Mixed real and complex arithmetic as gcc -O0 does it (a real operand stays real: z + r
 * leaves the imaginary part alone, r - z negates it, z * r and z / r go part by part, r / z
 * goes through __divdc3), conversions (real, integer and _Bool to and from complex, float
 * complex to double complex and back), == and !=, compound assignment, unary minus, the
 * conditional operator, and <complex.h>'s functions in double and float. Special values
 * (infinities, NaN, signed zeros, huge parts that __divdc3 scales) come out as exact bits. */
#include <complex.h>
#include <math.h>
#include <string.h>
#pragma nsc entry(f)
#pragma nsc range(x, -3.0, 3.0)
#pragma nsc range(y, 0.25, 4.0)
#pragma nsc range(n, -20, 20)

static long long bits_of(double v)
{
    long long b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static double complex mix(double complex z, double r, int n)
{
    double complex a = z + r, b = r - z, c = z * r, d = r * z, e = z / r, g = r / z;
    double complex h = n + z, k = z - n, m = n * z / (n - 0.5);
    return a + b * 2 - c + d / 3 + e * g - h + k * m;
}

double f(double x, double y, int n, double out[24], float fout[10], long long bits[16],
         int flags[8])
{
    double complex z = CMPLX(x, y), w = CMPLX(y - 1.0, -x * 0.5);
    float complex zf = CMPLXF(x, y);

    double complex v = mix(z, y, n);
    out[0] = creal(v);
    out[1] = cimag(v);
    v = z * w + z / w - w / z;
    out[2] = creal(v);
    out[3] = cimag(v);

    double complex acc = z;
    acc += 1.5;
    acc *= w;
    acc -= n;
    acc /= w + 2.0;
    acc *= 0.5;
    acc /= y;
    out[4] = creal(acc);
    out[5] = cimag(acc);
    double re_only = z; /* the real part */
    int whole = (int)(z * 3.0);
    _Bool nonzero = CMPLX(0.0, y), zero = CMPLX(0.0, -0.0);
    flags[0] = whole;
    flags[1] = nonzero;
    flags[2] = zero;
    flags[3] = (z == x + y * I) + 2 * (z != w) + 4 * (x == z) + 8 * (CMPLX(x, 0.0) == x);
    flags[4] = !z + 2 * (z ? 1 : 0) + 4 * (zero || nonzero);
    double complex t = n > 0 ? z : 2.0;
    out[6] = re_only + creal(t) + cimag(t);
    out[7] = creal(-z) + cimag(+w) - cimag(conj(z));

    v = cexp(z) + clog(w) + csqrt(z) + cpow(z, w) + csin(w) + ccos(z) + ctan(w * 0.25);
    out[8] = creal(v);
    out[9] = cimag(v);
    v = casin(w * 0.3) + cacos(z * 0.2) + catan(w) + csinh(z * 0.5) + ccosh(w) + ctanh(z);
    out[10] = creal(v);
    out[11] = cimag(v);
    v = casinh(z) + cacosh(w) + catanh(z * 0.1) + cproj(w);
    out[12] = creal(v);
    out[13] = cimag(v);
    out[14] = cabs(w) + carg(w) + carg(-z);

    float complex vf = zf * zf - zf / CMPLXF(y, 1.0f) + 2 * zf + 1.0f / zf;
    vf += cexpf(zf * 0.5f) + clogf(zf) + csqrtf(zf) + cpowf(zf, 0.5f) + csinf(zf) + ccosf(zf);
    vf += ctanf(zf * 0.1f) + conjf(zf);
    fout[0] = crealf(vf);
    fout[1] = cimagf(vf);
    fout[2] = cabsf(zf) + cargf(zf);
    double complex widened = zf * 3.0; /* float complex * double: a double complex */
    float complex narrowed = z * z;
    out[15] = creal(widened);
    out[16] = cimag(widened);
    fout[3] = crealf(narrowed);
    fout[4] = cimagf(narrowed);
    fout[5] = (float)(zf * (float)n);
    fout[6] = cimagf(zf * I);
    fout[7] = sizeof(float complex) + sizeof(double complex) * 10 + _Alignof(double complex) * 100;
    fout[8] = crealf((float complex)n / zf);
    fout[9] = cimagf(zf + n);
    out[17] = creal(z * I) + cimag(I * I);
    out[18] = cimag((double complex)n);

    /* special values: the libgcc functions' recovery of infinities and NaN, signed zeros */
    double inf = INFINITY, nan_ = inf * (x - x); /* made as it runs: NAN is folded */
    double complex s[8] = {
        CMPLX(inf, nan_) * CMPLX(x, y),  CMPLX(x, y) / CMPLX(0.0, 0.0),
        CMPLX(1e300, 1e300) / CMPLX(1e-300, 1e300 * y), CMPLX(-0.0, x) * CMPLX(0.0, -0.0),
        -0.0 - CMPLX(0.0, 0.0),          CMPLX(x, -0.0) + 0.0,
        CMPLX(nan_, inf) / CMPLX(inf, y), 1.0 / CMPLX(inf, -inf),
    };
    for (int i = 0; i < 8; i++) {
        bits[2 * i] = bits_of(creal(s[i]));
        bits[2 * i + 1] = bits_of(cimag(s[i]));
    }
    out[19] = creal(z * z * z) - cimag(z / (z * z));
    out[20] = cabs(CMPLX(3e200, 4e200)) * 1e-200 + carg(CMPLX(-1.0, -0.0));
    out[21] = creal(z) * cimag(w);
    out[22] = sizeof(z) + sizeof(zf);
    out[23] = creal(csqrt(CMPLX(-y, -0.0)));
    return creal(v) + cimag(v);
}

/* A DFT of 8 points with cexp twiddles, and the same transform as a radix-2 FFT of
 * butterflies (complex * complex through libgcc's __muldc3, +, -); both spectra come out as
 * real and imaginary parts, with their magnitudes and phases (cabs, carg). */
#include <complex.h>
#include <math.h>
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(y, -2.0, 2.0)

typedef double complex cplx;

static void dft(const cplx in[8], cplx out[8])
{
    for (int k = 0; k < 8; k++) {
        cplx sum = 0;
        for (int n = 0; n < 8; n++)
            sum += in[n] * cexp(-2.0 * M_PI * I * (double)(k * n) / 8.0);
        out[k] = sum;
    }
}

static void fft(cplx *v, int n)
{
    for (int i = 1, j = 0; i < n; i++) { /* bit reversal */
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            cplx t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        cplx w_len = cexp(CMPLX(0.0, -2.0 * M_PI / len));
        for (int i = 0; i < n; i += len) {
            cplx w = 1.0;
            for (int j = 0; j < len / 2; j++) {
                cplx u = v[i + j], t = w * v[i + j + len / 2];
                v[i + j] = u + t;
                v[i + j + len / 2] = u - t;
                w *= w_len;
            }
        }
    }
}

double f(double x, double y, double re[8], double im[8], double fre[8], double fim[8],
         double mag[8], double phase[8])
{
    cplx in[8], out[8], v[8];
    for (int n = 0; n < 8; n++) {
        in[n] = CMPLX(x * cos(n * 0.7) + n, y * sin(n * 1.3) - x * n / 8);
        v[n] = in[n];
    }
    dft(in, out);
    fft(v, 8);
    double err = 0.0;
    for (int k = 0; k < 8; k++) {
        re[k] = creal(out[k]);
        im[k] = cimag(out[k]);
        fre[k] = creal(v[k]);
        fim[k] = cimag(v[k]);
        mag[k] = cabs(out[k]);
        phase[k] = carg(v[k]);
        err += cabs(out[k] - v[k]);
    }
    return err;
}

/* FFT twiddle factor w = exp(-2*pi*i*k/N) (the sin/cos kernel of AxBench "fft"). */
#include <math.h>

#pragma nsc entry(twiddle)
#pragma nsc range(k, 0, 63)
#pragma nsc range(n, 64, 1024)

void twiddle(int k, int n, float *re, float *im)
{
    float angle = -2.0f * (float)M_PI * (float)k / (float)n;
    *re = cosf(angle);
    *im = sinf(angle);
}

/* A 5-tap FIR filter (binomial smoothing) over a 16-sample signal, "valid" part only. */
#pragma nsc entry(conv1d)
#pragma nsc range(x, -1.0, 1.0)

#define TAPS 5
#define N 16

static const float kernel[TAPS] = {1.0f / 16, 4.0f / 16, 6.0f / 16, 4.0f / 16, 1.0f / 16};

void conv1d(const float x[N], float y[N - TAPS + 1])
{
    for (int i = 0; i <= N - TAPS; i++) {
        float acc = 0.0f;
        for (int k = 0; k < TAPS; k++)
            acc += kernel[k] * x[i + k];
        y[i] = acc;
    }
}

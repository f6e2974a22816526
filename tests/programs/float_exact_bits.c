/* Float arithmetic is done in float (FLT_EVAL_METHOD 0), mixed with double only where C says,
 * and never contracted into fma: compared bit for bit, not within an ulp. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -100.0, 100.0)
#pragma nsc range(y, 0.001, 10.0)
#pragma nsc range(z, -1.0, 1.0)

static unsigned bits_of(float v)
{
    const unsigned char *b = (const unsigned char *)&v;
    return b[0] | (unsigned)b[1] << 8 | (unsigned)b[2] << 16 | (unsigned)b[3] << 24;
}

static unsigned long long bits_of_double(double v)
{
    const unsigned char *b = (const unsigned char *)&v;
    unsigned long long r = 0;
    for (int i = 7; i >= 0; i--)
        r = r << 8 | b[i];
    return r;
}

void f(float x, float y, float z, unsigned out[10], unsigned long long dout[4])
{
    out[0] = bits_of(x * y + z);
    out[1] = bits_of(x / y);
    out[2] = bits_of(x * 0.1f);
    out[3] = bits_of((float)(x * 0.1));
    float acc = x;
    acc += 1e-8;
    acc *= y;
    out[4] = bits_of(acc);
    out[5] = bits_of(sqrtf(y) + fmaf(x, y, z));
    out[6] = bits_of((float)(int)(x * 1000.0f) / 1000.0f);
    out[7] = bits_of(x - y - z);
    out[8] = bits_of(x * y * z * 3.0f);
    out[9] = bits_of((x + y) / (y - z));
    dout[0] = bits_of_double(x * y + z);
    dout[1] = bits_of_double((double)x * y + z);
    dout[2] = bits_of_double(x / 3.0 + y / 3.0f);
    dout[3] = bits_of_double(sqrt(y) * x - z);
}

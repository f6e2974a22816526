/* Several scalar out-parameters of different types and a return value. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, -6.0, 6.0)

int f(float x, float *s, double *c, int *q, unsigned char *flags)
{
    *s = sinf(x);
    *c = cos((double)x);
    *q = (int)(x * 4.0f) % 3;
    *flags = (unsigned char)((x > 0) | ((*s > 0) << 1) | ((*c > 0) << 2));
    return *q + 10;
}

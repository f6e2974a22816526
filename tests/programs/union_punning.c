/* Type punning through unions (defined in C99 TC3 and C11): the bits of a float and of a
 * double, the fast inverse square root, and bits turned back into floating point. */
#pragma nsc entry(f)
#pragma nsc range(x, 0.01, 100.0)
#pragma nsc range(y, -1000.0, 1000.0)
#pragma nsc range(n, -2000000000, 2000000000)

union fbits {
    float f;
    unsigned u;
};

typedef union {
    double d;
    unsigned long long u;
    unsigned int half[2];
} dbits;

static float inv_sqrt(float x)
{
    union fbits v = {x};
    v.u = 0x5f3759dfu - (v.u >> 1);
    return v.f * (1.5f - 0.5f * x * v.f * v.f);
}

unsigned long long f(float x, double y, int n, unsigned *fx, unsigned *exponent, float *r,
                     double *back, unsigned *high)
{
    union fbits v;
    v.f = x;
    *fx = v.u;
    *exponent = (v.u >> 23) & 0xffu;
    *r = inv_sqrt(x);
    dbits d;
    d.d = y;
    *high = d.half[1];
    dbits e;
    e.u = d.u ^ 0x8000000000000000ull; /* flip the sign bit */
    *back = e.d;
    union fbits w;
    w.u = (unsigned)n;
    return d.u + (w.f == w.f ? 1u : 2u);
}

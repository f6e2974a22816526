/* Fast inverse square root via a union, Newton refinement steps chosen by a function pointer,
 * the float's exponent read through a union's array member walked by pointer. */
#pragma nsc entry(rsqrt)
#pragma nsc range(x, 0.001, 1000.0)
#pragma nsc range(iters, 0, 3)

typedef union {
    float f;
    unsigned int i;
    unsigned char b[4];
} fbits;

static float refine(float y, float half) { return y * (1.5f - half * y * y); }
static float keep(float y, float half) { (void)half; return y; }

static float (*const steps[2])(float, float) = {keep, refine};

float rsqrt(float x, int iters, int *exp_out, int *byte_sum)
{
    fbits u = {x};
    float half = 0.5f * x;
    u.i = 0x5f3759df - (u.i >> 1);
    float y = u.f;
    for (int k = 0; k < 3; k++)
        y = steps[k < iters](y, half);
    fbits v;
    v.f = x;
    *exp_out = (int)((v.i >> 23) & 0xff) - 127;
    int s = 0;
    for (unsigned char *p = v.b; p < v.b + sizeof v.b; p++)
        s += *p;
    *byte_sum = s;
    return y;
}

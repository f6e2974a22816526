/* A const struct pointer in, a struct pointer out. */
#pragma nsc entry(f)
#pragma nsc range(in, -5.0, 5.0)

typedef struct {
    double re, im;
} complex_t;

void f(const complex_t *in, complex_t *out)
{
    complex_t sq;
    sq.re = in->re * in->re - in->im * in->im;
    sq.im = 2.0 * in->re * in->im;
    out->re = sq.re + in->re;
    out->im = sq.im + in->im;
}

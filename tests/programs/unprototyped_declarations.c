/* Declarations without a prototype (`double sq();`, old C) of functions the file defines
 * further down, at file scope and in a block; calls pass what the definitions take. */
#pragma nsc entry(f)
#pragma nsc range(x, -3.0, 3.0)
#pragma nsc range(k, 0, 5)

double sq();
static double scaled();

double f(double x, int k)
{
    double blend();
    return sq(x) + scaled(x, k) + blend(x, sq(x + 1.0), 0.25);
}

double sq(double v) { return v * v; }

static double scaled(double v, int k) { return v * k - k; }

double blend(double a, double b, double t) { return a + (b - a) * t; }

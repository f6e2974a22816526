/* Function pointers: callbacks (a bisection root finder and a trapezoid integrator take the
 * function to work on), typedefs, tables of them with static storage, a struct member,
 * addresses of math library functions, `&f` and `(*fp)(x)`, comparisons and null. */
#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 2.0)
#pragma nsc range(k, 0, 3)

#include <math.h>

typedef double (*unary)(double);
typedef double scalar_fn(double);

static double sq(double x) { return x * x; }
static double shifted(double x) { return x * x - 2.0; }
static double damp(double x) { return exp(-x) * x; }

static double bisect(unary fn, double lo, double hi)
{
    for (int i = 0; i < 40; i++) {
        double mid = 0.5 * (lo + hi);
        if ((fn(lo) < 0) == (fn(mid) < 0))
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double trapezoid(scalar_fn *fn, double a, double b, int n)
{
    double h = (b - a) / n, s = 0.5 * ((*fn)(a) + fn(b));
    for (int i = 1; i < n; i++)
        s += fn(a + i * h);
    return s * h;
}

static const unary table[4] = {sq, damp, sin, &sqrt};

struct stage {
    double weight;
    unary fn;
};

static struct stage stages[2] = {{0.5, sq}, {2.0, damp}};

double f(double x, int k)
{
    unary chosen = table[k];
    double (*other)(double) = k % 2 ? &sq : damp;
    double s = chosen(x) + trapezoid(chosen, 0.0, x, 16) + bisect(shifted, 0.0, 2.0 + x);
    for (int i = 0; i < 2; i++)
        s += stages[i].weight * stages[i].fn(x);
    if (other == sq)
        s += 1.0;
    if (chosen != 0 && other != chosen)
        s += (*other)(x);
    return s;
}

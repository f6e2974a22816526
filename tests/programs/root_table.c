/* Root finding and quadrature over a static table of (function, bracket) entries: a struct
 * holding a function pointer, Newton with a derivative pointer, Simpson over a VLA of samples,
 * and a dispatch through a pointer to a function pointer. */
#pragma nsc entry(solve)
#pragma nsc range(which, 0, 3)
#pragma nsc range(n, 2, 16)
#pragma nsc range(a, 0.5, 1.5)

#include <math.h>

typedef double fn1(double, double);

static double cubic(double x, double a) { return x * x * x - a; }
static double dcubic(double x, double a) { (void)a; return 3 * x * x; }
static double cosine(double x, double a) { return cos(x) - a * 0.5; }
static double dcosine(double x, double a) { (void)a; return -sin(x); }
static double expo(double x, double a) { return exp(x) - 1.0 - a; }
static double dexpo(double x, double a) { (void)a; return exp(x); }

static const struct problem {
    fn1 *f, *df;
    double lo, hi;
} problems[] = {
    {cubic, dcubic, 0.1, 2.0},
    {cosine, dcosine, 0.0, 1.5},
    {expo, dexpo, 0.0, 2.0},
    {&cubic, &dcubic, 0.5, 3.0},
};

static double newton(const struct problem *p, double a)
{
    double x = 0.5 * (p->lo + p->hi);
    for (int i = 0; i < 30; i++) {
        double d = p->df(x, a);
        if (d == 0.0)
            break;
        double nx = x - (*p->f)(x, a) / d;
        if (nx < p->lo) nx = p->lo;
        if (nx > p->hi) nx = p->hi;
        if (fabs(nx - x) < 1e-14)
            return nx;
        x = nx;
    }
    return x;
}

static double simpson(fn1 *f, double a, double lo, double hi, int n)
{
    int m = 2 * n + 1;
    double y[m];
    double h = (hi - lo) / (m - 1);
    for (double *p = y, *end = y + m; p < end; p++)
        *p = f(lo + (p - y) * h, a);
    double s = y[0] + y[m - 1];
    for (int i = 1; i < m - 1; i++)
        s += (i % 2 ? 4.0 : 2.0) * y[i];
    return s * h / 3.0 + (double)(sizeof y / sizeof y[0]) * 0.0;
}

double solve(int which, int n, double a, double out[2])
{
    const struct problem *p = &problems[which];
    fn1 *const *fp = &p->f;
    out[0] = newton(p, a);
    out[1] = simpson(*fp, a, p->lo, p->hi, n);
    return (**fp)(out[0], a);
}

/* Pointers with static storage initialized with addresses: of a scalar, into a const table
   (its start, `tab + 2`, `&tab[3]`, one past its end), into a struct member, and null ones. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 5)
#pragma nsc range(x, -4.0, 4.0)

struct state {
    int count;
    double x;
    double v[4];
};

static double g = 1.5;
static double *p = &g;
static double *p; /* a tentative definition after the one with an initializer keeps it */
static const double tab[8] = {0.5, 1.25, -2.0, 3.5, 4.0, -0.75, 6.5, 7.25};
static const double *q = tab + 2;
static const double *q3 = &tab[3];
static const double *q0 = tab;
static const double *end = &tab[8];
static struct state s = {2, 0.25, {1.0, 2.0, 3.0, 4.0}};
static double *m = &s.x;
static double *mv = s.v + 1;
static const int *none = 0;
static double *also_none = (void *)0;
static const double *const fixed = &tab[7];

double f(int i, double x)
{
    *p = x;
    s.v[1 + i % 3] = x * 0.5; /* the element mv[i % 3] reads: no state from other calls */
    double acc = g + p[0] * 2.0 + q[i] + q3[i % 5] + q0[i] + end[-1 - i] + fixed[0];
    acc += *m + m[0] * x + mv[i % 3] + (double)(end - q0) + (double)(q - q0);
    if (none == 0 && also_none == (double *)0)
        acc += 100.0;
    return acc;
}

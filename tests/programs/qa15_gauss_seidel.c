/* QA: Jacobi and Gauss-Seidel iterations on a diagonally dominant system built in a local
 * `double a[n][n]`, helpers taking `double a[n][n]` and walking rows through `double (*)[n]`,
 * a residual accumulated in long double, a relaxation factor chosen by a string key, and a
 * solver picked through a struct holding a function pointer. */
#include <math.h>
#include <string.h>

#pragma nsc entry(solve)
#pragma nsc shape(diag, 6)
#pragma nsc range(diag, 4.0, 9.0)
#pragma nsc shape(rhs, 6)
#pragma nsc range(rhs, -5.0, 5.0)
#pragma nsc range(n, 2, 6)
#pragma nsc range(method, 0, 2)
#pragma nsc shape(x, 6)

typedef int (*sweep_fn)(int n, double a[n][n], const double *b, double *x, double omega);

struct solver {
    const char *name;
    sweep_fn sweep;
    double omega;
};

static int jacobi(int n, double a[n][n], const double *b, double *x, double omega)
{
    double next[n];
    double (*row)[n] = a;
    for (int i = 0; i < n; i++, row++) {
        double s = b[i];
        for (int j = 0; j < n; j++)
            if (j != i)
                s -= (*row)[j] * x[j];
        next[i] = (1 - omega) * x[i] + omega * s / (*row)[i];
    }
    memcpy(x, next, sizeof next);
    return n;
}

static int gauss_seidel(int n, double a[n][n], const double *b, double *x, double omega)
{
    for (int i = 0; i < n; i++) {
        double *r = a[i];
        double s = b[i];
        for (int j = 0; j < n; j++)
            s -= j == i ? 0.0 : r[j] * x[j];
        x[i] += omega * (s / r[i] - x[i]);
    }
    return n;
}

static long double residual(int n, double a[n][n], const double *b, const double *x)
{
    long double worst = 0;
    for (int i = 0; i < n; i++) {
        long double r = b[i];
        for (int j = 0; j < n; j++)
            r -= (long double)a[i][j] * x[j];
        if (fabsl(r) > worst)
            worst = fabsl(r);
    }
    return worst;
}

static const struct solver solvers[] = {
    {"jacobi", jacobi, 1.0}, {"gs", gauss_seidel, 1.0}, {"sor", gauss_seidel, 1.25}};

int solve(const double diag[6], const double rhs[6], int n, int method, double x[6])
{
    double a[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            a[i][j] = i == j ? diag[i] : 1.0 / (1 + i + 2 * j);
    const struct solver *s = &solvers[method];
    double omega = s->name[0] == 's' ? s->omega : 1.0;
    memset(x, 0, 6 * sizeof *x);
    int iterations = 0;
    while (iterations < 200) {
        iterations++;
        s->sweep(n, a, rhs, x, omega);
        if (residual(n, a, rhs, x) < 1e-12L)
            break;
    }
    return iterations * 10 + (int)(sizeof solvers[0].name + s->name[1]);
}

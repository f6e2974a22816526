/* const in every position: const locals, pointers to const, const pointers. */
#pragma nsc entry(f)
#pragma nsc range(v, -1.0, 1.0)

static double dot(const double *const a, const double *const b, const int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

double f(const double v[4])
{
    const double w[4] = {1.0, -2.0, 3.0, -4.0};
    const double *const p = v;
    const int n = 4;
    return dot(p, w, n) + dot(v, v, n - 1);
}

/* `*(p + i)` and `*(i + p)` read what `p[i]` reads; `&*e` is `e`. */
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(k, 0, 3)

static const double tab[4] = {0.5, -1.25, 2.0, 3.5};

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += *(a + i) * *(i + b);
    return s;
}

double f(double x, int k, const double w[4], double *out)
{
    double m[2][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    const double *end = &*(tab + 4);
    double *row = *(m + 1);
    *(row + k) += x;
    *(out + 0) = dot(tab, w, 4) + *(tab + k) * x;
    return (*(m + 1))[k] + (double)(end - tab) + *(k + w);
}

/* Pointers that move: walks, `p += k`, `*p++`, a pointer swapped between two arrays, a pointer
 * chosen by a conditional. All in range, so the oracle's dynamic bounds must not trap. */
#pragma nsc entry(f)
#pragma nsc range(x, -4.0, 4.0)
#pragma nsc range(k, 0, 2)
#pragma nsc range(n, 0, 5)

static double sum_to(const double *p, const double *end)
{
    double s = 0.0;
    while (p < end)
        s += *p++;
    return s;
}

double f(const double x[5], int k, int n)
{
    double a[3] = {1.5, -2.0, 0.25};
    double b[5];
    for (int i = 0; i < 5; i++)
        b[i] = x[i] * (i + 1);
    double s = 0.0;
    const double *p;
    for (p = b; p < b + n; p++)
        s += *p;
    p = a;
    p += k;
    s += *p * 10.0 + p[-k] * 100.0;
    const double *q = b + 1;
    const double *t = p;
    p = q;
    q = t;
    s += p[3] + q[0] * 3.0 + *(p + k) * 7.0;
    const double *r = n > 2 ? b + 2 : a;
    r++;
    s += r[0] + r[1];
    double *w = b + 4;
    for (int i = 0; i < 5; i++)
        *w-- += 0.5 * i;
    s += sum_to(b, b + 5) + sum_to(a + k, a + 3);
    const double *end = b + 5;
    for (p = b + n; p != end; ++p)
        s -= *p;
    return s + (double)(end - p) + (double)(q - a) * 1000.0;
}

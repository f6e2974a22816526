/* Structs with array members copied by assignment; arrays inside are copied too. */
#pragma nsc entry(f)
#pragma nsc range(v, -1.0, 1.0)

struct poly {
    int degree;
    double c[4];
};

static double eval(const struct poly *p, double x)
{
    double y = 0.0;
    for (int i = p->degree; i >= 0; i--)
        y = y * x + p->c[i];
    return y;
}

double f(const double v[4])
{
    struct poly p = {3, {0}};
    for (int i = 0; i < 4; i++)
        p.c[i] = v[i];
    struct poly q = p;
    q.c[0] = 100.0;
    return eval(&p, 0.5) + eval(&q, -0.5) * 1000.0;
}

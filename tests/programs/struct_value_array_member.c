/* Array members of struct values that are not objects (C11 temporary lifetime): a call's
 * result, a conditional, an assignment, a comma; indexed, nested, decayed to a pointer for
 * reading, and measured by sizeof. The index is an input, so the bounds checks stay. */
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)
#pragma nsc range(k, 0, 2)

struct inner {
    int v[2];
    float w[2][3];
};

struct outer {
    double arr[3];
    struct inner in;
    struct inner items[2];
};

static struct outer make(double x, int k)
{
    struct outer o;
    for (int i = 0; i < 3; i++)
        o.arr[i] = x * (i + 1);
    o.in.v[0] = k;
    o.in.v[1] = -k;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++)
            o.in.w[i][j] = (float)(x - i * j);
        o.items[i] = o.in;
        o.items[i].v[1] = 10 * i + k;
    }
    return o;
}

static double sum3(const double *p)
{
    return p[0] + p[1] + p[2];
}

static int first(const int *p)
{
    return *p;
}

double f(double x, int k)
{
    struct outer a = make(x, k), b = make(-x, k + 1), c;
    double r = make(x, k).arr[k];
    r += 10.0 * make(x, k).in.v[k % 2];
    r += make(x, k).in.w[1][k];
    r += make(x, k).items[k % 2].v[1] * 100.0;
    r += make(x, k).items[1].w[k % 2][2 - k];
    r += sum3(make(x + 1.0, k).arr);
    r += first(make(x, k).in.v) * 1000.0;
    r += *make(x, k).arr + 1[make(x, k).arr];
    r += (x > 0 ? a : b).arr[2 - k];
    r += (c = b).in.v[1] * 3.0;
    r += (k, a).arr[k] * 0.5;
    r += (double)sizeof make(x, k).arr + (double)sizeof make(x, k).in.w[0];
    return r + c.arr[0];
}

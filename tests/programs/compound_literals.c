/* C99 compound literals in functions: struct values returned and passed by address, arrays
 * decaying to pointers (sized by their initializers, designators included), written through,
 * re-initialized on each evaluation in a loop, assigned from, and measured by sizeof. */
#pragma nsc entry(f)
#pragma nsc range(k, -5, 5)
#pragma nsc range(x, -2.0, 2.0)

struct point {
    double x, y;
};

static struct point make(double x, double y)
{
    return (struct point){x, y};
}

static double length2(const struct point *p)
{
    return p->x * p->x + p->y * p->y;
}

static int sum(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

double f(int k, double x)
{
    double r = make(x, k).y + (struct point){.y = x}.y * 3;
    r += length2(&(struct point){x, 1.0});
    r += sum((int[]){k, 2, 3}, 3) + ((int[4]){[2] = k})[2] * 10;
    int *p = (int[]){1, 2, 3, 4};
    p[1] += k;
    r += p[1] + sizeof((char[]){1, 2, 3}) * 100;
    for (int i = 0; i < 3; i++) {
        int *q = (int[2]){i};
        q[1] += i;
        r += q[0] * q[1] + q[1];
    }
    struct point a = (struct point){1, 2};
    a = (struct point){a.y, a.x};
    return r + a.x * 1000 + (const double[]){1.5, 2.5}[k & 1];
}

/* goto: leaving nested loops, a loop made of a label and a backward goto, jumps into a block
 * past a declaration, a forward jump over code, and labels that fall through. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 40)
#pragma nsc range(x, -2, 2)

static int first_above(const double *v, int count, double limit)
{
    int i;
    for (i = 0; i < count; i++)
        if (v[i] > limit)
            goto found;
    return -1;
found:
    return i;
}

double f(int n, double x)
{
    double s = 0, v[6] = {0.5, -1.0, 1.5, 0.25, 2.0, -0.5};
    int i = 0;
    for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
            if (a * b > n)
                goto done;
            s += x * a - b;
        }
    }
done:
    i = 0;
again:
    s = s * 0.5 + x;
    if (++i < n % 7)
        goto again;
    if (x > 1.0)
        goto inside;
    {
        double t = s * 3;
        s += t;
    inside:
        s -= 1.0;
    }
    if (s > 1e9)
        goto big;
    return s + first_above(v, 6, x);
big:
    return -1;
}

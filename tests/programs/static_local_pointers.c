/* `static` local pointers initialized with addresses of other statics; one of them is moved
   in the function (so it keeps no fixed extent), one never changes. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 7)
#pragma nsc range(x, -3.0, 3.0)

static const int weights[8] = {3, -1, 4, 1, -5, 9, 2, -6};

static double scaled(double x)
{
    static double bias = 0.125;
    static double *b = &bias;
    return x + *b;
}

double f(int k, double x)
{
    static const int *cursor = weights + 4;
    static const int *const first = &weights[0];
    static double history[3];
    static double *slot = history;
    cursor = first + k;
    slot = &history[k % 3];
    *slot = x;
    double acc = 0.0;
    for (const int *w = cursor; w < first + 8; w++)
        acc += *w * scaled(x);
    return acc + cursor[0] + first[k] + slot[0] + history[k % 3];
}

/* In a helper, an array parameter is a pointer: its declared size promises nothing, so the
 * helper may reach past it into the caller's larger array (C99 6.7.5.3p7). */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)
#pragma nsc range(k, 0, 3)

static int window_sum(const int w[1], int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += w[i];
    return s;
}

static void fill(int row[2], int n, int v)
{
    for (int i = 0; i < n; i++)
        row[i] = v + i;
}

long f(const int a[8], int k, int out[6])
{
    long r = window_sum(a, 8) + window_sum(a + k, 4) * 100 + window_sum(&a[4], 4) * 10000;
    fill(out, 6, k);
    int local[5];
    fill(local, 5, a[k]);
    r += local[4] + (long)sizeof(int[1]) * 1000000;
    return r;
}

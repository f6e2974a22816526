/* Recursion a few thousand calls deep. */
#pragma nsc entry(f)
#pragma nsc range(n, 1000, 3000)

static long long sum_to(int n) { return n == 0 ? 0 : n + sum_to(n - 1); }

long long f(int n)
{
    return sum_to(n);
}

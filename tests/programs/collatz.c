/* A data-dependent while loop: Collatz stopping time. */
#pragma nsc entry(f)
#pragma nsc range(n, 1, 10000)

int f(int n)
{
    long long x = n;
    int steps = 0;
    while (x != 1) {
        x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
        steps++;
    }
    return steps;
}

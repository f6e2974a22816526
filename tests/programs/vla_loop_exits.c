/* Variable-length arrays declared where the declaration runs again: in loop bodies left by
 * `break` and `continue`, after a label that `goto` jumps back to, and in a recursive
 * helper. Storage is reused across iterations; the values must be gcc's. */
#pragma nsc entry(mix)
#pragma nsc range(n, 1, 12)
#pragma nsc range(k, 0, 5)

static int depth_sum(int d)
{
    int here[d + 1];
    for (int i = 0; i <= d; i++)
        here[i] = i * d;
    int below = d > 0 ? depth_sum(d - 1) : 0;
    return here[d] + below + (int)(sizeof here / sizeof here[0]);
}

long mix(int n, int k)
{
    long acc = 0;
    for (int round = 0; round < 3 * n; round++) {
        int len = (round * 7 + k) % (n + 1) + 1; /* grows and shrinks */
        short cells[len];
        for (int i = 0; i < len; i++)
            cells[i] = (short)(round - i);
        if (round % 4 == k % 4)
            continue;
        acc += cells[len - 1] * (long)len;
        if (acc > 400 + 50 * k)
            break;
    }
    int tries = 0;
again:;
    int m = n + tries;
    double scratch[m];
    for (int i = 0; i < m; i++)
        scratch[i] = i * 0.5 + tries;
    acc += (long)scratch[m - 1];
    if (++tries < k)
        goto again;
    while (n > 0) {
        float f[n];
        f[n - 1] = (float)n;
        if (n % 3 == 0) {
            n -= 2;
            continue;
        }
        acc += (long)f[n - 1];
        n--;
    }
    return acc + depth_sum(k);
}

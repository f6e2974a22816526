/* Pointer arithmetic, indexing through pointers and pointer differences. */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)
#pragma nsc range(k, 1, 6)

long f(const int a[8], int k)
{
    const int *p = a + k;
    const int *q = &a[7];
    long d = q - p;
    int s = *(p + 1) + p[-1] + *(q - k);
    const int *r = p;
    r += 1;
    r -= 2;
    return d * 100000 + s * 10 + (r - a) + (p > r) * 7 + (q == a + 7);
}

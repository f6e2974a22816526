/* Counting down with an unsigned index: i-- > 0 stops before wrapping. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 30)

unsigned f(unsigned n)
{
    unsigned sum = 0;
    for (unsigned i = n; i-- > 0;)
        sum += i * i;
    unsigned j = n;
    while (j)
        sum ^= j--;
    return sum + j;
}

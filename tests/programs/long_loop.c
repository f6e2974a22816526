/* A long loop in every row: fuel must be counted per row, not per batch. */
#pragma nsc entry(f)
#pragma nsc range(n, 100000, 200000)

unsigned f(int n)
{
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned)i) * 16777619u;
    return h;
}

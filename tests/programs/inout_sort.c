/* An in-place bubble sort of an int array marked inout. */
#pragma nsc entry(f)
#pragma nsc inout(a)
#pragma nsc range(a, -100, 100)

int f(int a[6])
{
    int swaps = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j + 1 < 6 - i; j++)
            if (a[j] > a[j + 1]) {
                int t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
                swaps++;
            }
    return swaps;
}

/* Array parameters written as a[] or a[N] are pointers; the shape comes from a pragma. */
#pragma nsc entry(f)
#pragma nsc shape(a, 5)
#pragma nsc shape(out, 5)
#pragma nsc range(a, -1.0, 1.0)

static float sum(const float v[], int n)
{
    float s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

void f(const float a[], float out[])
{
    float total = sum(a, 5);
    for (int i = 0; i < 5; i++)
        out[i] = a[i] / (total == 0.0f ? 1.0f : total) + (float)sizeof(a);
}

/* float meets a double constant: the arithmetic happens in double, then rounds back. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(n, 1, 50)

double f(float x, int n)
{
    float s = x;
    for (int i = 0; i < n; i++)
        s += 0.1;
    float t = x;
    for (int i = 0; i < n; i++)
        t += 0.1f;
    double wide = x * 2.0;
    float narrow = x * 2.0f;
    int eq = (0.1f == 0.1) + (x == (double)x) * 2;
    return (s - t) * 1e6 + wide + narrow + eq * 10 + x / 3.0 + x / 3.0f;
}

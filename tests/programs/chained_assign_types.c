/* Chained assignments convert at each step; the value of an assignment has the target's type. */
#pragma nsc entry(f)
#pragma nsc range(x, -100.0, 100.0)

double f(double x)
{
    int i;
    float g;
    unsigned char c;
    g = i = x;
    double d = c = i;
    short s = (short)(g = x * 1.5);
    int shifted = 1 << 3LL;
    return g + i * 1000.0 + d * 0.001 + s + (double)sizeof(1 << 3LL) * 1e6 + shifted;
}

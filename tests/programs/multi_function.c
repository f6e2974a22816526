/* Several helpers with different parameter and return types, called in a chain. */
#pragma nsc entry(f)
#pragma nsc range(x, -3.0, 3.0)
#pragma nsc range(k, 0, 10)

double square(double v);
static float halve(float v) { return v / 2; }
static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
static void accumulate(double *acc, double v) { *acc += v; }

double f(double x, int k)
{
    double acc = 0.0;
    for (int i = 0; i < k; i++)
        accumulate(&acc, square(x) * halve((float)i));
    return acc + clamp(k * 3, 5, 20);
}

double square(double v) { return v * v; }

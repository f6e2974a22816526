/* float <-> double: widening is exact, narrowing rounds to nearest. */
#pragma nsc entry(f)
#pragma nsc range(x, -100.0, 100.0)

double f(double x)
{
    float narrow = (float)x;
    double widened = narrow;
    float third = (float)(x / 3.0);
    double err = x - widened;
    return err * 1e6 + third + (double)(third * third);
}

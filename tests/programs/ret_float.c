/* Returns float from double arithmetic: the result rounds to float on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -10.0, 10.0)
#pragma nsc range(b, 1.0, 10.0)

float f(double a, double b)
{
    return a / b + 1e-9 * a;
}

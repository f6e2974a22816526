/* Floating literals: exponent forms, f suffix, hexadecimal floats and their rounding. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

double f(double x)
{
    float a = 0.1f;
    double b = 0.1;
    double c = 1e-3 + .5 + 2. + 1.5e+2 + 0x1p-3 + 0x1.8p1;
    float d = 3.14159265358979f;
    return (b - a) * 1e9 + c + d + x * 1E2 + (sizeof 1.0f == 4) + (sizeof 1.0 == 8);
}

/* Declarations in a block of entities with linkage: `extern` variables and function
 * prototypes name the file-scope ones (C99 6.2.2p4), even ones defined further down, and an
 * inner `extern` hides a local of the same name. */
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)

double f(double x)
{
    double twice(double);
    extern double scale;
    double offset = 1.0;
    {
        extern double offset;
        x += offset;
    }
    return twice(x) * scale + offset;
}

double scale = 3.0;
double offset = 0.25;

double twice(double v) { return 2 * v; }

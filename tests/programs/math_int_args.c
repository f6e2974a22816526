/* Math functions called with integer and float arguments convert through their prototypes. */
#include <math.h>
#include <stdlib.h>

#pragma nsc entry(f)
#pragma nsc range(n, -20, 20)
#pragma nsc range(x, -3.0, 3.0)

double f(int n, float x, int *absval)
{
    *absval = abs(n) + (int)labs((long)n * 3);
    return sqrt(abs(n)) + pow(2, n) + fabs(n) + exp(x) + floor(x) * 100 + sqrt(2) + cos(n);
}

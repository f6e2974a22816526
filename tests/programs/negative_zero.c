/* Unary minus flips the sign of zero: 1 / -(+0.0) is -infinity. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

double f(double x, float y, float *g)
{
    double zero = x - x;
    float fzero = y - y;
    *g = 1.0f / -fzero;
    return 1.0 / -zero + (-zero == 0.0);
}

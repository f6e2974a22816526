/* pow with constant bases and exponents, which LLVM's optimizer would rewrite (exp2, x * x,
   sqrt) and gcc -O0 calls as written, except pow(x, -1), which gcc folds to 1 / x. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.01, 30.0)
#pragma nsc range(i, -60, 60)

double f(double x, int i, double o[13], float g[3])
{
    const double minus_one = -1.0;
    float fx = (float)x;
    o[0] = pow(8.0, x);
    o[1] = pow(2.0, x / 7);
    o[2] = pow(x, 2.0);
    o[3] = pow(x, 0.5);
    o[4] = pow(x, 3.0);
    o[5] = pow(x, -2.0);
    o[6] = pow(x, -1.0);
    o[7] = pow(x, -1);
    o[8] = pow(x, minus_one);
    o[9] = pow(10.0, x / 3);
    o[10] = pow(2.0, (double)i);
    o[11] = pow(-x, 0.5);
    g[0] = powf(2.0f, fx);
    g[1] = powf(fx, 2.0f);
    g[2] = powf(fx, -1.0f);
    o[12] = (double)(powl((long double)x, 2.0L) + powl(2.0L, (long double)x));
    return pow(x, 4.0) + pow(x * x, 0.25);
}

#include <math.h>

#pragma nsc entry(filter)
#pragma nsc range(vals, 0, 10)
#pragma nsc range(alpha, 0.5, 2)

double filter(const double vals[10], double alpha, double *res)
{
    double best = vals[0];
    int arg = 0;
    for (int i = 1; i < 10; i++) {
        if (vals[i] > best) {
            best = vals[i];
            arg = i;
        }
    }
    *res = (double)arg;
    return best * alpha + alpha;
}

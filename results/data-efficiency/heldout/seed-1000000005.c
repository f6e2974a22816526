#include <math.h>

#pragma nsc entry(filter)
#pragma nsc range(vals, 0, 10)
#pragma nsc range(st.alpha, 0.5, 2)

struct knobs {
    double alpha;
};

double filter(const double vals[10], struct knobs st, double *res)
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
    return best * st.alpha + st.alpha;
}

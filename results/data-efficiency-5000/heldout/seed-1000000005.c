#include <math.h>

#pragma nsc entry(filter)
#pragma nsc range(vals, 0, 10)
#pragma nsc range(st.alpha, 0.5, 2)

struct knobs {
    double alpha;
};

double filter(const double vals[10], struct knobs st, double *res)
{
    double mx = vals[0];
    for (int j = 1; j < 10; j++) {
        mx = fmax(mx, vals[j]);
    }
    double z = 0.0, acc = 0.0;
    for (int j = 0; j < 10; j++) {
        double e = exp(vals[j] - mx);
        z += e;
        acc += e * vals[j];
    }
    *res = mx + log(z);
    return acc / z * st.alpha + st.alpha;
}

/* string.h's memset and memcpy: whole arrays, partial counts, struct copies, the return value. */
#include <string.h>

#pragma nsc entry(blend)
#pragma nsc range(x, -3, 3)
#pragma nsc range(k, 0, 4)

struct pair {
    double a;
    int b[3];
};

static int count_zero(const int *v, int n) {
    int zeros = 0;
    for (int i = 0; i < n; i++)
        zeros += v[i] == 0;
    return zeros;
}

double blend(const double x[4], int k, double y[4], int flags[6]) {
    double tmp[4];
    memset(tmp, 0, sizeof tmp);
    memcpy(tmp, x, sizeof(double) * (unsigned)k);
    double *out = memcpy(y, tmp, sizeof tmp);
    out[3] += 0.5;
    memset(flags, 0xff, sizeof(int) * 6);
    memset(flags + 2, 0, 2 * sizeof(int));
    struct pair p, q;
    memset(&p, 0, sizeof p);
    p.a = x[0] * x[1];
    p.b[k % 3] = k;
    memcpy(&q, &p, sizeof q);
    char bytes[5];
    memset(bytes, 'a' + k, sizeof bytes);
    return q.a + q.b[0] + q.b[1] + q.b[2] + bytes[4] + count_zero(flags, 6);
}

/* A histogram with moving pointers: bins walked by pointer, a cursor that moves by a computed
 * step, asserts on the pointers' range, a VLA of counts, and a prefix sum written back. */
#pragma nsc entry(hist)
#pragma nsc shape(x, 32)
#pragma nsc shape(cdf, 8)
#pragma nsc range(x, -1, 1)
#pragma nsc range(nbins, 1, 8)

#include <assert.h>

static int bin_of(double v, int nbins)
{
    int b = (int)((v + 1.0) * 0.5 * nbins);
    return b < 0 ? 0 : b >= nbins ? nbins - 1 : b;
}

int hist(const double x[32], int nbins, double cdf[8])
{
    int counts[nbins];
    for (int *p = counts, *e = counts + nbins; p != e; ++p)
        *p = 0;
    const double *q = x;
    const double *const end = x + 32;
    while (q < end) {
        int *slot = counts + bin_of(*q, nbins);
        assert(slot >= counts && slot < counts + nbins);
        ++*slot;
        q += 1;
    }
    assert(q == end);
    int running = 0, peak = 0;
    double *out = cdf;
    for (int *p = counts; p < counts + nbins; p++) {
        running += *p;
        *out++ = running / 32.0;
        if (*p > counts[peak])
            peak = (int)(p - counts);
    }
    while (out < cdf + 8)
        *out++ = 1.0;
    return peak;
}

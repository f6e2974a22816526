/* A 1-D heat stencil over VLA scratch buffers with pointer walks, swapping buffers through
 * pointers, sizeof of a VLA inside the time loop, memcpy between them, and an assert. */
#pragma nsc entry(heat)
#pragma nsc shape(u, 12)
#pragma nsc range(n, 3, 12)
#pragma nsc range(steps, 0, 10)
#pragma nsc inout(u)
#pragma nsc range(u, -1, 1)

#include <assert.h>
#include <string.h>

void heat(double u[12], int n, int steps, double alpha)
{
    double a[n], b[n];
    double *cur = a, *nxt = b;
    memcpy(a, u, sizeof a);
    for (int t = 0; t < steps; t++) {
        double tmp[n + 2];
        assert(sizeof tmp == (unsigned long)(n + 2) * sizeof(double));
        double *w = tmp;
        *w++ = cur[0];
        for (const double *p = cur; p < cur + n; )
            *w++ = *p++;
        *w = cur[n - 1];
        assert(w == tmp + n + 1);
        for (int i = 0; i < n; i++)
            nxt[i] = tmp[i + 1] + 0.25 * alpha * (tmp[i] - 2 * tmp[i + 1] + tmp[i + 2]);
        double *s = cur;
        cur = nxt;
        nxt = s;
    }
    memcpy(u, cur, n * sizeof *cur);
}

/* A 4x4 matrix routine through row pointers `double (*row)[4]`: Gauss-Jordan elimination with
 * partial pivoting that swaps rows by memcpy, a block-scope extern helper, and goto on failure. */
#pragma nsc entry(invert)
#pragma nsc range(m, -2, 2)

#include <math.h>
#include <string.h>

static void swap_rows(double (*a)[4], double (*b)[4])
{
    double t[4];
    memcpy(t, *a, sizeof t);
    memcpy(*a, *b, sizeof t);
    memcpy(*b, t, sizeof t);
}

int invert(const double m[4][4], double inv[4][4])
{
    double w[4][4];
    extern double pivot_abs(const double *);
    memcpy(w, m, sizeof w);
    for (double (*row)[4] = inv; row < inv + 4; row++)
        for (int j = 0; j < 4; j++)
            (*row)[j] = (row - inv) == j;
    for (int c = 0; c < 4; c++) {
        double (*best)[4] = w + c;
        for (double (*r)[4] = w + c + 1; r != w + 4; ++r)
            if (pivot_abs(*r + c) > pivot_abs(*best + c))
                best = r;
        if (pivot_abs(*best + c) < 1e-12)
            goto singular;
        if (best != w + c) {
            swap_rows(best, w + c);
            swap_rows(inv + (best - w), inv + c);
        }
        double p = w[c][c];
        for (int j = 0; j < 4; j++) {
            w[c][j] /= p;
            inv[c][j] /= p;
        }
        for (int r = 0; r < 4; r++) {
            if (r == c)
                continue;
            double f = w[r][c];
            double *dst = w[r], *src = w[c];
            for (int j = 0; j < 4; j++)
                dst[j] -= f * src[j];
            dst = inv[r];
            src = inv[c];
            for (int j = 0; j < 4; j++)
                *dst++ -= f * *src++;
        }
    }
    return 1;
singular:
    memset(inv, 0, 16 * sizeof(double));
    return 0;
}

double pivot_abs(const double *p) { return fabs(*p); }

/* string.h's memmove: overlapping moves both ways (`a + 1`, `&a[k]`), inside a 2-D array,
 * over an entry parameter and a struct, zero counts, and the return value. */
#include <string.h>

#pragma nsc entry(shift)
#pragma nsc range(x, -4, 4)
#pragma nsc range(k, 0, 3)

struct ring {
    int head;
    short cells[6];
};

double shift(const double x[5], int k, double y[5], int out[8])
{
    double a[8];
    for (int i = 0; i < 8; i++)
        a[i] = i < 5 ? x[i] : -(double)i;
    memmove(a + 1, a, 6 * sizeof(double));         /* forward: the ranges overlap */
    memmove(&a[0], &a[k], (size_t)(8 - k) * sizeof a[0]); /* backward by k */
    double *back = memmove(a + k, a + k, 0);       /* nothing moves; returns its first argument */

    int m[3][4];
    for (int i = 0; i < 12; i++)
        m[i / 4][i % 4] = i * (k + 1);
    memmove(&m[0][1], &m[0][0], 10 * sizeof(int));  /* across the rows of one array */
    memmove(m[2], (int *)m + k, sizeof m[2]);

    memmove(y, x, sizeof(double) * 5);
    memmove(y + 1, y, sizeof(double) * (size_t)(4 - k)); /* an entry parameter, overlapping */

    struct ring r;
    for (int i = 0; i < 6; i++)
        r.cells[i] = (short)(10 * i + k);
    r.head = k;
    memmove(&r.cells[1], &r.cells[0], 5 * sizeof(short));
    struct ring s;
    memmove(&s, &r, sizeof s);

    for (int i = 0; i < 4; i++) {
        out[i] = m[i % 3][(i + k) % 4];
        out[4 + i] = s.cells[i + 1] + s.head;
    }
    return a[0] + 2.0 * a[3] + 3.0 * a[7] + *back + (double)(back - a);
}

/* A 5-point stencil on a local n x m variable-length array, walked with pointers to its rows
 * (`double (*row)[m] = t`, `row++`, `row[1][j]`, `*row`), a block-scope typedef of a row,
 * an array of a constant number of variable rows (`double edge[2][m]`), `sizeof` of the array,
 * of a row and of a type name, and pointer differences counted in rows. */
#include <string.h>

#pragma nsc entry(relax)
#pragma nsc range(n, 2, 6)
#pragma nsc range(m, 2, 7)
#pragma nsc range(steps, 0, 4)
#pragma nsc range(seed, -2, 2)
#pragma nsc shape(out, 4)

static double total(int n, int m, double g[n][m])
{
    double s = 0;
    for (double (*r)[m] = g; r < g + n; r++)
        for (int j = 0; j < m; j++)
            s += (*r)[j];
    return s;
}

void relax(int n, int m, int steps, double seed, double out[4])
{
    double t[n][m], u[n][m];
    typedef double Row[m];
    Row *src = t, *dst = u;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            t[i][j] = seed * (i - j) + (i * j % 3);
    memcpy(u, t, sizeof t);
    for (int s = 0; s < steps; s++) {
        double (*row)[m] = src + 1;
        for (int i = 1; i < n - 1; i++, row++) {
            double *below = row[1], *above = row[-1];
            for (int j = 1; j < m - 1; j++)
                dst[i][j] = 0.2 * ((*row)[j] + row[0][j - 1] + row[0][j + 1] + below[j] + above[j]);
        }
        Row *swap = src;
        src = dst;
        dst = swap;
    }
    double edge[2][m];
    for (int j = 0; j < m; j++) {
        edge[0][j] = src[0][j];
        edge[1][j] = src[n - 1][j];
    }
    Row last;
    memcpy(last, src[n - 1], sizeof last);
    out[0] = total(n, m, src);
    out[1] = (double)(sizeof t + sizeof t[0] * 10 + sizeof(double[n][m]) * 100 + sizeof(Row) * 1000);
    out[2] = (double)((src + n) - src) + (double)(&t[n - 1] - &t[0]) * 10 + sizeof edge;
    out[3] = edge[0][m - 1] - edge[1][0] + last[m / 2];
}

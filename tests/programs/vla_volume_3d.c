/* Three-dimensional variably modified arrays: a helper taking `double v[n][m][k]` and one
 * taking `double (*v)[m][k]`, a local nx x ny x nz array filled and smoothed in place, a
 * pointer to its planes, `sizeof` of a plane and of a row, and the array passed to the
 * helpers along with a constant 2 x 3 x 4 one. */
#pragma nsc entry(volume)
#pragma nsc range(nx, 1, 4)
#pragma nsc range(ny, 1, 4)
#pragma nsc range(nz, 1, 5)
#pragma nsc range(c, -2, 2)

static double sum3(int n, int m, int k, const double v[n][m][k])
{
    double s = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            for (int l = 0; l < k; l++)
                s += v[i][j][l] * (1 + i - j + l);
    return s;
}

static void scale_planes(int n, int m, int k, double (*v)[m][k], double f)
{
    for (double (*plane)[k] = *v; plane < v[n - 1] + m; plane++)
        for (int l = 0; l < k; l++)
            (*plane)[l] *= f;
}

double volume(int nx, int ny, int nz, double c, const double fixed[2][3][4])
{
    double g[nx][ny][nz];
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++)
            for (int l = 0; l < nz; l++)
                g[i][j][l] = c * i + j * 0.25 - l * l * 0.125;
    double (*planes)[ny][nz] = g;
    for (int i = 1; i < nx; i++)
        for (int j = 0; j < ny; j++)
            for (int l = 0; l < nz; l++)
                planes[i][j][l] += 0.5 * planes[i - 1][j][l];
    scale_planes(nx, ny, nz, g, 1.5);
    double copy[2][3][4];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int l = 0; l < 4; l++)
                copy[i][j][l] = fixed[i][j][l];
    scale_planes(2, 3, 4, copy, c);
    double sizes = (double)(sizeof g / sizeof g[0] + sizeof g[0] / sizeof g[0][0] * 100
                            + sizeof *planes[0] * 10000);
    return sum3(nx, ny, nz, g) + sum3(2, 3, 4, copy) * 0.5 + sum3(2, 3, 4, fixed) + sizes;
}

/* Variably modified parameters (C99 6.7.5.2): a matrix product whose helpers take `a[n][m]`,
 * `b[][n]` and `double (*c)[n]` with both dimensions variable, a transpose through
 * `const double a[rows][cols]`, a dimension computed from earlier parameters and a file-scope
 * constant, and constant arrays passed where variable ones are expected. */
#pragma nsc entry(product)
#pragma nsc range(a, -3, 3)
#pragma nsc range(b, -3, 3)
#pragma nsc range(k, 0, 2)

static const int pad = 1;

static void mm(int n, int m, const double a[n][m], const double b[][n], double (*c)[n])
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < m; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static void transpose(int rows, int cols, const double a[rows][cols], double t[cols][rows])
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            t[j][i] = a[i][j];
}

/* the row length of `w` is computed from two earlier parameters when the function starts */
static double framed(int n, int m, double w[n + 2 * pad][m + pad + 1], int k)
{
    double s = 0;
    for (int i = 0; i < n + 2 * pad; i++)
        for (int j = 0; j < m + pad + 1; j++)
            w[i][j] = (i + 1) * 0.5 - j * k;
    for (int i = 0; i < n + 2; i++)
        s += w[i][m + 1] * (i + 1);
    return s + sizeof w[0] / sizeof(double) + sizeof *w;
}

double product(const double a[3][2], const double b[2][3], double c[3][3], double ct[3][3],
               int k)
{
    mm(3, 2, a, b, c);
    transpose(3, 3, c, ct);
    double w[5][4];
    double total = framed(3, 2, w, k);
    double (*row)[3] = ct;   /* a row pointer of constant length into the same data */
    for (int i = 0; i < 3; i++)
        total += row[i][i] * (i + k);
    double bt[3][2];
    transpose(2, 3, b, bt);
    double back[2][2];
    mm(2, 3, b, bt, back);
    return total + back[0][1] - back[1][0] + back[1][1];
}

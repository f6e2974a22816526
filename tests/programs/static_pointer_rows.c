/* An array of pointers to the rows of const tables, with static storage, read as `rows[i][j]`;
   a struct with pointer members initialized with addresses; a pointer to a whole row. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 2)
#pragma nsc range(j, 0, 2)
#pragma nsc range(x, -2.0, 2.0)

static const double r0[3] = {1.0, 2.0, 3.0}, r1[3] = {-4.0, 5.5, 6.0}, r2[3] = {0.5, -0.5, 9.0};
static const double *rows[3] = {r0, r1, r2};
static const double *const tails[2] = {r0 + 1, &r1[1]};
static const double grid[3][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
static const double (*middle)[4] = &grid[1];
static const double *cell = &grid[2][1];

struct view {
    const double *data;
    int n;
    const double *last;
};

static const struct view views[2] = {{r2, 3, &r2[2]}, {grid[0], 4, grid[0] + 3}};

double f(int i, int j, double x)
{
    double acc = rows[i][j] * x + tails[i % 2][j % 2];
    acc += middle[0][j] + (*middle)[j + 1] + cell[j % 3];
    const struct view *v = &views[i % 2];
    for (int k = 0; k < v->n; k++)
        acc += v->data[k] * (k + 1);
    return acc + *v->last - rows[2 - i][2 - j];
}

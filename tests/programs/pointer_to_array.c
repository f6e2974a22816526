/* Pointers to arrays (`int (*p)[4]`), 2-D array parameters and computed indices. */
#pragma nsc entry(f)
#pragma nsc range(m, -20, 20)
#pragma nsc range(i, 0, 2)
#pragma nsc range(j, 0, 3)

static int at(int rows[][4], int r, int c) { return rows[r][c]; }

static int row_sum(const int (*row)[4])
{
    int s = 0;
    for (int c = 0; c < 4; c++)
        s += (*row)[c];
    return s;
}

static void bump(int grid[3][4], int r, int c) { grid[(r + 1) % 3][(c * 3 + 1) % 4] += 100; }

long f(const int m[3][4], int i, int j, int out[3][4])
{
    int copy[3][4];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            copy[r][c] = m[r][c] + r * c;
    int (*p)[4] = copy;
    p++;
    long s = (*p)[j] + p[-1][3 - j] + at(copy, 2 - i, (j + 2) % 4);
    s += row_sum((const int (*)[4])copy + i) * 10;
    bump(copy, i, j);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            out[r][c] = copy[(r + i) % 3][(c + j) % 4] - m[2 - r][3 - c];
    s += (long)(sizeof *p) * 1000 + (long)(sizeof copy[0] / sizeof copy[0][0]) * 10000;
    return s + (p - copy) * 100000;
}

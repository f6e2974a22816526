/* A void entry whose only outputs are out-parameters, one of them a 2D int array. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 100)

void f(int n, int grid[3][3], long *sum)
{
    *sum = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            grid[i][j] = (n + i * 3 + j) % 7 - 3;
            *sum += grid[i][j] * (i + 1);
        }
}

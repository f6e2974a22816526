/* A three-dimensional local array filled and reduced; row pointers into it. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

double f(double x)
{
    double cube[2][3][4];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                cube[i][j][k] = x * i + j - k * 0.5;
    double (*plane)[4] = cube[1];
    double *row = plane[2];
    double sum = 0.0;
    for (int k = 0; k < 4; k++)
        sum += row[k] + cube[0][k % 3][k];
    return sum;
}

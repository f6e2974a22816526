/* A 2D input passed as a pointer to rows, and a helper taking a row pointer. */
#pragma nsc entry(f)
#pragma nsc range(m, -2.0, 2.0)

static float trace(const float (*rows)[3], int n)
{
    float t = 0.0f;
    for (int i = 0; i < n; i++)
        t += rows[i][i];
    return t;
}

static float row_sum(const float *row) { return row[0] + row[1] + row[2]; }

float f(const float m[3][3])
{
    return trace(m, 3) + row_sum(m[1]) * 10.0f + row_sum(*(m + 2)) * 100.0f;
}

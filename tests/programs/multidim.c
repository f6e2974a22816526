/* Two-dimensional arrays in and out: a transpose and row sums. */
#pragma nsc entry(f)
#pragma nsc range(a, -10.0, 10.0)

void f(const float a[3][4], float t[4][3], float rows[3])
{
    for (int i = 0; i < 3; i++) {
        rows[i] = 0.0f;
        for (int j = 0; j < 4; j++) {
            t[j][i] = a[i][j];
            rows[i] += a[i][j];
        }
    }
}

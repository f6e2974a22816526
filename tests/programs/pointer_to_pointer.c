/* Arrays of pointers and pointers to pointers into local arrays. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(k, 0, 2)

float f(const float x[3], int k)
{
    float a[3], b[3];
    for (int i = 0; i < 3; i++) {
        a[i] = x[i] * 2.0f;
        b[i] = x[i] - 1.0f;
    }
    float *rows[2] = {a, b};
    float **pp = rows;
    float *r = *(pp + 1);
    r[k] = 10.0f;
    return pp[0][k] + rows[1][0] + b[1] * 3.0f + **pp;
}

/* Typedef'd array and pointer types as parameters: arrays decay, `const` applies to the
 * elements of a typedef'd array and to the pointer itself of a typedef'd pointer. */
#pragma nsc entry(f)
#pragma nsc range(a, -4.0, 4.0)

typedef float mat2[2][2];
typedef float vec2[2];
typedef float *fptr;

static void mul(const mat2 x, const mat2 y, mat2 out)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            out[i][j] = x[i][0] * y[0][j] + x[i][1] * y[1][j];
}

static float dot(const vec2 u, const vec2 v) { return u[0] * v[0] + u[1] * v[1]; }

static void scale(const fptr p, float k) { *p *= k; }   /* the pointer is const, not *p */

float f(const mat2 a, mat2 sq, vec2 diag)
{
    mul(a, a, sq);
    vec2 d = {sq[0][0], sq[1][1]};
    diag[0] = d[0];
    diag[1] = d[1];
    scale(diag + 1, -2.0f);
    scale(&sq[0][1], 0.5f);
    mat2 local = {{sq[1][1], sq[1][0]}, {sq[0][1], sq[0][0]}};
    mat2 *pm = &local;
    return dot(a[0], a[1]) + dot(d, diag) + (*pm)[1][0] + (float)(sizeof(mat2) + sizeof(vec2) * 10);
}

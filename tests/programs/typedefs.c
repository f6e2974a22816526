/* typedefs of scalars, structs, arrays and pointers. */
#pragma nsc entry(f)
#pragma nsc range(x, -5.0, 5.0)
#pragma nsc range(n, 0, 3)

typedef double real;
typedef int index_t;
typedef real vec4[4];
typedef struct {
    vec4 v;
    index_t n;
} bag;
typedef const real *cursor;

static real total(cursor c, index_t n)
{
    real s = 0;
    for (index_t i = 0; i <= n; i++)
        s += c[i];
    return s;
}

real f(real x, index_t n)
{
    bag b = {{x, x * 2, x * 3, x * 4}, n};
    return total(b.v, b.n);
}

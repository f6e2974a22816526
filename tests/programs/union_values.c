/* Union values: assigned whole, chosen by `?:`, compound literals, returned from a helper and
 * read at once, a union inside a union, addresses of union members as static initializers. */
#pragma nsc entry(f)
#pragma nsc range(x, -10.0, 10.0)
#pragma nsc range(k, -3, 3)

union U { float f; unsigned u; int a[3]; };
union N { union U inner; double d; struct { char c; union U u; } s; };

static union U make(float x)
{
    union U r = {x};
    return r;
}

static union N gn = {.s = {'x', {.u = 5}}};
static const union U cu = {.a = {1, 2, 3}};
static const int *pa = &cu.a[1];
static const unsigned *pu = &gn.s.u.u;

int f(float x, int k)
{
    union U a = {x}, b;
    b = a;
    union U c = k > 0 ? a : (union U){.u = 3};
    unsigned t = (union U){.u = 7}.u + make(x).u + (unsigned)make(x).a[0] + (k > 1 ? a : b).u;
    union N n;
    n.inner = c;
    n.s.u.a[2] = k;
    return (int)t + (int)c.u + n.inner.a[0] + *pa + (int)*pu + gn.s.c + cu.a[2] +
           (int)sizeof(union N) + (int)_Alignof(union N) + n.s.u.a[2];
}

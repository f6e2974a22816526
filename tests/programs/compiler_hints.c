/* The builtins that tell the compiler something: __builtin_assume_aligned, __builtin_prefetch,
 * __builtin_unreachable and __builtin_trap where no row reaches them, and _Static_assert among
 * a struct's members (before a flexible array member too). */

#include <stddef.h>
#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
#pragma nsc range(n, 0, 7)
struct V { union { struct { double x, y; }; double v[2]; }; _Static_assert(sizeof(double) == 8, "inside"); int tag; };
struct F { int n; _Static_assert(1, "before the flexible member"); double rest[]; };
static double scale(const double *restrict p, size_t k) { return p[k] * 2; }
double f(double x, int n, double out[5])
{
    struct V v = {.x = x, .y = -x, .tag = n};
    out[0] = v.v[0] + v.v[1] * 3 + v.tag + sizeof(struct F);
    double *a = __builtin_assume_aligned(out, 8);
    const double *b = __builtin_assume_aligned(v.v, 16, 0);
    __builtin_prefetch(a);
    __builtin_prefetch(b + 1, 0, 3);
    out[1] = scale(v.v, 1) + b[1];
    if (n > 100) __builtin_unreachable();
    if (n < 0) __builtin_trap();
    switch (n & 3) { case 0: out[2] = 1; break; case 1: out[2] = 2; break; case 2: case 3: out[2] = 3; break; default: __builtin_unreachable(); }
    out[3] = ((struct V){.x = 1}).x + offsetof(struct V, tag);
    a[4] = x * 2;
    return x;
}

/* GNU's __auto_type: in swap and max macros (with statement expressions), at file scope, of an
 * array (a pointer), a narrowed char, a const-qualified declaration, a function's address and a
 * conditional of mixed types; sizes and _Generic show each inferred type. */

#define SWAP(a, b) do { __auto_type t_ = (a); (a) = (b); (b) = t_; } while (0)
#define MAX(a, b) ({ __auto_type a_ = (a); __auto_type b_ = (b); a_ > b_ ? a_ : b_; })
#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
#pragma nsc range(n, -100, 100)
static __auto_type scale = 2.5f;
double f(double x, int n, double out[6])
{
    double y = -x;
    SWAP(x, y);
    int m = n * 3;
    SWAP(n, m);
    const double arr[3] = {1, 2, 3};
    __auto_type p = arr;
    __auto_type c = (char)n;
    const __auto_type k = 7u;
    __auto_type fp = &f;
    out[0] = x + y * 3 + n + m * 7;
    out[1] = MAX(x, y) + MAX(n, m) * 0.5 + MAX(n, 2.5);
    out[2] = sizeof(p) + sizeof(c) * 10 + sizeof(scale) * 100 + sizeof(k) * 1000 + sizeof(fp) * 10000;
    out[3] = p[1] + c + k / 2 + scale * x;
    out[4] = (fp == f) + _Generic(c, char: 1, default: 2) + _Generic(k, unsigned: 10, default: 20) + _Generic(scale, float: 100, default: 200);
    __auto_type q = x > 0 ? 1 : 2.0;
    out[5] = q + sizeof(q);
    return x;
}

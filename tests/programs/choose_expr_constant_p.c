/* __builtin_choose_expr (the other arm neither evaluated nor typed, an lvalue when chosen) and
 * __builtin_constant_p (never evaluated), in code and in a static table. */

#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
#pragma nsc range(k, -100, 100)
#define SQUARE(v) (__builtin_constant_p(v) ? (v) * (v) : (v) * (v) + 1)
static const int folded[3] = {__builtin_constant_p(3), __builtin_choose_expr(1, 7, 8.5), __builtin_constant_p(1.5 * 2)};
double f(double x, int k, long out[4])
{
    int n = 4;
    out[0] = SQUARE(3) + SQUARE(k) * 10 + SQUARE(n) * 1000 + __builtin_constant_p(x) * 100000;
    out[1] = folded[0] + folded[1] * 10 + folded[2] * 100 + __builtin_constant_p(k++) + k;
    out[2] = sizeof(__builtin_choose_expr(0, k, x)) + sizeof(__builtin_choose_expr(1, (char)k, x)) * 100;
    double y = 0;
    __builtin_choose_expr(sizeof(int) == 4, y, x) = 3.5;
    out[3] = (long)(y * 2) + __builtin_choose_expr(0, out[9] = 1, 5);
    return __builtin_choose_expr(1, x * 2, "not chosen");
}

/* __func__ (and gcc's __FUNCTION__, __PRETTY_FUNCTION__): the enclosing function's name, a
 * const char array of its own for each identifier in each function, hashed, sized, compared
 * and indexed. */

#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
static int named(const char *s) { int h = 0; while (*s) h = h * 31 + *s++; return h; }
static double g(double x) { return x * sizeof(__func__) + __func__[0]; }
double f(double x, long out[4])
{
    out[0] = named(__func__) + named(__FUNCTION__) * 3;
    out[1] = sizeof __func__ + sizeof(__PRETTY_FUNCTION__);
    out[2] = __func__ == __FUNCTION__;
    out[3] = named(__func__ + (x > 0));
    return g(x);
}

/* gcc's floating-point classification builtins on zeros, infinities, NaN, subnormals and
 * normal values of float, double and long double: isnan, isinf, isfinite, isnormal,
 * isinf_sign, signbit (whose nonzero value differs by type), fpclassify and the quiet
 * comparisons. */

#pragma nsc entry(f)
#pragma nsc range(x, -1000, 1000)
#pragma nsc range(k, 0, 9)
static const double special[10] = {0.0, -0.0, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 1e-310, -1e-310, 2.2250738585072014e-308, 1.0, -3.5};
int f(double x, int k, float y, double zz, int out[12])
{
    long double z = zz;
    double v = k == 9 ? x : special[k];
    float w = (float)v * y;
    long double l = (long double)v * z;
    out[0] = __builtin_isnan(v) + 2 * __builtin_isnan(w) + 4 * __builtin_isnan(l);
    out[1] = __builtin_isinf(v) + 2 * __builtin_isinf(w) + 4 * __builtin_isinf(l);
    out[2] = __builtin_isfinite(v) + 2 * __builtin_isfinite(w) + 4 * __builtin_isfinite(l);
    out[3] = __builtin_isnormal(v) + 2 * __builtin_isnormal(w) + 4 * __builtin_isnormal(l);
    out[4] = __builtin_isinf_sign(v) + 3 * __builtin_isinf_sign(w) + 9 * __builtin_isinf_sign(l);
    out[5] = __builtin_signbit(v) + (__builtin_signbit(w) != 0) * 2 + (__builtin_signbit(l) == 512) * 4;
    out[6] = __builtin_signbitf(w) ^ __builtin_signbitl(l) ^ __builtin_signbit(w) ^ __builtin_signbit(l);
    out[7] = __builtin_fpclassify(10, 11, 12, 13, 14, v) * 100 + __builtin_fpclassify(0, 1, 2, 3, 4, w) * 10 + __builtin_fpclassify(0, 1, 2, 3, 4, l);
    out[8] = __builtin_isgreater(v, y) + 2 * __builtin_isgreaterequal(w, 1) + 4 * __builtin_isless(l, v) + 8 * __builtin_islessequal(v, 0.5f);
    out[9] = __builtin_islessgreater(v, w) + 2 * __builtin_isunordered(v, l) + 4 * __builtin_isunordered(k, w);
    float tiny = 1e-40f * y;
    out[10] = __builtin_isnormal(tiny) + 2 * __builtin_fpclassify(0, 1, 2, 3, 4, tiny) + 16 * __builtin_signbit(tiny);
    long double lt = 1e-4940L * z;
    out[11] = __builtin_isnormal(lt) + 2 * __builtin_fpclassify(0, 1, 2, 3, 4, lt) + 16 * __builtin_isinf_sign(lt * 1e4940L * 1e4940L);
    return __builtin_signbit(x);
}

/* <tgmath.h> on floats: every macro with float arguments calls the `f` function (gcc, reading
 * nsc's header, calls the same ones), so the results are float32's own roundings. A literal
 * 2.0 or an integer argument makes a call double; the float results of the double calls are
 * kept apart in `wide`. */
#include <tgmath.h>

#pragma nsc entry(f)
#pragma nsc range(x, 0.1, 0.9)
#pragma nsc range(y, 1.0, 3.0)
#pragma nsc range(n, -3, 3)

void f(float x, float y, int n, float out[40], double wide[4], long whole[6])
{
    out[0] = sqrt(y);
    out[1] = cbrt(x);
    out[2] = sin(x) + cos(y) * tan(x);
    out[3] = asin(x) + acos(x) + atan(y);
    out[4] = atan2(x, y);
    out[5] = sinh(x) + cosh(x) + tanh(y);
    out[6] = asinh(y) + acosh(y) + atanh(x);
    out[7] = exp(y) + exp2(x) + expm1(x);
    out[8] = log(y) + log2(y) + log10(y) + log1p(x);
    out[9] = pow(y, x);
    out[10] = fabs(x - y);
    out[11] = floor(y * 3.5f) + ceil(y * 3.5f);
    out[12] = round(y * 2.5f) + trunc(-y * 2.5f);
    out[13] = fmod(y * 7.0f, x);
    out[14] = fmin(x, y) + fmax(x, y) * 3.0f;
    out[15] = hypot(x, y);
    out[16] = copysign(x, -y);
    out[17] = fma(x, y, x);
    out[18] = rint(y * 4.5f) + nearbyint(x * 9.5f);
    out[19] = remainder(y * 5.0f, x);
    out[20] = fdim(y, x) + fdim(x, y);
    out[21] = erf(x) + erfc(y);
    out[22] = tgamma(y) + lgamma(y);
    out[23] = ldexp(x, n) + scalbn(y, n);
    out[24] = logb(y * 100.0f);
    out[25] = nextafter(x, y) - x;
    int e = 0;
    out[26] = frexp(y * 10.0f, &e);
    out[27] = (float)e;
    out[28] = sqrt(sqrt(y)) + sin(cos(x));
    out[29] = pow(x, (float)n);
    whole[0] = lround(y * 2.5f);
    whole[1] = lrint(y * 2.5f);
    whole[2] = llround(x * 10.5f);
    whole[3] = llrint(x * 10.5f);
    whole[4] = ilogb(y * 50.0f);
    whole[5] = (long)sizeof(sqrt(x)) * 10 + (long)sizeof(pow(x, n));
    wide[0] = sqrt(2.0 * y);
    wide[1] = pow(y, n);
    wide[2] = fma(x, y, 1.0);
    wide[3] = atan2(x, 1) + sqrt(n * n);
    for (int i = 30; i < 40; i++)
        out[i] = sin(x * (float)i) / (float)i;
}

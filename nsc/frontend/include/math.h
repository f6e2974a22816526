/* nsc's math.h: the C99 functions on double, float and long double, the usual constants, and
 * classification macros that need no compiler builtins.
 *
 * INFINITY, NAN and HUGE_VAL are constant expressions that the code generator folds:
 * INFINITY is (1.0f / 0.0f), NAN is (0.0f / 0.0f) (both float, as C99 says), HUGE_VAL is
 * (1.0 / 0.0) and HUGE_VALF (1.0f / 0.0f).
 *
 * isnan, isinf, isfinite, signbit, isnormal and fpclassify evaluate their argument more than
 * once: pass them a plain value, not an expression with side effects. The comparison macros
 * (isless, ...) are the comparisons themselves: their values are the same, and nsc models no
 * floating-point exception flags for the quiet forms to leave alone.
 */
#ifndef NSC_MATH_H
#define NSC_MATH_H

typedef float float_t;
typedef double double_t;

#define M_E 2.7182818284590452354
#define M_LOG2E 1.4426950408889634074
#define M_LOG10E 0.43429448190325182765
#define M_LN2 0.69314718055994530942
#define M_LN10 2.30258509299404568402
#define M_PI 3.14159265358979323846
#define M_PI_2 1.57079632679489661923
#define M_PI_4 0.78539816339744830962
#define M_1_PI 0.31830988618379067154
#define M_2_PI 0.63661977236758134308
#define M_2_SQRTPI 1.12837916709551257390
#define M_SQRT2 1.41421356237309504880
#define M_SQRT1_2 0.70710678118654752440

#define INFINITY (1.0f / 0.0f)
/* glibc's NAN is the positive quiet NaN, and nsc folds (0.0f / 0.0f) to it; gcc -O0 divides at
 * run time and gets the negative default NaN, so gcc (reading this header in nsc's tests) takes
 * its builtin. */
#ifdef __GNUC__
#define NAN (__builtin_nanf(""))
#else
#define NAN (0.0f / 0.0f)
#endif
#define HUGE_VAL (1.0 / 0.0)
#define HUGE_VALF (1.0f / 0.0f)
#define HUGE_VALL (1.0L / 0.0L)

#define isnan(x) ((x) != (x))
#define isfinite(x) (((x) - (x)) == ((x) - (x)))
#define isinf(x) (!isnan(x) && !isfinite(x))
#define signbit(x) (copysign(1.0, (double)(x)) < 0.0)
#define isnormal(x)                                                                          \
    (isfinite(x) && _Generic((x), float: fabsf((float)(x)) >= 0x1p-126f,                       \
                             long double: fabsl((long double)(x)) >= 0x1p-16382L,             \
                             default: fabs((double)(x)) >= 0x1p-1022))

/* fpclassify's values, glibc's */
#define FP_NAN 0
#define FP_INFINITE 1
#define FP_ZERO 2
#define FP_SUBNORMAL 3
#define FP_NORMAL 4
#define fpclassify(x)                                                                        \
    (isnan(x) ? FP_NAN : !isfinite(x) ? FP_INFINITE : (x) == 0 ? FP_ZERO                   \
        : isnormal(x) ? FP_NORMAL : FP_SUBNORMAL)

#define isgreater(x, y) ((x) > (y))
#define isgreaterequal(x, y) ((x) >= (y))
#define isless(x, y) ((x) < (y))
#define islessequal(x, y) ((x) <= (y))
#define islessgreater(x, y) ((x) < (y) || (x) > (y))
#define isunordered(x, y) (isnan(x) || isnan(y))

double sin(double x);
float sinf(float x);
long double sinl(long double x);
double cos(double x);
float cosf(float x);
long double cosl(long double x);
double tan(double x);
float tanf(float x);
long double tanl(long double x);
double asin(double x);
float asinf(float x);
long double asinl(long double x);
double acos(double x);
float acosf(float x);
long double acosl(long double x);
double atan(double x);
float atanf(float x);
long double atanl(long double x);
double atan2(double x, double y);
float atan2f(float x, float y);
long double atan2l(long double x, long double y);
double sinh(double x);
float sinhf(float x);
long double sinhl(long double x);
double cosh(double x);
float coshf(float x);
long double coshl(long double x);
double tanh(double x);
float tanhf(float x);
long double tanhl(long double x);
double asinh(double x);
float asinhf(float x);
long double asinhl(long double x);
double acosh(double x);
float acoshf(float x);
long double acoshl(long double x);
double atanh(double x);
float atanhf(float x);
long double atanhl(long double x);
double exp(double x);
float expf(float x);
long double expl(long double x);
double exp2(double x);
float exp2f(float x);
long double exp2l(long double x);
double expm1(double x);
float expm1f(float x);
long double expm1l(long double x);
double log(double x);
float logf(float x);
long double logl(long double x);
double log2(double x);
float log2f(float x);
long double log2l(long double x);
double log10(double x);
float log10f(float x);
long double log10l(long double x);
double log1p(double x);
float log1pf(float x);
long double log1pl(long double x);
double pow(double x, double y);
float powf(float x, float y);
long double powl(long double x, long double y);
double sqrt(double x);
float sqrtf(float x);
long double sqrtl(long double x);
double cbrt(double x);
float cbrtf(float x);
long double cbrtl(long double x);
double hypot(double x, double y);
float hypotf(float x, float y);
long double hypotl(long double x, long double y);
double fabs(double x);
float fabsf(float x);
long double fabsl(long double x);
double floor(double x);
float floorf(float x);
long double floorl(long double x);
double ceil(double x);
float ceilf(float x);
long double ceill(long double x);
double trunc(double x);
float truncf(float x);
long double truncl(long double x);
double round(double x);
float roundf(float x);
long double roundl(long double x);
double rint(double x);
float rintf(float x);
long double rintl(long double x);
double nearbyint(double x);
float nearbyintf(float x);
long double nearbyintl(long double x);
/* folded at compile time, as gcc folds them: the tag is a string literal, empty or a number */
double nan(const char *tag);
float nanf(const char *tag);
long double nanl(const char *tag);
double fmod(double x, double y);
float fmodf(float x, float y);
long double fmodl(long double x, long double y);
double remainder(double x, double y);
float remainderf(float x, float y);
long double remainderl(long double x, long double y);
double fmin(double x, double y);
float fminf(float x, float y);
long double fminl(long double x, long double y);
double fmax(double x, double y);
float fmaxf(float x, float y);
long double fmaxl(long double x, long double y);
double fdim(double x, double y);
float fdimf(float x, float y);
long double fdiml(long double x, long double y);
double fma(double x, double y, double z);
float fmaf(float x, float y, float z);
long double fmal(long double x, long double y, long double z);
double copysign(double x, double y);
float copysignf(float x, float y);
long double copysignl(long double x, long double y);
double erf(double x);
float erff(float x);
long double erfl(long double x);
double erfc(double x);
float erfcf(float x);
long double erfcl(long double x);
double tgamma(double x);
float tgammaf(float x);
long double tgammal(long double x);
double lgamma(double x);
float lgammaf(float x);
long double lgammal(long double x);
double ldexp(double x, int n);
float ldexpf(float x, int n);
long double ldexpl(long double x, int n);
double scalbn(double x, int n);
float scalbnf(float x, int n);
long double scalbnl(long double x, int n);
double frexp(double x, int *exponent);
float frexpf(float x, int *exponent);
long double frexpl(long double x, int *exponent);
long lround(double x);
long lroundf(float x);
long lroundl(long double x);
long lrint(double x);
long lrintf(float x);
long lrintl(long double x);
long long llround(double x);
long long llroundf(float x);
long long llroundl(long double x);
long long llrint(double x);
long long llrintf(float x);
long long llrintl(long double x);
double logb(double x);
float logbf(float x);
long double logbl(long double x);
int ilogb(double x);
int ilogbf(float x);
int ilogbl(long double x);
double nextafter(double x, double y);
float nextafterf(float x, float y);
long double nextafterl(long double x, long double y);
double nexttoward(double x, long double y);
float nexttowardf(float x, long double y);
long double nexttowardl(long double x, long double y);
double remquo(double x, double y, int *quotient);
float remquof(float x, float y, int *quotient);
long double remquol(long double x, long double y, int *quotient);
double scalbln(double x, long n);
float scalblnf(float x, long n);
long double scalblnl(long double x, long n);
double modf(double x, double *integral);
float modff(float x, float *integral);
long double modfl(long double x, long double *integral);

#endif

/* nsc's tgmath.h: the type-generic math macros of C99 7.22 over the real types, written with
 * C11's _Generic (gcc accepts it in C99 mode too, so both sides of a differential test read
 * this same file).
 *
 * A float argument calls the `f` function, a long double one the `l` function, double and the
 * integer types the double one. With two or three generic arguments the type is the one the
 * usual arithmetic conversions would give them, an integer counting as a double (C99 7.22p3):
 * the `l` function if any of them is a long double, else the `f` function only when every one
 * of them is a float. There are no complex types, and no macro for modf, which C leaves out.
 * Each argument is evaluated once: the controlling expression of _Generic is not evaluated.
 */
#ifndef NSC_TGMATH_H
#define NSC_TGMATH_H

#include <math.h>

/* the function for the arguments' types: `fn`, or `fn` with an f or an l appended */
#define __nsc_tg1(fn, x) _Generic((x), float: fn##f, long double: fn##l, default: fn)
#define __nsc_tg2(fn, x, y) \
    _Generic((x), float: __nsc_tg1(fn, y), long double: fn##l, default: __nsc_tgd1(fn, y))
#define __nsc_tg3(fn, x, y, z) \
    _Generic((x), float: __nsc_tg2(fn, y, z), long double: fn##l, default: __nsc_tgd2(fn, y, z))
/* the same where an earlier argument was a double or an integer: at least the double one */
#define __nsc_tgd1(fn, x) _Generic((x), long double: fn##l, default: fn)
#define __nsc_tgd2(fn, x, y) _Generic((x), long double: fn##l, default: __nsc_tgd1(fn, y))

#define acos(x) __nsc_tg1(acos, x)(x)
#define asin(x) __nsc_tg1(asin, x)(x)
#define atan(x) __nsc_tg1(atan, x)(x)
#define acosh(x) __nsc_tg1(acosh, x)(x)
#define asinh(x) __nsc_tg1(asinh, x)(x)
#define atanh(x) __nsc_tg1(atanh, x)(x)
#define cos(x) __nsc_tg1(cos, x)(x)
#define sin(x) __nsc_tg1(sin, x)(x)
#define tan(x) __nsc_tg1(tan, x)(x)
#define cosh(x) __nsc_tg1(cosh, x)(x)
#define sinh(x) __nsc_tg1(sinh, x)(x)
#define tanh(x) __nsc_tg1(tanh, x)(x)
#define exp(x) __nsc_tg1(exp, x)(x)
#define exp2(x) __nsc_tg1(exp2, x)(x)
#define expm1(x) __nsc_tg1(expm1, x)(x)
#define log(x) __nsc_tg1(log, x)(x)
#define log2(x) __nsc_tg1(log2, x)(x)
#define log10(x) __nsc_tg1(log10, x)(x)
#define log1p(x) __nsc_tg1(log1p, x)(x)
#define logb(x) __nsc_tg1(logb, x)(x)
#define sqrt(x) __nsc_tg1(sqrt, x)(x)
#define cbrt(x) __nsc_tg1(cbrt, x)(x)
#define fabs(x) __nsc_tg1(fabs, x)(x)
#define floor(x) __nsc_tg1(floor, x)(x)
#define ceil(x) __nsc_tg1(ceil, x)(x)
#define round(x) __nsc_tg1(round, x)(x)
#define trunc(x) __nsc_tg1(trunc, x)(x)
#define rint(x) __nsc_tg1(rint, x)(x)
#define nearbyint(x) __nsc_tg1(nearbyint, x)(x)
#define erf(x) __nsc_tg1(erf, x)(x)
#define erfc(x) __nsc_tg1(erfc, x)(x)
#define tgamma(x) __nsc_tg1(tgamma, x)(x)
#define lgamma(x) __nsc_tg1(lgamma, x)(x)
#define lround(x) __nsc_tg1(lround, x)(x)
#define lrint(x) __nsc_tg1(lrint, x)(x)
#define llround(x) __nsc_tg1(llround, x)(x)
#define llrint(x) __nsc_tg1(llrint, x)(x)
#define ilogb(x) __nsc_tg1(ilogb, x)(x)

/* generic in the first argument only: the other is an int, a long, an int * or a long double */
#define ldexp(x, n) __nsc_tg1(ldexp, x)(x, n)
#define scalbn(x, n) __nsc_tg1(scalbn, x)(x, n)
#define scalbln(x, n) __nsc_tg1(scalbln, x)(x, n)
#define nexttoward(x, y) __nsc_tg1(nexttoward, x)(x, y)
#define frexp(x, e) __nsc_tg1(frexp, x)(x, e)

#define atan2(y, x) __nsc_tg2(atan2, y, x)(y, x)
#define pow(x, y) __nsc_tg2(pow, x, y)(x, y)
#define hypot(x, y) __nsc_tg2(hypot, x, y)(x, y)
#define fmod(x, y) __nsc_tg2(fmod, x, y)(x, y)
#define remainder(x, y) __nsc_tg2(remainder, x, y)(x, y)
#define fmin(x, y) __nsc_tg2(fmin, x, y)(x, y)
#define fmax(x, y) __nsc_tg2(fmax, x, y)(x, y)
#define fdim(x, y) __nsc_tg2(fdim, x, y)(x, y)
#define copysign(x, y) __nsc_tg2(copysign, x, y)(x, y)
#define nextafter(x, y) __nsc_tg2(nextafter, x, y)(x, y)
#define remquo(x, y, q) __nsc_tg2(remquo, x, y)(x, y, q)
#define fma(x, y, z) __nsc_tg3(fma, x, y, z)(x, y, z)

#endif

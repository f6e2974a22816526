/* nsc's complex.h: C99 complex arithmetic on double and float (long double _Complex is not
 * supported), read by nsc and by gcc alike.
 *
 * `I` (`_Complex_I`) is the float _Complex value 0 + 1i: gcc spells it as glibc does, nsc (which
 * preprocesses without __GNUC__) as __builtin_complex(0.0f, 1.0f), the same value. CMPLX and
 * CMPLXF make a complex from two parts without arithmetic (C11; `x + y * I` would turn an
 * infinite y into a NaN real part).
 *
 * creal, cimag and conj are lowered inline, carg as atan2(cimag(z), creal(z)) (what gcc -O0
 * does); the others are libm's functions.
 */
#ifndef NSC_COMPLEX_H
#define NSC_COMPLEX_H

#define complex _Complex
#ifdef __GNUC__
#define _Complex_I (__extension__ 1.0iF)
#else
#define _Complex_I __builtin_complex(0.0f, 1.0f)
#endif
#define I _Complex_I

#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#define CMPLXF(x, y) __builtin_complex((float)(x), (float)(y))

double creal(double _Complex z);
float crealf(float _Complex z);
double cimag(double _Complex z);
float cimagf(float _Complex z);
double _Complex conj(double _Complex z);
float _Complex conjf(float _Complex z);
double cabs(double _Complex z);
float cabsf(float _Complex z);
double carg(double _Complex z);
float cargf(float _Complex z);
double _Complex cproj(double _Complex z);
float _Complex cprojf(float _Complex z);

double _Complex cexp(double _Complex z);
float _Complex cexpf(float _Complex z);
double _Complex clog(double _Complex z);
float _Complex clogf(float _Complex z);
double _Complex csqrt(double _Complex z);
float _Complex csqrtf(float _Complex z);
double _Complex cpow(double _Complex x, double _Complex y);
float _Complex cpowf(float _Complex x, float _Complex y);

double _Complex csin(double _Complex z);
float _Complex csinf(float _Complex z);
double _Complex ccos(double _Complex z);
float _Complex ccosf(float _Complex z);
double _Complex ctan(double _Complex z);
float _Complex ctanf(float _Complex z);
double _Complex casin(double _Complex z);
float _Complex casinf(float _Complex z);
double _Complex cacos(double _Complex z);
float _Complex cacosf(float _Complex z);
double _Complex catan(double _Complex z);
float _Complex catanf(float _Complex z);

double _Complex csinh(double _Complex z);
float _Complex csinhf(float _Complex z);
double _Complex ccosh(double _Complex z);
float _Complex ccoshf(float _Complex z);
double _Complex ctanh(double _Complex z);
float _Complex ctanhf(float _Complex z);
double _Complex casinh(double _Complex z);
float _Complex casinhf(float _Complex z);
double _Complex cacosh(double _Complex z);
float _Complex cacoshf(float _Complex z);
double _Complex catanh(double _Complex z);
float _Complex catanhf(float _Complex z);

#endif

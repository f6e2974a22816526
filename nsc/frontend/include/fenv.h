/* nsc's fenv.h: glibc's floating-point environment on x86-64, for a file's test harness
 * (`main`), which nsc does not compile. Compiled code computes in the default environment
 * (round to nearest, no traps, no flags kept): calling these there is an error that says so. */
#ifndef NSC_FENV_H
#define NSC_FENV_H

typedef unsigned short fexcept_t;
typedef struct {
    unsigned short control_word;
    unsigned short unused1;
    unsigned short status_word;
    unsigned short unused2;
    unsigned short tags;
    unsigned short unused3;
    unsigned int eip;
    unsigned short cs_selector;
    unsigned int opcode : 11;
    unsigned int unused4 : 5;
    unsigned int data_offset;
    unsigned short data_selector;
    unsigned short unused5;
    unsigned int mxcsr;
} fenv_t;

#define FE_INVALID 0x01
#define FE_DIVBYZERO 0x04
#define FE_OVERFLOW 0x08
#define FE_UNDERFLOW 0x10
#define FE_INEXACT 0x20
#define FE_ALL_EXCEPT (FE_INEXACT | FE_DIVBYZERO | FE_UNDERFLOW | FE_OVERFLOW | FE_INVALID)
#define FE_TONEAREST 0
#define FE_DOWNWARD 0x400
#define FE_UPWARD 0x800
#define FE_TOWARDZERO 0xc00
#define FE_DFL_ENV ((const fenv_t *)-1)

int feclearexcept(int excepts);
int fegetexceptflag(fexcept_t *flags, int excepts);
int feraiseexcept(int excepts);
int fesetexceptflag(const fexcept_t *flags, int excepts);
int fetestexcept(int excepts);
int fegetround(void);
int fesetround(int mode);
int fegetenv(fenv_t *env);
int feholdexcept(fenv_t *env);
int fesetenv(const fenv_t *env);
int feupdateenv(const fenv_t *env);

#endif

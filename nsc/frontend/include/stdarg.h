/* nsc's stdarg.h: variable argument lists, for a file's test harness (`main`), which nsc does
 * not compile. nsc compiles no variadic function definition; a `main` that logs through one
 * (`va_start`, `vfprintf`) parses. va_list has the layout of x86-64's. gcc (reading this
 * header in nsc's tests) takes its own builtins. */
#ifndef NSC_STDARG_H
#define NSC_STDARG_H

#ifdef __GNUC__
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(dest, src) __builtin_va_copy(dest, src)
#else
typedef struct __nsc_va_list {
    unsigned int gp_offset;
    unsigned int fp_offset;
    void *overflow_arg_area;
    void *reg_save_area;
} va_list[1];
void __nsc_va_start(va_list ap);
void *__nsc_va_arg(va_list ap, unsigned long size);
void __nsc_va_end(va_list ap);
void __nsc_va_copy(va_list dest, va_list src);
#define va_start(ap, last) __nsc_va_start(ap)
#define va_arg(ap, type) (*(type *)__nsc_va_arg(ap, sizeof(type)))
#define va_end(ap) __nsc_va_end(ap)
#define va_copy(dest, src) __nsc_va_copy(dest, src)
#endif

#endif

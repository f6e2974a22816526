/* nsc's stddef.h: the LP64 types of x86-64. */
#ifndef NSC_STDDEF_H
#define NSC_STDDEF_H

typedef unsigned long size_t;
typedef long ptrdiff_t;
typedef int wchar_t;

#define NULL ((void *)0)

/* nsc reads `offsetof(type, member)` itself (pycparser parses it); gcc has a builtin */
#ifdef __GNUC__
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#endif

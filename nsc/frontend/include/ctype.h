/* nsc's ctype.h: character classes, which nsc compiles from its own C source
 * (nsc/frontend/libc/ctype.c) to glibc's results in the C locale: a class function returns
 * its bit of glibc's table (isalpha('a') is 1024), except isdigit, which gcc turns into
 * (unsigned)c - '0' <= 9 (0 or 1) and nsc too. Another argument outside -128..255 is
 * undefined in C; the oracle gives the row the status out of bounds. */
#ifndef NSC_CTYPE_H
#define NSC_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#endif

/* nsc's ctype.h: character classes, for a file's test harness (`main`), which nsc does not
 * compile; calling these from compiled code is an error that says so. */
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

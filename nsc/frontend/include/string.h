/* nsc's string.h.
 *
 * Compiled code may fill, copy and move memory (LLVM's intrinsics) and use the string
 * functions from strlen to strpbrk, which nsc compiles from its own C source
 * (nsc/frontend/libc/string.c) to glibc's results; calls gcc folds at compile time (strcmp of
 * two literals is -1, 0 or 1, not glibc's difference of bytes) are folded alike. strerror is
 * declared for a file's test harness (`main`), which nsc does not compile; calling it from
 * compiled code is an error that says so.
 */
#ifndef NSC_STRING_H
#define NSC_STRING_H

#include <stddef.h>

void *memset(void *dest, int value, size_t count);
void *memcpy(void *dest, const void *src, size_t count);
void *memmove(void *dest, const void *src, size_t count);

int memcmp(const void *a, const void *b, size_t count);
void *memchr(const void *memory, int value, size_t count);
size_t strlen(const char *text);
size_t strnlen(const char *text, size_t most); /* POSIX */
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t count);
char *strcpy(char *restrict dest, const char *restrict src);
char *strncpy(char *restrict dest, const char *restrict src, size_t count);
char *strcat(char *restrict dest, const char *restrict src);
char *strncat(char *restrict dest, const char *restrict src, size_t count);
char *strchr(const char *text, int c);
char *strrchr(const char *text, int c);
char *strstr(const char *text, const char *part);
size_t strspn(const char *text, const char *accept);
size_t strcspn(const char *text, const char *reject);
char *strpbrk(const char *text, const char *accept);
char *strerror(int number);

#endif

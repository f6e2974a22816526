/* nsc's stdio.h: declarations for a file's test harness.
 *
 * nsc compiles the entry function and the functions it calls; a `main` that prints their
 * results is not compiled, so it may use these. In compiled code, printf, fprintf, puts,
 * putchar, fputs, fputc, putc, fflush and perror evaluate their arguments and print nothing,
 * and their result may not be used; calling any other is an error that says so: a surrogate
 * has no input or output besides its signature.
 */
#ifndef NSC_STDIO_H
#define NSC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct nsc_file FILE;
typedef long fpos_t;

#define EOF (-1)
#define BUFSIZ 8192
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

int printf(const char *restrict format, ...);
int fprintf(FILE *restrict stream, const char *restrict format, ...);
int sprintf(char *restrict buffer, const char *restrict format, ...);
int snprintf(char *restrict buffer, size_t size, const char *restrict format, ...);
int vprintf(const char *restrict format, va_list args);
int vfprintf(FILE *restrict stream, const char *restrict format, va_list args);
int vsprintf(char *restrict buffer, const char *restrict format, va_list args);
int vsnprintf(char *restrict buffer, size_t size, const char *restrict format, va_list args);
int scanf(const char *restrict format, ...);
int fscanf(FILE *restrict stream, const char *restrict format, ...);
int sscanf(const char *restrict buffer, const char *restrict format, ...);
int puts(const char *text);
int fputs(const char *restrict text, FILE *restrict stream);
int putchar(int c);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
int getchar(void);
int fgetc(FILE *stream);
int getc(FILE *stream);
char *fgets(char *restrict buffer, int size, FILE *restrict stream);
FILE *fopen(const char *restrict path, const char *restrict mode);
int fclose(FILE *stream);
int fflush(FILE *stream);
size_t fread(void *restrict buffer, size_t size, size_t count, FILE *restrict stream);
size_t fwrite(const void *restrict buffer, size_t size, size_t count, FILE *restrict stream);
int fseek(FILE *stream, long offset, int origin);
long ftell(FILE *stream);
void rewind(FILE *stream);
int feof(FILE *stream);
int ferror(FILE *stream);
void perror(const char *text);
int remove(const char *path);

#endif

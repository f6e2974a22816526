/* nsc's stdlib.h.
 *
 * Compiled code (the entry and the functions it calls) may use the integer absolute values,
 * `div`, `ldiv` and `lldiv`, the heap (`malloc`, `calloc`, `realloc`, `free`: the C
 * library's, which the oracle bounds and cleans up after each row), `exit`, `_Exit`,
 * `quick_exit` and `abort`, which end the row (the oracle gives it the status "exit" or
 * "abort"), and `qsort`, `bsearch`, `rand` and `srand`, which nsc compiles from its own C
 * source (nsc/frontend/libc/) to glibc's results; the generator's state starts afresh for
 * every row, as for every run of a program. The rest is declared for a file's test harness
 * (`main`), which nsc does not compile: surrogates read no strings, files or environment, so
 * calling these from compiled code is an error that says so.
 */
#ifndef NSC_STDLIB_H
#define NSC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

typedef struct {
    int quot;
    int rem;
} div_t;

typedef struct {
    long quot;
    long rem;
} ldiv_t;

typedef struct {
    long long quot;
    long long rem;
} lldiv_t;

int abs(int x);
long labs(long x);
long long llabs(long long x);

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *pointer, size_t size);
void free(void *pointer);
int rand(void);
void srand(unsigned seed);
void exit(int status);
void _Exit(int status);
void quick_exit(int status);
void abort(void);
int atexit(void (*function)(void));
int atoi(const char *text);
long atol(const char *text);
double atof(const char *text);
double strtod(const char *restrict text, char **restrict end);
float strtof(const char *restrict text, char **restrict end);
long strtol(const char *restrict text, char **restrict end, int base);
unsigned long strtoul(const char *restrict text, char **restrict end, int base);
char *getenv(const char *name);
int system(const char *command);
void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *, const void *));
div_t div(int numerator, int denominator);
ldiv_t ldiv(long numerator, long denominator);
lldiv_t lldiv(long long numerator, long long denominator);

#endif

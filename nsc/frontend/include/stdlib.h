/* nsc's stdlib.h: the integer absolute values.
 *
 * nsc compiles pure functions into neural surrogates, so there is no heap: malloc, calloc,
 * realloc and free are deliberately not declared, and using them is an undeclared-function
 * error. Neither are rand, exit or abort.
 */
#ifndef NSC_STDLIB_H
#define NSC_STDLIB_H

#include <stddef.h>

int abs(int x);
long labs(long x);
long long llabs(long long x);

#endif

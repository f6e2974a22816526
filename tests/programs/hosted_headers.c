/* The hosted headers a kernel's file includes beside its harness: inttypes.h (imaxabs and
 * imaxdiv compiled; the format macros as strings), stdalign.h, stdnoreturn.h, iso646.h, and
 * the constants of errno.h and fenv.h; ctype.h, stdarg.h and fenv.h's functions are only
 * declared. */

#include <ctype.h>
#include <errno.h>
#include <fenv.h>
#include <inttypes.h>
#include <iso646.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>

#pragma nsc entry(f)
#pragma nsc range(n, -1000000, 1000000)
#pragma nsc range(d, -9, 9)

noreturn static void fail(void) { abort(); }

static const char wide[] = PRId64 PRIu32 PRIxMAX SCNd8;

int64_t f(int64_t n, int32_t d, double x, int64_t out[5])
{
    alignas(32) int64_t slots[4] = {0};
    if (d == 0 and n == 7) fail();
    imaxdiv_t q = imaxdiv(n, d bitor 1);
    slots[0] = q.quot;
    slots[1] = q.rem;
    out[0] = imaxabs(n) + slots[0] * 3 + slots[1] * 5;
    out[1] = (int64_t)alignof(long double) + sizeof(imaxdiv_t) + sizeof(va_list) * 100;
    out[2] = EDOM + ERANGE * 100 + (FE_UPWARD bitor FE_INEXACT) * 10000;
    out[3] = (x > 0 or not d) + (compl n xor n);
    out[4] = sizeof wide + wide[0] + wide[3] * 1000;
    return (int64_t)(uintptr_t)0 + INTMAX_MAX / (d bitand 7 ? d bitand 7 : 1);
}

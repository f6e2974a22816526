/* QA reproducer: the type of `?:` with pointer operands (C99 6.5.15p6) and of an enumerated
 * type in a `_Generic` selection. Beside a null pointer constant (`NULL`, `(void *)0`) the
 * result has the other operand's type, so it can be dereferenced and subscripted; `void *`
 * beside another object pointer gives `void *`; the qualifiers of both pointees are kept. An
 * enum without negative enumerators is compatible with `unsigned int` in gcc. */
#include <stddef.h>

#pragma nsc entry(f)
#pragma nsc range(k, -3, 3)

enum level { LOW, HIGH };
enum sign { MINUS = -1, PLUS = 1 };
typedef enum { RED, GREEN } colour;

#define KIND(e) _Generic((e), int *: 1, const int *: 2, void *: 3, const void *: 4, default: 5)
#define INTS(e) _Generic((e), int: 1, unsigned: 2, default: 3)

long f(int k)
{
    int a[4] = {k, 2 * k, 3 * k, 4 * k};
    int *p = a;
    const int *c = a + 1;
    void *v = a;
    long r = KIND(k ? NULL : p) + KIND(k ? p : NULL) * 10 + KIND(1 ? (void *)0 : c) * 100;
    r += KIND(k ? p : c) * 1000 + KIND(k ? c : p) * 10000 + KIND(k ? v : p) * 100000;
    r += KIND(k ? c : v) * 1000000 + KIND(k ? 0 : p) * 10000000;
    r += *(k > -9 ? p : NULL) + (k < -9 ? NULL : p)[2] * 10 + (k > -9 ? c : (void *)0)[1] * 100;
    enum level lv = (enum level)(k & 1);
    enum sign sg = k < 0 ? MINUS : PLUS;
    colour col = GREEN;
    enum level *lp = &lv;
    r += INTS(lv) * 100000000L + INTS(sg) * 1000000000L + INTS(col) * 10000000000L;
    r += INTS(HIGH) * 100000000000L + INTS(*lp) * 1000000000000L;
    r += _Generic(lp, unsigned *: 1, int *: 2, default: 3) * 10000000000000L;
    r += _Generic(k, colour: 1, default: 2) * 100000000000000L;
    return r + lv + sg;
}

/* Calls and assignments may appear in constant expressions where they are not evaluated: the
 * unselected arm of `?:` and the skipped operand of a decided `&&` or `||`. Their types still
 * count (`1 ? 2 : g(x)` with g returning double is a double). */
#pragma nsc entry(f)
#pragma nsc range(a, -9, 9)

#include <math.h>

static double g(double x) { return x * 2; }
static int counter;

enum {
    CALL_ARM = 1 ? 3 : (int)g(1.0),
    MATH_ARM = 0 ? (int)floor(2.5) : 4,
    SKIPPED_AND = 0 && g(2.0),
    SKIPPED_OR = 1 || (int)sqrt(4.0),
    ASSIGN_ARM = 1 ? 5 : (counter = 2),
};

static double typed = 1 ? 7 : g(1.0); /* the double arm makes the result a double */
static int sizes[0 ? (int)g(1.0) : 3] = {1, 2, 3};

_Static_assert(sizeof(1 ? 1 : g(0.0)) == sizeof(double), "the call's type counts");

int f(int a)
{
    int r = CALL_ARM + MATH_ARM * 10 + SKIPPED_AND * 100 + SKIPPED_OR * 1000 + ASSIGN_ARM * 10000;
    switch (a) {
    case 0 ? (int)g(3.0) : 2:
        r += 100000;
        break;
    }
    return r + (int)typed * 1000000 + sizes[2] * counter + (int)sizeof sizes;
}

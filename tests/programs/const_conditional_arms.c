/* A constant `?:` evaluates only its selected arm: `1 ? 3 : 1 / 0` is a constant 3 in enums,
 * array sizes, static initializers, case labels and static assertions; the unselected arm
 * still gives its type to the result (`1 ? -1 : 1u / 0` is unsigned), a variable included. */
#pragma nsc entry(f)
#pragma nsc range(a, -9, 9)

#define DEN 0

unsigned counter;

enum {
    THREE = 1 ? 3 : 1 / DEN,
    FOUR = 0 ? 1 % DEN : 4,
    NESTED = 1 ? (0 ? 1 / DEN : 5) : (1 ? 1 / DEN : 2),
};

static int table[1 ? 2 : 1 / DEN] = {11, 12};
static long widened = 1 ? -1 : 1u / DEN;
static long by_variable = 1 ? -2 : counter;
static double mixed = 0 ? 1 / DEN : 2.5;
int skipped_both = (1 ? 6 : 1 / DEN) + (0 ? 1 % DEN : 1);

_Static_assert(1 ? 1 : 1 / DEN, "the unselected arm is not evaluated");

int f(int a)
{
    static int local = 1 ? 9 : 1 % DEN;
    int sizes[0 ? 1 / DEN : 3];
    int r = THREE + FOUR * 10 + NESTED * 100 + table[1] * 1000;
    switch (a) {
    case 1 ? 3 : 1 / DEN:
        r += 20000;
        break;
    case 0 ? 1 / DEN : -4:
        r += 40000;
        break;
    }
    sizes[2] = (int)(sizeof sizes / sizeof sizes[0]);
    r += a ? 1 : 1 / (a + 1); /* at run time as well: only the taken arm divides */
    return r + (widened > 0) * 100000 + (int)by_variable + (int)(mixed * 2.0) + skipped_both
        + local + sizes[2] + (int)sizeof(char[1 ? 2 : 1 / DEN]);
}

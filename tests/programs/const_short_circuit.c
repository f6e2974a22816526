/* Constant expressions evaluate only what C evaluates: the right operand of a decided && or ||
 * is skipped (so `0 && 1 / 0` is fine), and static assertions are checked. */
#pragma nsc entry(f)
#pragma nsc range(a, -9, 9)

#define SAFE_DIV(n, d) ((d) != 0 && (n) / (d) > 1)
#define DEN 0

_Static_assert(sizeof(long) == 8, "LP64");

static int skipped_and = SAFE_DIV(10, DEN);
static int skipped_or = 1 || 1 % DEN;
static int evaluated_and = 2 && 0.5;
static int evaluated_or = 0 || -0.0;
static int nan_or = 0 || (0.0 / 0.0);
static int table[SAFE_DIV(9, 3) + 2] = {7, 8, 9};

int f(int a)
{
    _Static_assert(sizeof table / sizeof table[0] == 3, "SAFE_DIV(9, 3) is 1");
    int r = skipped_and + skipped_or * 2 + evaluated_and * 4 + evaluated_or * 8 + nan_or * 16;
    switch (a) {
    case 1 || 1 / DEN:
        r += 100;
        break;
    case 0 && 1 / DEN:
        r += 200;
        break;
    }
    return r + table[2] * 1000 + (int)(sizeof table) * 10000;
}

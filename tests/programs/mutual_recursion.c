/* Prototypes let two functions call each other before both are defined. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 40)

static int is_even(unsigned n);
static int is_odd(unsigned n);

int f(int n)
{
    return is_even((unsigned)n) * 10 + is_odd((unsigned)n + 3u);
}

static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

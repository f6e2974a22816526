/* Enumerated types as gcc types them: an enum without negative enumerators is compatible with
 * `unsigned int`, one with a negative enumerator with `int`, wider ranges with `unsigned long`
 * or `long`; an enumeration constant is an `int` when its value fits, else (inside its list)
 * the type of its value and (after it) its enum's type. Enum objects, members, bit-fields,
 * arrays, parameters (the entry's too), returns, casts, conversions to double, comparisons
 * with negative numbers, shifts and divisions, increments, compound assignments, a switch,
 * `sizeof`, constant expressions and `_Generic` with enum associations. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 9)
#pragma nsc range(sel, 0, 3)
#pragma nsc shape(out, 38)

#define KIND(e)                                                                              \
    _Generic((e), int: 1, unsigned int: 2, long: 3, unsigned long: 4, long long: 5,          \
             unsigned long long: 6, default: 0)

enum small { S0, S1, S2 };                       /* unsigned int */
enum sign { MINUS = -2, ZERO, PLUS };            /* int */
enum huge { H0 = 0x80000000, H1 = H0 * 2, H2 };  /* H0 unsigned int; H1 = 0 (wraps there) */
enum wide { W0 = 2147483648, W1 = W0 * 2 };      /* W0 a long in its list: W1 = 2^32 */
enum mixed { M0 = -1, M1 = 3000000000 };         /* long */
enum top { T0 = 0xffffffffffffffff };            /* unsigned long */
enum last { L0 = 0xfffffffe, L1 };               /* L1 = 0xffffffff, unsigned int */
typedef enum { RED, GREEN, BLUE } colour;

enum { FOLDED = ((enum small)-1 > 0) * 10 + ((enum sign)-1 > 0), SIZES = sizeof(enum wide) };

struct holder {
    enum small s;
    enum sign g;
    enum wide w;
    enum small bits : 2;
    enum sign sbits : 3;
};

static const unsigned long table[] = {W1, T0, M1, H0, L1};
static enum mixed global_mixed = M0;

static enum small next_small(enum small v) { return v + 1; }
static double half(enum sign g) { return g * 0.5; }

double f(int k, enum small sel, long *out)
{
    enum small v = k - 1; /* k = 0: 4294967295, as gcc computes it */
    enum sign g = k - 5;
    int n = 0;
    out[n++] = v;
    out[n++] = (long)(v * 1.5);
    out[n++] = (v < 1) * 100 + (v > -1) * 10 + (g > -1);
    out[n++] = v / 2 + (v >> 1) + v % 7;
    out[n++] = g / 2 + (g >> 1) * 10 + g % 3 * 100;
    out[n++] = (enum small)(k - 5) % 1000;
    out[n++] = sel - 2 > 0;
    out[n++] = next_small(sel) + next_small((enum small)k - 3);

    /* the types, as _Generic sees them */
    out[n++] = KIND(v) + KIND(g) * 10 + KIND((enum wide)0) * 100 + KIND((enum mixed)0) * 1000
               + KIND((enum top)0) * 10000 + KIND((enum huge)0) * 100000
               + KIND((colour)0) * 1000000;
    out[n++] = KIND(S1) + KIND(MINUS) * 10 + KIND(H0) * 100 + KIND(H1) * 1000
               + KIND(W0) * 10000 + KIND(M1) * 100000 + KIND(T0) * 1000000
               + KIND(L1) * 10000000;
    out[n++] = KIND(v + 0) + KIND(+g) * 10 + KIND(v++) * 100 + KIND(g = MINUS) * 1000;
    out[n++] = _Generic(v, enum small: 1, enum sign: 2, default: 3)
               + _Generic(g, enum small: 1, enum sign: 2, default: 3) * 10
               + _Generic(v + 0, enum sign: 1, default: 2) * 100
               + _Generic(S1, enum small: 1, default: 2) * 1000
               + _Generic(MINUS, enum sign: 1, default: 2) * 10000
               + _Generic(&v, unsigned *: 1, default: 2) * 100000
               + _Generic(H0, enum huge: 1, default: 2) * 1000000;
    out[n++] = sizeof(enum small) + sizeof(enum sign) * 10 + sizeof(enum wide) * 100
               + sizeof(enum mixed) * 1000 + sizeof(enum top) * 10000 + sizeof(v) * 100000;
    out[n++] = FOLDED * 100 + SIZES;

    /* the wide constants outside their lists */
    out[n++] = H0 * 2 + H1 + H2;
    out[n++] = W0 * 2 - W1;
    out[n++] = M1 - 3000000001 + M0;
    out[n++] = (long)(T0 + 1) + (T0 > 0);
    out[n++] = L1 + 1;
    for (int i = 0; i < 5; i++)
        out[n++] = (long)table[i];
    out[n++] = global_mixed;

    /* increments and compound assignments wrap as unsigned int */
    enum small c = S2;
    c -= k;
    out[n++] = c;
    c *= 3;
    out[n++] = c;
    enum small z = S0;
    z--;
    out[n++] = z;
    ++z;
    z--;
    out[n++] = z;
    --z;
    out[n++] = z;

    /* members, bit-fields, arrays */
    struct holder h = {v, g, W1, k, k - 4};
    out[n++] = h.s > 0;
    out[n++] = h.bits + (h.bits - 4 < 0) * 10 + h.sbits * 100;
    out[n++] = h.w / 3;
    enum sign arr[3] = {MINUS, ZERO, PLUS};
    out[n++] = arr[k % 3] * 3 / 2;
    enum small uarr[2] = {S0, S2};
    out[n++] = uarr[k & 1] - 3 > 0;

    /* a switch on an enum */
    switch (sel) {
    case S0: out[n++] = 10; break;
    case S2: out[n++] = 20; break;
    default: out[n++] = 30;
    }
    switch ((enum small)(k - 2)) {
    case -1: out[n++] = -1; break;
    case S0: out[n++] = 0; break;
    default: out[n++] = 99;
    }
    out[n] = n;

    return v * 1.5 + half(g) + (double)(enum mixed)(k - 3) + (double)(enum wide)(k - 3)
           + (enum small)(k - 4) * 0.25;
}

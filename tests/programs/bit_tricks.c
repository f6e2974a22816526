/* Bit manipulation on unsigned 32- and 64-bit values: rotates, popcount, bit reversal,
 * FNV-1a and xorshift (unsigned multiplication and shifts wrap). */
#pragma nsc entry(f)
#pragma nsc range(x, 0, 4294967295)
#pragma nsc range(r, 1, 31)

static unsigned rotl(unsigned v, int n) { return (v << n) | (v >> (32 - n)); }

static int popcount(unsigned long long v)
{
    int c = 0;
    while (v) {
        v &= v - 1;
        c++;
    }
    return c;
}

static unsigned reverse(unsigned v)
{
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
    v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
    return (v >> 16) | (v << 16);
}

static unsigned long long fnv1a(unsigned v)
{
    unsigned long long h = 14695981039346656037ULL;
    for (int i = 0; i < 4; i++) {
        h ^= (unsigned char)(v >> (8 * i));
        h *= 1099511628211ULL;
    }
    return h;
}

static unsigned long long xorshift(unsigned long long s)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

unsigned long long f(unsigned x, int r, unsigned *rot, int *bits, unsigned *rev)
{
    *rot = rotl(x, r);
    *bits = popcount(x) * 100 + popcount(~(unsigned long long)x);
    *rev = reverse(x);
    unsigned low = x & -x;                        /* lowest set bit */
    unsigned mask = x ? (unsigned)-1 >> (31 - (r & 31)) : 0u;
    return fnv1a(x) ^ xorshift(x | 1ULL << 40) ^ low ^ ((unsigned long long)mask << 7);
}

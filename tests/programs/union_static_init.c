/* Unions with static storage and their initializers: the first member, a designated one, in
 * arrays and structs, zero elsewhere; sizeof and _Alignof of unions with padding. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 3)
#pragma nsc shape(words, 7)
#pragma nsc shape(sizes, 6)

union number {
    float f;
    int i;
    unsigned char bytes[6];
};

union wide {
    char c;
    double d;
    short s[5];
};

struct entry {
    char name;
    union number n;
};

static union number first = {2.5f};
static union number named = {.i = -7};
static union number by_bytes = {.bytes = {1, 2, 3, 4, 5}};
union number table[4] = {{1.0f}, {.i = 3}, {.bytes = {0xff, 0, 0, 0x80}}};
static const struct entry entries[3] = {{'a', {0.5f}}, {'b', {.i = 9}}, {.n.bytes[2] = 7}};
static union wide w = {.s = {1, 2, 3, 4, 5}};
static union wide zero;

long f(int i, int *words, int *sizes)
{
    words[0] = first.i;
    words[1] = named.i;
    words[2] = by_bytes.i + by_bytes.bytes[4];
    words[3] = table[i].i;
    words[4] = entries[i % 3].n.i + entries[i % 3].name;
    words[5] = (int)(w.d * 0.0) + w.s[4] + w.c + zero.s[3];
    union number local = {.bytes = {9, 8}};
    words[6] = local.i;
    sizes[0] = (int)sizeof(union number);
    sizes[1] = (int)_Alignof(union number);
    sizes[2] = (int)sizeof(union wide);
    sizes[3] = (int)_Alignof(union wide);
    sizes[4] = (int)sizeof(struct entry);
    sizes[5] = (int)sizeof table;
    return (long)sizeof(union { char c[13]; long l; }) * 100 + (long)sizeof(union { char c; });
}

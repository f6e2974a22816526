/* Records mixing doubles and bit-fields: gcc's layout (sizes, alignments and the offsets of
 * the ordinary members between the bit-fields), initializers in a static table and in locals
 * (positional and designated), compound assignments, a 40-bit field whose arithmetic wraps at
 * 40 bits (gcc types it so), struct copies, values passed, returned and reached by pointer. */
#pragma nsc entry(mixed)
#pragma nsc shape(x, 4)
#pragma nsc range(x, -1000.0, 1000.0)
#pragma nsc range(k, -50, 50)
#pragma nsc shape(out, 32)

#include <stddef.h>

struct sample {
    double value;
    unsigned id : 12;
    int offset : 9;
    unsigned long long stamp : 40; /* shares the 8-byte unit after `value` */
    double scale;
    unsigned char kind : 2;
    short tail;
    long long wide : 33;
    int : 0;
    char last;
};

struct holder {
    char tag;
    struct sample s; /* 8-aligned inside */
    unsigned bits : 5;
};

static struct sample table[3] = {
    {1.5, 4095, -256, 0xFFFFFFFFFFull, 2.0, 3, -7, -1, 'a'},
    {.scale = 0.25, .id = 17, .kind = 5, .wide = 4294967296LL, .last = 'z'},
    {-3.0, 1, 255},
};

static struct holder held = {'h', {0.5, 9, -9, 12345, 4.0, 1, 2, 3, 'q'}, 31};

static struct sample make(double v, int k)
{
    struct sample s = {v, (unsigned)k * 100, k * 3, (unsigned long long)k << 35, v / 4};
    s.kind = k;
    s.wide = (long long)k * 300000000;
    return s;
}

static double weigh(struct sample s) { return s.value * s.scale + s.id - s.offset + s.kind; }

static void bump(struct sample *p, int k)
{
    p->id += k;
    p->offset -= k * 7;
    p->stamp *= 3;
    p->kind ^= k;
    p->wide += (long long)k << 31;
    p->value += p->id;
}

double mixed(const double *x, int k, long *out)
{
    out[0] = sizeof(struct sample) + _Alignof(struct sample) * 100;
    out[1] = offsetof(struct sample, scale) + offsetof(struct sample, tail) * 100;
    out[2] = offsetof(struct sample, last) + offsetof(struct holder, s) * 100 + sizeof(struct holder) * 1000;
    struct sample a = make(x[0], k);
    struct sample b = {.stamp = 0xFFFFFFFFFFull, .value = x[1], .offset = k, .tail = k};
    out[3] = a.id + a.offset * 10000;
    out[4] = (long)a.stamp;
    out[5] = a.kind + a.wide;
    b.stamp += 1; /* wraps at 40 bits */
    out[6] = (long)b.stamp;
    b.stamp = 0xFFFFFFFFFFull;
    out[7] = (long)(b.stamp * 2) + (long)(b.stamp + 1) + (long)sizeof(b.stamp + 1);
    out[8] = b.stamp > 0xFFFFFFFFFull;
    bump(&a, k);
    out[9] = a.id + a.offset * 10000 + a.kind * 100000000L;
    out[10] = (long)a.stamp + a.wide;
    double r = weigh(a) + weigh(b) + a.value;
    struct sample c = table[0];
    c.id++;
    c.offset--;
    out[11] = c.id + c.offset * 10000 + c.kind * 100000000L + c.tail;
    out[12] = c.wide + c.last + (long)c.stamp;
    for (int i = 0; i < 3; i++)
        r += weigh(table[i]) + table[i].wide / 1024 + table[i].kind;
    out[13] = table[1].id + table[1].kind * 100 + table[1].wide + table[1].last;
    out[14] = table[2].id + table[2].offset * 10 + table[1].tail + table[2].last;
    struct holder h = held;
    h.bits += k;
    h.s.offset = k * 40; /* truncated to 9 bits */
    out[15] = h.tag + h.bits * 1000 + h.s.id * 10 + h.s.offset * 100000;
    out[16] = held.s.kind + held.bits * 10 + held.s.last * 100 + (long)held.s.stamp;
    r += make(x[2], -k).offset + make(x[3], k).stamp;
    struct sample arr[2] = {a, {x[3], 1, 2, 3}};
    arr[1].wide -= 1;
    arr[1].wide >>= 1;
    arr[0].stamp %= 1000;
    out[17] = arr[1].wide + (long)arr[0].stamp + arr[1].id * 1000;
    out[18] = (long)(arr[0].value * 1000);
    long long w = arr[1].wide;
    out[19] = w * 2 + (arr[1].wide < 0) + (table[0].wide < 0) * 10;
    out[20] = (arr[1].wide = 8589934591LL) + 1;
    b = c; /* whole records assigned, through a pointer too */
    struct sample *q = &arr[1];
    *q = b;
    q->kind += 3;
    out[21] = arr[1].id + arr[1].offset * 10000 + arr[1].kind * 100000000L + (long)arr[1].stamp;
    return r;
}

/* Byte and word views of the same storage through unions; a struct inside a union and a union
 * inside a struct; a union written whole and copied. */
#pragma nsc entry(f)
#pragma nsc range(a, -2000000000, 2000000000)
#pragma nsc range(x, -100.0, 100.0)

typedef union {
    unsigned int word;
    unsigned short halves[2];
    unsigned char bytes[4];
    struct { unsigned char lo, b1, b2, hi; } parts;
} view;

struct packet {
    char tag;
    view v;
    double weight;
};

static unsigned checksum(view v)
{
    unsigned sum = 0;
    for (int i = 0; i < 4; i++)
        sum = sum * 31u + v.bytes[i];
    return sum + v.parts.hi;
}

unsigned f(int a, double x, unsigned char bytes[4], unsigned short *half)
{
    view v;
    v.word = (unsigned)a;
    for (int i = 0; i < 4; i++)
        bytes[i] = v.bytes[i];
    *half = v.halves[1];
    struct packet p = {'p', {0u}, x};
    p.v.bytes[0] = (unsigned char)a;
    p.v.parts.hi = 0x7f;
    struct packet q = p;
    view copy = q.v;
    unsigned char *raw = &copy.bytes[0];
    raw[1] = 3;
    return checksum(copy) + (unsigned)sizeof(struct packet) + (unsigned)(q.weight > 0);
}

/* Bit-fields in less common places: anonymous structs of them inside a union (an RGB565
 * pixel), compound literals, `?:` between records, a switch on a 40-bit field, pointers
 * striding over an array of records, a long double beside bit-fields, typedef'd base types. */
#pragma nsc entry(edges)
#pragma nsc range(a, -70000, 70000)
#pragma nsc range(b, -300, 300)
#pragma nsc shape(out, 24)

typedef unsigned short u16;

union pixel {
    struct {
        u16 blue : 5;
        u16 green : 6;
        u16 red : 5;
    };
    u16 raw;
};

struct code {
    unsigned long long value : 40;
    unsigned tag : 4;
    long double weight;
    signed char small : 4;
};

struct cell {
    unsigned alive : 1;
    unsigned age : 7;
};

static struct code pick(int k, struct code x, struct code y) { return k ? x : y; }

int edges(int a, int b, long *out)
{
    union pixel p = {.red = a, .green = b, .blue = a >> 5};
    out[0] = p.raw;
    out[1] = p.red * 10000 + p.green * 100 + p.blue;
    p.raw = (u16)(a * 7);
    out[2] = p.red + p.green * 32 + p.blue * 2048;
    union pixel q = p;
    q.green += 63;
    out[3] = q.raw;
    out[4] = (union pixel){.green = b}.raw + (struct cell){1, a}.age;
    struct code c = {(unsigned long long)a * 1000003, b, 0.5L, b};
    struct code d = {.tag = 9, .weight = a, .small = -b};
    out[5] = (long)pick(a & 1, c, d).value + pick(b & 1, c, d).tag * 1000 + pick(0, c, d).small;
    out[6] = (long)(c.weight * 4) + (long)d.weight + sizeof(struct code) * 10000;
    int r = 0;
    switch (c.value & 3) {
    case 0: r = 10; break;
    case 1: r = 20; break;
    case 3: r = 30; break;
    default: r = 40;
    }
    out[7] = r;
    c.value = ~0ull;
    switch (c.value) {
    case 0xFFFFFFFFFFull: r = 1; break;
    default: r = 2;
    }
    out[8] = r;
    struct cell grid[6];
    for (int i = 0; i < 6; i++) {
        grid[i].alive = (a >> i) & 1;
        grid[i].age = b + i * 40;
    }
    int alive = 0, ages = 0;
    for (struct cell *g = grid; g < grid + 6; g++) {
        alive += g->alive;
        ages += g->age;
        g->age++;
    }
    out[9] = alive * 1000 + ages;
    out[10] = grid[5].age + (grid[0].alive ? grid[1].age : grid[2].age);
    out[11] = (a > 0 ? c : d).tag + (long)(b > 0 ? c : d).value % 1000;
    out[12] = (long)sizeof grid + (long)_Alignof(struct code);
    return (int)(c.tag + d.small);
}

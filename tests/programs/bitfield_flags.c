/* A packed flags word: unsigned, signed (plain `int` is signed in gcc), `_Bool` and enum
 * bit-fields sharing one 32-bit unit with unnamed padding; reads (zero and sign extension,
 * then the promotion to int), assignments that truncate (the value of `w.x = v` is the one
 * stored), compound assignments, ++ and --, comparisons, and the word's bits through a union. */
#pragma nsc entry(flags)
#pragma nsc range(a, -100000, 100000)
#pragma nsc range(b, -1000, 1000)
#pragma nsc shape(out, 40)

enum mode { OFF, LOW, MID, HIGH };  /* no negative enumerator: an unsigned bit-field in gcc */
enum delta { DOWN = -1, SAME, UP }; /* a negative one: a signed bit-field */

struct flags {
    unsigned ready : 1;
    int level : 4;
    enum mode mode : 2;
    enum delta trend : 2;
    unsigned : 3;
    _Bool on : 1;
    unsigned count : 7;
    signed tiny : 2;
    unsigned char small : 3; /* 22 bits used: would straddle its byte, so starts bit 24 */
};

union word {
    struct flags f;
    unsigned u;
    unsigned char b[4];
};

static const struct flags preset = {1, -3, HIGH, DOWN, 1, 99, -2, 6};
static struct flags named = {.count = 130, .trend = UP, .level = 9, .small = 15};

int flags(int a, int b, long *out)
{
    union word w;
    w.u = 0;
    w.f.ready = a;
    w.f.level = a;
    w.f.mode = (enum mode)(b & 3);
    w.f.trend = b % 2;
    w.f.on = a;
    w.f.count = b;
    w.f.tiny = a >> 3;
    w.f.small = a;
    out[0] = w.u;
    out[1] = w.f.ready;
    out[2] = w.f.level;
    out[3] = w.f.mode;
    out[4] = w.f.trend;
    out[5] = w.f.on;
    out[6] = w.f.count;
    out[7] = w.f.tiny;
    out[8] = w.f.small;
    out[9] = (w.f.level = a + 1000);
    out[10] = w.f.count++;
    out[11] = ++w.f.count;
    out[12] = w.f.tiny--;
    out[13] = --w.f.small;
    w.f.count += 200;
    w.f.level -= b;
    out[14] = w.f.level;
    w.f.level *= 3;
    w.f.count <<= 2;
    w.f.count |= 5;
    w.f.tiny ^= 1;
    w.f.on -= 1;
    out[15] = w.u;
    out[16] = w.f.level < w.f.count;
    out[17] = w.f.mode > LOW;
    out[18] = w.f.count - 200; /* unsigned:7 promotes to int: negative */
    out[19] = w.f.ready - 2 < 0;
    out[20] = sizeof(w.f.count + 0) + sizeof(struct flags) * 10 + _Alignof(struct flags) * 100;
    out[21] = preset.ready + preset.level * 10 + preset.mode * 100 + preset.trend * 1000;
    out[22] = preset.on + preset.count * 10 + preset.tiny * 10000 + preset.small * 100000;
    out[23] = named.count + named.trend * 1000 + named.level * 10000 + named.small;
    union word p = {preset};
    out[24] = p.u;
    out[25] = p.b[3] * 1000 + p.b[0];
    struct flags copy = named;
    copy.mode = MID;
    copy.on = 2;
    out[26] = copy.mode * 10 + copy.on + copy.count * 100 + named.mode;
    struct flags d = {.count = a, .trend = b, .level = -8, .on = b};
    out[27] = d.count + d.trend * 1000 + d.level * 10000 + d.on * 100000 + d.ready;
    out[28] = (w.f.on = b) + (w.f.small = b) * 10 + (w.f.mode = b) * 100;
    int r = 0;
    for (w.f.count = 0; w.f.count < 100; w.f.count += 7)
        r += w.f.count;
    out[29] = r + w.f.count;
    out[30] = w.f.level == -w.f.level ? 1 : w.f.level < 0 ? 2 : 3;
    out[31] = !w.f.ready + (w.f.small ? 10 : 20) + ~w.f.tiny * 100 + -w.f.count * 1000;
    out[32] = w.f.count / 3 + w.f.level % 3 * 100 + (w.f.small << 29);
    unsigned big = w.f.count * 40000000u;
    out[33] = big;
    return w.f.level + w.f.count;
}

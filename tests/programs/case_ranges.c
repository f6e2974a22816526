/* GNU case ranges: small ones (cases) and huge ones (comparisons), negative, char and empty
 * ranges, ranges mixed with plain cases and default, fallthrough, a nested switch, an unsigned
 * switch with ranges across INT_MAX, a long switch and a narrow (promoted) one. */
#pragma nsc entry(f)
#pragma nsc range(x, -2000000, 2000000)
#pragma nsc range(u, 0, 4294967295)
#pragma nsc range(big, -10000000000, 10000000000)

static int classify(int v)
{
    int r = 0;
    switch (v) {
    case -1000000 ... -1001: /* huge, negative */
        r = 1;
        break;
    case -1000 ... -995: /* small, negative */
        r = 2;
        break;
    case -3:
        r = 3;
        /* fall through */
    case -2 ... 2:
        r += 4;
        break;
    case 5 ... 3: /* empty: matches nothing */
        r = 99;
        break;
    case 7:
        r = 5;
        break;
    case 8 ... 12:
        r = 6;
        /* fall through */
    case 13 ... 100000: /* huge */
        r += 7;
        break;
    case 100001 ... 100001: /* one value */
        r = 8;
        break;
    default:
        r = -1;
    }
    return r;
}

static int char_class(char ch)
{
    switch (ch) {
    case 'a' ... 'z':
        return 1;
    case 'A' ... 'Z':
        return 2;
    case '0' ... '9':
        return 3;
    case ' ':
    case '\t' ... '\r':
        return 4;
    case -128 ... -1: /* char is signed on x86-64 */
        return 5;
    case '.' ... '/':
        return 6;
    }
    return 0;
}

static int unsigned_class(unsigned u)
{
    switch (u) {
    case 0x7ffffff0u ... 0x80000010u: /* across INT_MAX: an unsigned comparison */
        return 1;
    case 0xfffffff0u ... 0xfffffff8u: /* small, near the top */
        return 2;
    case -3 ... 2: /* 4294967293 ... 2 as unsigned: empty */
        return 3;
    case 0 ... 10:
        return 4;
    case 3000000000u ... 4000000000u: /* huge, above INT_MAX */
        return 5;
    case 0xffffffffu:
        return 6;
    }
    return 0;
}

static int narrow_class(unsigned char c)
{
    switch (c) { /* promoted to int: the range past 255 is clamped by gcc, never matched */
    case 250 ... 300:
        return 1;
    case 1 ... 200:
        return 2;
    }
    return 3;
}

static int long_class(long v)
{
    switch (v) {
    case -5000000000L ... -1: /* wider than int */
        return 1;
    case 0 ... 3000000000L:
        return 2;
    case 3000000001L ... 3000000005L:
        return 3;
    default:
        return 4;
    }
}

static int nested(int a, int b)
{
    switch (a) {
    case 0 ... 9:
        switch (b) {
        case 0 ... 99:
            return 10 + a;
        case 100 ... 200000:
            return 20 + a;
        default:
            break;
        }
        /* fall through */
    case 10 ... 19:
        return 30;
    case 20 ... 1000:
        switch (b & 3) {
        case 0 ... 1:
            return 40;
        case 2:
            return 41;
        }
        return 42;
    }
    return 0;
}

static const int POINTS[] = {
    -1000002, -1000001, -1000000, -999999, -1002, -1001, -1000, -996, -995, -994, -4, -3,
    -2, 0, 2, 3, 4, 5, 6, 7, 8, 12, 13, 99999, 100000, 100001, 100002, 2000000,
};
static const unsigned UPOINTS[] = {
    0u, 2u, 10u, 11u, 0x7fffffefu, 0x7ffffff0u, 0x7fffffffu, 0x80000000u, 0x80000010u,
    0x80000011u, 2999999999u, 3000000000u, 4000000000u, 4000000001u, 0xffffffefu,
    0xfffffff0u, 0xfffffff8u, 0xfffffff9u, 0xfffffffdu, 0xffffffffu,
};

int f(int x, unsigned u, long big, int out[5])
{
    int jitter = x % 3; /* -2 ... 2 */
    unsigned h = 0;
    for (int i = 0; i < (int)(sizeof POINTS / sizeof POINTS[0]); i++)
        h = h * 31u + (unsigned)classify(POINTS[i] + jitter);
    out[0] = (int)(h >> 1);
    h = 0;
    for (int c = -128; c < 128; c++)
        h = h * 7u + (unsigned)char_class((char)c);
    out[1] = (int)(h >> 1) + char_class((char)x);
    h = 0;
    for (int i = 0; i < (int)(sizeof UPOINTS / sizeof UPOINTS[0]); i++)
        h = h * 7u + (unsigned)unsigned_class(UPOINTS[i] + (unsigned)jitter);
    out[2] = (int)(h >> 1) + 100 * unsigned_class(u);
    h = 0;
    for (int c = 0; c < 256; c++)
        h = h * 5u + (unsigned)narrow_class((unsigned char)c);
    out[3] = (int)(h >> 1) + 10 * long_class(big) + long_class(big / 3 + 3000000003L);
    h = 0;
    for (int a = -1; a < 1002; a += 7)
        for (int b = -1; b < 200002; b += 9973)
            h = h * 3u + (unsigned)nested(a, b);
    out[4] = (int)(h >> 1) + nested(x % 25, x);
    return classify(x) + 10 * classify(x / 20);
}

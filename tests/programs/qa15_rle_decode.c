/* QA: a run-length decoder over character data: encoded streams as string literals with
 * escapes ("3a\x02\x7f..."), counts as digits or as a byte after an escape marker, output into
 * a caller's char array and a local VLA, a histogram of the decoded bytes, a goto for the
 * truncated-input error, and each stream's name and expected length in a struct table. */
#pragma nsc entry(rle)
#pragma nsc range(which, 0, 5)
#pragma nsc range(limit, 1, 64)
#pragma nsc shape(out, 64)
#pragma nsc shape(hist, 4)

struct stream {
    const char *name;
    const char *data;
    int expect;
};

static const struct stream streams[] = {
    {"plain", "3a2b1c", 6},
    {"escaped", "\x1b\x05z4y\x1b\x03\x7f", 12},
    {"joined", "2q" "9w" "\x1b\x0a-", 21},
    {"truncated", "5x\x1b", -1},
    {"digits", "12ab", 13},
    {"utf8", "2\xc3\xa9", 3},
};

#define ESC '\x1b'

static int decode(const char *in, char *out, int limit, int *err)
{
    int n = 0;
    const char *p = in;
    while (*p) {
        int count = 0;
        if (*p == ESC) {
            if (!p[1] || !p[2])
                goto truncated;
            count = (unsigned char)p[1];
            p += 2;
        } else {
            while (*p >= '0' && *p <= '9')
                count = count * 10 + (*p++ - '0');
            if (!*p)
                goto truncated;
        }
        char c = *p++;
        while (count-- > 0 && n < limit)
            out[n++] = c;
    }
    *err = 0;
    return n;
truncated:
    *err = (int)(p - in) + 1;
    return n;
}

static void histogram(int n, const char text[n], long hist[4])
{
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        hist[c < 32 ? 0 : c < 'a' ? 1 : c <= 'z' ? 2 : 3]++;
    }
}

long rle(int which, int limit, char out[64], long hist[4])
{
    const struct stream *s = &streams[which];
    int err;
    int n = decode(s->data, out, limit, &err);
    char copy[n + 1];
    for (int i = 0; i < n; i++)
        copy[i] = out[i];
    copy[n] = '\0';
    histogram(n, copy, hist);
    long r = n * 1000L + err * 100 + (n == s->expect);
    return r + s->name[0] + (long)sizeof copy * 100000 + (long)sizeof "\x1b\x05" * 10000000;
}

/* String literals in compiled code: pointers into literals walked with `*p++`, a hand-written
 * strlen, tables of pointers and of rows (`char t[][4]`), character arrays initialized from
 * literals (sized by them, zero-filled, and one without its terminator), `sizeof "..."`,
 * adjacent literals joined after their escapes are decoded, UTF-8 text as bytes, and memcpy
 * from a literal. */
#include <string.h>

#pragma nsc entry(f)
#pragma nsc range(k, -50, 50)

static const char *names[] = {"zero", "one", "two", "three", "four"};
static const char digits[][6] = {"zero", "one", "two", "three", "four"};
static const char *const greeting = "hello";
static char banner[16] = "nsc";
static const unsigned char high[] = "\xff\200\x7f";

static long length(const char *s)
{
    long n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static long checksum(const char *p)
{
    long sum = 0;
    while (*p)
        sum = sum * 31 + (unsigned char)*p++;
    return sum;
}

long f(int k, char out[12])
{
    int i = (k < 0 ? -k : k) % 5;
    char word[] = "abc";
    char padded[8] = "xy";
    char exact[3] = "pqr";
    char joined[] = "\x41" "B" "\1" "23" "\101";
    const char *p = names[i];
    long r = length(p) * 1000 + length(digits[i]) * 100 + (long)sizeof word * 10;
    r += (long)sizeof "four" + (long)sizeof digits + (long)sizeof joined * 3;
    r += same(names[i], digits[i]) + same(p, "three") * 7 + same(greeting, "hello") * 11;
    r += checksum("caf\xc3\xa9 \t\\\"\'?") % 1000 + word[i % 4] + padded[i + 2] + exact[i % 3];
    r += joined[i] * 13 + high[i % 4] + "tab\tle"[i] + banner[i];
    for (int j = 0; j < 12; j++)
        out[j] = j < 8 ? padded[j] : "wxyz"[j - 8];
    out[10] = *("abc" + i % 3);
    memcpy(&out[4], "MN" + i % 2, 2);
    return r + digits[i][5] + (p[0] == 'o') * 1000000;
}

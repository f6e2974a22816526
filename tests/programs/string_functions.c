/* string.h's string functions (nsc compiles its own, linked in) on strings the inputs build:
 * a is filled from `codes` and cut at k, b is a with one letter changed, so they are often
 * equal or share a prefix; the letters include a byte above 127 (negative as char). glibc's
 * strcmp, strncmp and memcmp return the difference of the first bytes that differ (memcmp of
 * 2 to 15 bytes near a page's end returns -1 or 1, so only its sign is kept there); calls
 * whose arguments gcc knows are folded even at -O0, strcmp and memcmp to -1, 0 or 1. */
#include <string.h>

#pragma nsc entry(strings)
#pragma nsc range(codes, 0, 6)
#pragma nsc range(k, 0, 7)

static const char letters[] = "abcxyz\xe9";
static const char *const words[] = {"kernel", "kern", "", "ker", "zeta"};
static const char names[3][8] = {"alpha", "kernel", "zed"};
static const char motto[] = "kernel";

static long offset(const char *base, const char *p)
{
    return p ? (long)(p - base) : -1;
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

int strings(const int codes[8], int k, long lengths[8], int order[16], long found[10],
            char joined[24])
{
    char a[9], b[9], wide_a[20], wide_b[20];
    for (int i = 0; i < 8; i++)
        a[i] = letters[codes[i]];
    a[8] = 0;
    a[k] = 0;
    memcpy(b, a, sizeof b);
    b[k % 4] = letters[codes[7]];
    for (int i = 0; i < 20; i++)
        wide_a[i] = wide_b[i] = letters[(i + k) % 6];
    wide_b[15 + k % 4] = letters[codes[0]];
    const char *word = words[k % 5];

    lengths[0] = (long)strlen(a);
    lengths[1] = (long)strnlen(a, 3) + 10 * (long)strnlen(b, 9);
    lengths[2] = (long)strspn(a, "abc");
    lengths[3] = (long)strcspn(a, "xyz\xe9");
    lengths[4] = (long)strlen(word);
    lengths[5] = (long)strlen("kernel") + 100 * (long)strlen(motto + 2);
    lengths[6] = (long)strspn("kernel", "ekr") + 100 * (long)strcspn("kernel", "n");
    lengths[7] = (long)strlen(names[k % 3]);

    order[0] = strcmp(a, b);
    order[1] = strncmp(a, b, (size_t)k);
    order[2] = memcmp(a, b, 1);
    order[3] = memcmp(wide_a, wide_b, 16 + k % 4);
    order[4] = sign(memcmp(a, b, (size_t)k));
    order[5] = strcmp(a, word);
    order[6] = strcmp(word, b);
    order[7] = strncmp(word, a, 3);
    order[8] = strcmp("kernel", "kern");     /* gcc: 1; glibc: 101 */
    order[9] = strncmp("kernel", "kern", 6); /* gcc folds to glibc's 101 */
    order[10] = memcmp("abc", "abz", 3);      /* gcc: -1 */
    order[11] = strcmp(motto, "kerz");        /* a const array gcc knows: -1 */
    order[12] = strcmp(names[1], names[2]);
    order[13] = strcmp(words[1], "\xe9");     /* unsigned bytes: -1 */
    order[14] = strcmp(a, "");
    order[15] = strcmp("", b);

    found[0] = offset(a, strchr(a, 'x'));
    found[1] = offset(a, strrchr(a, 'a'));
    found[2] = offset(a, memchr(a, 'y', (size_t)k));
    found[3] = offset(a, strstr(a, "ab"));
    found[4] = offset(a, strpbrk(a, "yz"));
    found[5] = offset(a, strchr(a, 0));
    found[6] = offset(a, strchr(a, 'a' + 256));  /* converted to char */
    found[7] = offset(a, strrchr(a, 0xe9));       /* the byte above 127 */
    found[8] = offset(b, strstr(b, a));
    found[9] = offset(motto, strchr(motto, 'n'));

    memset(joined, '#', 24);
    strcpy(joined, a);
    strcat(joined, "-");
    strncat(joined, b, (size_t)k);
    strncpy(joined + 17, word, 7);
    return (int)strlen(joined);
}

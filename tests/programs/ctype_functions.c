/* ctype.h's classes (nsc compiles its own, linked in) as glibc computes them in the C locale:
 * each class function returns its bit of glibc's table (isalpha('a') is 1024, isgraph 32768),
 * the table covers -128..255 (EOF and the negative values of a signed char are 0, as are 128
 * to 255), and tolower and toupper map only ASCII letters (and -128..-2 to the unsigned char).
 * gcc replaces isdigit(c) by (unsigned)c - '0' <= 9 even at -O0, for any c; through a pointer
 * it is glibc's function (2048 for a digit). */
#include <ctype.h>

#pragma nsc entry(classify)
#pragma nsc range(c, -128, 255)
#pragma nsc range(codes, -128, 127)

static int count(const char *s, int (*test)(int))
{
    int n = 0;
    for (; *s; s++)
        n += test((unsigned char)*s) != 0;
    return n;
}

int classify(int c, const int codes[8], int bits[14], int counts[6], char mapped[9])
{
    bits[0] = isalnum(c);
    bits[1] = isalpha(c);
    bits[2] = isblank(c);
    bits[3] = iscntrl(c);
    bits[4] = isdigit(c);
    bits[5] = isgraph(c);
    bits[6] = islower(c);
    bits[7] = isprint(c);
    bits[8] = ispunct(c);
    bits[9] = isspace(c);
    bits[10] = isupper(c);
    bits[11] = isxdigit(c);
    bits[12] = tolower(c);
    bits[13] = toupper(c);

    char s[9];
    for (int i = 0; i < 8; i++)
        s[i] = (char)(codes[i] & 0x80 ? codes[i] : codes[i] % 96 + 32 * (i % 2));
    s[8] = 0;
    int (*digit)(int) = isdigit;
    counts[0] = count(s, isalpha) + 10 * count(s, digit);
    counts[1] = isdigit(c + 1000) + isdigit('7') + digit('7'); /* 0 + 1 + 2048 */
    counts[2] = isalpha('a') + isupper('A') + isspace(-1) + ispunct('!');
    counts[3] = isprint(s[0]) + isgraph(s[1]); /* a negative char reads the table's start */
    counts[4] = tolower(s[2]) + toupper(s[3]) * 1000;
    counts[5] = count(s, isspace) + 10 * count(s, iscntrl) + 100 * count(s, ispunct);
    for (int i = 0; i < 8; i++)
        mapped[i] = (char)(i % 2 ? toupper(s[i]) : tolower(s[i]));
    mapped[8] = 0;
    return isxdigit(s[4]) | isalnum(s[5]) | isblank(s[6]);
}

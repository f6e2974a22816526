/* nsc's character classes, compiled by nsc and linked into the programs that call them.
 *
 * The results are glibc's in the C locale: each class function returns its bit of glibc's
 * table (isalpha('a') is 1024, not 1), the table covers -128 to 255 (EOF, -1, and the values
 * a signed char takes are 0, as are 128 to 255), and tolower and toupper map the ASCII letters
 * and take -128 to -2 to the unsigned char (glibc's tables do). A class function's argument
 * outside -128..255 is undefined in C, and glibc reads past its table: here the read is out of
 * the table's bounds, which the oracle's checks make the row's status 2. glibc's tolower and
 * toupper return such an argument unchanged, and so do these. gcc replaces isdigit(c) by (unsigned)c - '0' <= 9 even at -O0, and so does
 * nsc (strcalls.py); the function here is what a pointer to isdigit calls.
 */
#include <ctype.h>

enum {
    BLANK = 1,
    CNTRL = 2,
    PUNCT = 4,
    ALNUM = 8,
    UPPER = 256,
    LOWER = 512,
    ALPHA = 1024,
    DIGIT = 2048,
    XDIGIT = 4096,
    SPACE = 8192,
    PRINT = 16384,
    GRAPH = 32768
};

#define CT CNTRL
#define SP (SPACE | CNTRL)
#define TB (BLANK | SPACE | CNTRL)
#define BL (PRINT | SPACE | BLANK)
#define PU (GRAPH | PRINT | PUNCT)
#define DI (GRAPH | PRINT | XDIGIT | DIGIT | ALNUM)
#define UX (GRAPH | PRINT | XDIGIT | ALPHA | UPPER | ALNUM)
#define UP (GRAPH | PRINT | ALPHA | UPPER | ALNUM)
#define LX (GRAPH | PRINT | XDIGIT | ALPHA | LOWER | ALNUM)
#define LO (GRAPH | PRINT | ALPHA | LOWER | ALNUM)

/* classes[c + 128] for c from -128 to 255 */
static const unsigned short classes[384] = {
    [128] = CT, CT, CT, CT, CT, CT, CT, CT, CT, TB, SP, SP, SP, SP, CT, CT,
    CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT,
    BL, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU, PU,
    DI, DI, DI, DI, DI, DI, DI, DI, DI, DI, PU, PU, PU, PU, PU, PU,
    PU, UX, UX, UX, UX, UX, UX, UP, UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, PU, PU, PU, PU, PU,
    PU, LX, LX, LX, LX, LX, LX, LO, LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, PU, PU, PU, PU, CT,
};

/* the row of c in the table: out of its bounds for c outside -128..255 (counted unsigned, so
 * nothing overflows) */
#define CLASSES(c) classes[(unsigned)(c) + 128u]

int isalnum(int c) { return CLASSES(c) & ALNUM; }
int isalpha(int c) { return CLASSES(c) & ALPHA; }
int isblank(int c) { return CLASSES(c) & BLANK; }
int iscntrl(int c) { return CLASSES(c) & CNTRL; }
int isdigit(int c) { return CLASSES(c) & DIGIT; }
int isgraph(int c) { return CLASSES(c) & GRAPH; }
int islower(int c) { return CLASSES(c) & LOWER; }
int isprint(int c) { return CLASSES(c) & PRINT; }
int ispunct(int c) { return CLASSES(c) & PUNCT; }
int isspace(int c) { return CLASSES(c) & SPACE; }
int isupper(int c) { return CLASSES(c) & UPPER; }
int isxdigit(int c) { return CLASSES(c) & XDIGIT; }

/* glibc's tolower and toupper: a table lookup for -128..255, the argument itself elsewhere */
#define IN_TABLE(c) ((unsigned)(c) + 128u < 384u)

int tolower(int c)
{
    if (!IN_TABLE(c))
        return c;
    if (CLASSES(c) & UPPER)
        return c + ('a' - 'A');
    return c == -1 ? c : c & 255;
}

int toupper(int c)
{
    if (!IN_TABLE(c))
        return c;
    if (CLASSES(c) & LOWER)
        return c - ('a' - 'A');
    return c == -1 ? c : c & 255;
}

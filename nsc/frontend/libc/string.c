/* nsc's string functions, compiled by nsc and linked into the programs that call them (each
 * program gets the functions it reaches, and strnlen and memchr, which the oracle's checks
 * call).
 *
 * The results are glibc's: strcmp, strncmp and memcmp return the difference of the first
 * bytes that differ, as unsigned char (glibc's memcmp returns -1 or 1 instead for 2 to 15
 * bytes that lie within 32 bytes of a page's end: addresses no program controls); strchr and
 * strrchr look for the character converted to char, memchr to unsigned char; strncpy pads
 * with zeros. Calls whose arguments gcc knows at compile time are folded in the code
 * generator instead (strcalls.py), as gcc folds them even at -O0.
 *
 * The pointer parameters of a helper are not checked (see the architecture notes): with the
 * checks on, the caller checks each string against the object it points into before the call.
 */
#include <string.h>

size_t strlen(const char *text)
{
    size_t count = 0;
    while (text[count])
        count++;
    return count;
}

size_t strnlen(const char *text, size_t most)
{
    size_t count = 0;
    while (count < most && text[count])
        count++;
    return count;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *p == *q) {
        p++;
        q++;
    }
    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t count)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (size_t i = 0; i < count; i++) {
        if (p[i] != q[i] || !p[i])
            return p[i] - q[i];
    }
    return 0;
}

int memcmp(const void *a, const void *b, size_t count)
{
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < count; i++) {
        if (p[i] != q[i])
            return p[i] - q[i];
    }
    return 0;
}

void *memchr(const void *memory, int value, size_t count)
{
    const unsigned char *p = memory;
    unsigned char wanted = (unsigned char)value;
    for (size_t i = 0; i < count; i++) {
        if (p[i] == wanted)
            return (void *)(p + i);
    }
    return NULL;
}

char *strchr(const char *text, int c)
{
    char wanted = (char)c;
    for (;; text++) {
        if (*text == wanted)
            return (char *)text;
        if (!*text)
            return NULL;
    }
}

char *strrchr(const char *text, int c)
{
    char wanted = (char)c;
    const char *found = NULL;
    for (;; text++) {
        if (*text == wanted)
            found = text;
        if (!*text)
            return (char *)found;
    }
}

char *strcpy(char *restrict dest, const char *restrict src)
{
    size_t i = 0;
    while ((dest[i] = src[i]) != 0)
        i++;
    return dest;
}

char *strncpy(char *restrict dest, const char *restrict src, size_t count)
{
    size_t i = 0;
    for (; i < count && src[i]; i++)
        dest[i] = src[i];
    for (; i < count; i++)
        dest[i] = 0;
    return dest;
}

char *strcat(char *restrict dest, const char *restrict src)
{
    strcpy(dest + strlen(dest), src);
    return dest;
}

char *strncat(char *restrict dest, const char *restrict src, size_t count)
{
    char *end = dest + strlen(dest);
    size_t i = 0;
    for (; i < count && src[i]; i++)
        end[i] = src[i];
    end[i] = 0;
    return dest;
}

char *strstr(const char *text, const char *part)
{
    for (;; text++) {
        size_t i = 0;
        while (part[i] && text[i] == part[i])
            i++;
        if (!part[i])
            return (char *)text;
        if (!*text)
            return NULL;
    }
}

size_t strspn(const char *text, const char *accept)
{
    size_t count = 0;
    while (text[count] && strchr(accept, text[count]))
        count++;
    return count;
}

size_t strcspn(const char *text, const char *reject)
{
    size_t count = 0;
    while (text[count] && !strchr(reject, text[count]))
        count++;
    return count;
}

char *strpbrk(const char *text, const char *accept)
{
    text += strcspn(text, accept);
    return *text ? (char *)text : NULL;
}

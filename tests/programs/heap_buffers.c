/* Scratch buffers on the heap: malloc, calloc and realloc sized from an input, filled through
 * subscripts and moving pointers, reduced and freed; a helper that returns a malloc'd block to
 * its caller; a growing and a shrinking realloc, realloc(NULL, n), free(NULL), calloc of no
 * bytes; memset on a block; div, ldiv and lldiv with negative operands. */
#pragma nsc entry(heap_stats)
#pragma nsc shape(x, 16)
#pragma nsc range(x, -4, 4)
#pragma nsc range(n, 1, 16)
#pragma nsc range(k, -50, 50)
#pragma nsc range(d, 1, 9)
#pragma nsc output(out)
#pragma nsc shape(out, 8)

#include <stdlib.h>
#include <string.h>

struct pair {
    double lo, hi;
};

static double *prefix_sums(const double *x, int n)
{
    double *s = malloc((size_t)n * sizeof *s);
    if (s == NULL)
        return NULL;
    double acc = 0.0;
    for (int i = 0; i < n; i++) {
        acc += x[i];
        s[i] = acc;
    }
    return s;
}

double heap_stats(const double x[16], int n, int k, int d, double out[8])
{
    double *w = malloc(n * sizeof *w);
    int *counts = calloc(n, sizeof(int));
    for (int i = 0; i < n; i++) {
        w[i] = x[i] * x[i];
        counts[i] += x[i] > 0.0;
    }
    w = realloc(w, 2 * n * sizeof *w); /* grows: the first n values are kept */
    for (double *p = w + n; p < w + 2 * n; p++)
        *p = -p[-n];
    double sum = 0.0;
    for (int i = 0; i < 2 * n; i++)
        sum += w[i] * (i + 1);
    free(w);

    double *s = prefix_sums(x, n);
    int positive = 0;
    for (int i = 0; i < n; i++)
        positive += counts[i];
    free(counts);
    out[0] = sum;
    out[1] = s[n - 1];
    out[2] = positive;
    free(s);

    struct pair *pairs = realloc(NULL, n * sizeof(struct pair));
    for (int i = 0; i < n; i++) {
        pairs[i].lo = x[i] < x[15 - i] ? x[i] : x[15 - i];
        pairs[i].hi = x[i] < x[15 - i] ? x[15 - i] : x[i];
    }
    double spread = 0.0;
    for (struct pair *p = pairs; p != pairs + n; ++p)
        spread += p->hi - p->lo;
    free(pairs);
    out[3] = spread;

    div_t q = div(k, -d);
    ldiv_t l = ldiv(-(long)k * 1000003L, d);
    lldiv_t ll = lldiv((long long)k * -7, (long long)d + 1);
    out[4] = q.quot * 10 + q.rem;
    out[5] = (double)l.quot + l.rem / 10.0;
    out[6] = (double)(ll.quot - ll.rem) + div(-k, d).rem + ldiv(k, -3L).quot;

    char *bytes = calloc(n, 1);
    memset(bytes, 'a' + n, n);
    bytes = realloc(bytes, 1); /* shrinks: the first byte is kept */
    out[7] = bytes[0];
    free(bytes);
    free(NULL);
    void *none = calloc(0, sizeof(double));
    double unique = none != NULL ? 0.5 : 0.0; /* glibc gives a block of no bytes */
    free(none);
    return unique;
}

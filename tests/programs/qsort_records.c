/* qsort and bsearch (nsc compiles its own, linked in): a median and a trimmed mean of nine
 * samples, records with equal keys (whose order shows whether the sort is glibc's: it is
 * stable), how many comparisons the sort made, and a binary search among equal keys. */
#include <stdlib.h>

#pragma nsc entry(stats)
#pragma nsc range(x, -4, 4)
#pragma nsc range(k, 0, 5)

struct record {
    int key;
    int id;
    double weight;
};

static int compared;

static int by_value(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    compared++;
    return (u > v) - (u < v);
}

static int by_key(const void *a, const void *b)
{
    const struct record *p = a, *q = b;
    return (p->key > q->key) - (p->key < q->key);
}

double stats(const double x[9], int k, double *trimmed, int order[7], int *comparisons,
             int *found)
{
    double t[9];
    for (int i = 0; i < 9; i++)
        t[i] = x[i];
    qsort(t, 9, sizeof t[0], by_value);
    *comparisons = compared;
    *trimmed = (t[2] + t[3] + t[4] + t[5] + t[6]) / 5.0;

    struct record r[7];
    for (int i = 0; i < 7; i++) {
        r[i].key = (int)(x[i] > 0) + (i * k) % 3;
        r[i].id = i;
        r[i].weight = x[i];
    }
    qsort(r, 7, sizeof r[0], by_key);
    for (int i = 0; i < 7; i++)
        order[i] = r[i].id;

    struct record probe = {k % 4, -1, 0.0};
    struct record *hit = bsearch(&probe, r, 7, sizeof r[0], by_key);
    *found = hit ? hit->id : -1;
    return t[4];
}

/* nsc's qsort, compiled by nsc and linked into the programs that call it.
 *
 * A stable top-down merge sort that splits and merges as glibc's qsort does for arrays that
 * fit in memory (the first half is n / 2 elements; of two equal elements the left one goes
 * first), so it calls the comparison on the same pairs in the same order and leaves the same
 * result, even for a comparison that is not a consistent order. If the scratch buffer cannot
 * be had, an insertion sort (stable too) does the work.
 */
#include <stdlib.h>
#include <string.h>

static void merge_sort(char *base, size_t count, size_t size,
                       int (*compare)(const void *, const void *), char *scratch)
{
    if (count <= 1)
        return;
    size_t left = count / 2, right = count - left;
    char *a = base, *b = base + left * size, *out = scratch;
    merge_sort(a, left, size, compare, scratch);
    merge_sort(b, right, size, compare, scratch);
    while (left > 0 && right > 0) {
        if (compare(a, b) <= 0) {
            memcpy(out, a, size);
            a += size;
            left--;
        } else {
            memcpy(out, b, size);
            b += size;
            right--;
        }
        out += size;
    }
    if (left > 0)
        memcpy(out, a, left * size);
    /* what is left of the right half is in place already */
    memcpy(base, scratch, (count - right) * size);
}

static void insertion_sort(char *base, size_t count, size_t size,
                           int (*compare)(const void *, const void *))
{
    for (size_t i = 1; i < count; i++) {
        for (size_t j = i; j > 0; j--) {
            char *a = base + (j - 1) * size, *b = base + j * size;
            if (compare(a, b) <= 0)
                break;
            for (size_t k = 0; k < size; k++) {
                char t = a[k];
                a[k] = b[k];
                b[k] = t;
            }
        }
    }
}

void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *))
{
    if (count <= 1 || size == 0)
        return;
    char *scratch = malloc(count * size);
    if (scratch == NULL) {
        insertion_sort(base, count, size, compare);
        return;
    }
    merge_sort(base, count, size, compare, scratch);
    free(scratch);
}

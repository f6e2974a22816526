/* A struct ending in a flexible array member, as a file that also fills one from malloc would
 * declare it: compiled code may use its size, alignment and other members (the elements
 * themselves live past the struct, in memory nsc's compiled code never allocates). */
#include <stddef.h>

#pragma nsc entry(f)
#pragma nsc range(x, -1, 1)

struct samples {
    char tag;
    int count;
    double values[];
};
struct bytes {
    short n;
    char data[];
};

double f(double x)
{
    struct samples head = {'s', 3};
    head.count += (int)(x * 10);
    return x * head.count + head.tag + sizeof(struct samples) + 100 * _Alignof(struct samples)
        + 1000 * sizeof(struct bytes) + 10000 * offsetof(struct samples, values)
        + 100000 * offsetof(struct bytes, data);
}

/* offsetof: members, nested members, array elements and anonymous union members, in enums,
 * static assertions, static tables and code; gcc's layout, padding included. And the size of
 * a member through a null pointer's cast, `sizeof(((T *)0)->m)`, in constants too. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 2)

#include <stddef.h>

struct Q {
    char c;
    double d;
};

struct P {
    double x;
    int k[3];
    struct Q q[2];
    union {
        float f;
        int n;
    };
    double y;
};

#define MEMBER_SIZE(type, member) sizeof(((type *)0)->member)

enum { OFF_Y = offsetof(struct P, y), K_SIZE = MEMBER_SIZE(struct P, k) };
static int by_size[MEMBER_SIZE(struct P, q[1].d) + sizeof(*(struct Q *)0)];
_Static_assert(offsetof(struct P, q[1].d) == 48, "gcc's layout");

static const size_t table[] = {offsetof(struct P, k[2]), offsetof(struct P, q[1].c),
                               offsetof(struct P, n)};

int f(int i)
{
    int sizes = K_SIZE * 10000 + (int)sizeof by_size + (int)MEMBER_SIZE(struct P, q);
    return (int)offsetof(struct P, y) * 1000 + OFF_Y * 100 + (int)table[i] + sizes * 7;
}

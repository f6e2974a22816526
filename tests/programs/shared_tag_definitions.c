/* One struct or enum definition shared by several declarators (`struct P {...} a, *p;`),
 * anonymous structs included (their declarators have the same type, so they assign), at file
 * scope, in blocks and in typedefs. */
#pragma nsc entry(f)
#pragma nsc range(x, -5.0, 5.0)
#pragma nsc range(k, 0, 3)

struct point {
    double x, y;
} origin, corners[2], *cursor;

struct {
    int hits;
    double weight;
} tally, saved;

typedef struct cell {
    double value;
    int tag;
} cell, *cell_ref;

enum mode { IDLE, RUN = 3, STOP } current, previous;

double f(double x, int k)
{
    struct pair {
        int lo, hi;
    } p = {k, 2 * k}, q, *pick = &q;
    struct {
        double v[2];
    } u = {{x, -x}}, w;
    cell c = {x, k};
    cell_ref ref = &c;
    corners[0].x = x;
    corners[1].y = 2.0 * x;
    cursor = &corners[k % 2];
    origin = *cursor;
    tally.hits = k;
    tally.weight = x * 0.5;
    saved = tally;
    q = p;
    w = u;
    current = k > 1 ? STOP : RUN;
    previous = IDLE;
    ref->value += 1.0;
    return origin.x + origin.y * 10.0 + saved.hits * 100.0 + saved.weight + pick->hi * 1000.0
        + w.v[1] + c.value * 3.0 + ref->tag + current * 10000.0 + previous;
}

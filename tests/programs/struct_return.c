/* Helpers that return structs by value, and struct assignment. */
#pragma nsc entry(f)
#pragma nsc range(a, -3.0, 3.0)
#pragma nsc range(b, -3.0, 3.0)

struct pair {
    float lo, hi;
    int swapped;
};

static struct pair order(float a, float b)
{
    struct pair p;
    p.swapped = a > b;
    p.lo = p.swapped ? b : a;
    p.hi = p.swapped ? a : b;
    return p;
}

float f(float a, float b)
{
    struct pair p = order(a, b);
    struct pair q = p;
    q.lo = -q.lo;
    return p.lo * 100.0f + p.hi * 10.0f + q.lo + (float)p.swapped * 1000.0f;
}

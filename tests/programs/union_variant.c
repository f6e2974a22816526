/* A variant record: a tag in a struct beside a union (named, and anonymous as in C11), arrays
 * of them, a union by value through helpers, a pointer to a union. */
#pragma nsc entry(f)
#pragma nsc range(x, -50.0, 50.0)
#pragma nsc range(k, 0, 1000)

enum kind { REAL, WHOLE, PAIR };

struct pair { short lo, hi; };

union payload {
    double real;
    long whole;
    struct pair pair;
};

struct value {
    enum kind kind;
    union payload as;
};

struct shape {
    int kind;
    union {
        float radius;
        struct { float w, h; };
    };
};

static struct value make(int k, double x)
{
    struct value v;
    v.as.whole = 0;
    v.kind = (enum kind)(k % 3);
    if (v.kind == REAL)
        v.as.real = x;
    else if (v.kind == WHOLE)
        v.as.whole = (long)(x * 1000.0);
    else {
        v.as.pair.lo = (short)k;
        v.as.pair.hi = (short)(x * 10.0);
    }
    return v;
}

static double value_of(struct value v)
{
    switch (v.kind) {
    case REAL: return v.as.real;
    case WHOLE: return v.as.whole / 1000.0;
    default: return v.as.pair.lo + v.as.pair.hi;
    }
}

static union payload scaled(union payload p, int times)
{
    p.whole *= times;
    return p;
}

static float area(const struct shape *s)
{
    return s->kind == 0 ? 3.0f * s->radius * s->radius : s->w * s->h;
}

double f(double x, int k, long *bits, float *areas)
{
    struct value vs[4];
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
        vs[i] = make(k + i, x + i);
        sum += value_of(vs[i]);
    }
    union payload p;
    p.whole = k;
    *bits = scaled(p, 3).whole + scaled(vs[1].as, 1).whole;
    struct shape shapes[2] = {{0, {(float)x}}, {.kind = 1, .w = (float)k, .h = 0.5f}};
    union payload *q = &vs[2].as;
    sum += q->pair.lo;
    for (int i = 0; i < 2; i++)
        areas[i] = area(&shapes[i]);
    return sum;
}

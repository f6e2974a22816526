/* Member access through pointers with ->, into an output struct. */
#pragma nsc entry(f)
#pragma nsc range(a, -10.0, 10.0)
#pragma nsc range(b, -10.0, 10.0)

struct stats {
    float min, max, mean;
    int count;
};

static void update(struct stats *s, float v)
{
    if (s->count == 0 || v < s->min)
        s->min = v;
    if (s->count == 0 || v > s->max)
        s->max = v;
    s->mean = (s->mean * s->count + v) / (s->count + 1);
    s->count++;
}

void f(float a, float b, struct stats *out)
{
    struct stats local = {0.0f, 0.0f, 0.0f, 0};
    struct stats *p = &local;
    update(p, a);
    update(p, b);
    update(p, a * b);
    *out = local;
}

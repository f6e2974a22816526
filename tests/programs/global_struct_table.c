/* A const global array of structs used as a lookup table. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 4)
#pragma nsc range(x, 0.0, 1.0)

struct segment {
    float start;
    float slope;
    int tag;
};

static const struct segment segments[5] = {
    {0.0f, 1.0f, 10}, {1.0f, 0.5f, 20}, {1.5f, -0.25f, 30}, {1.25f, 2.0f, 40}, {3.25f, 0.0f},
};

float f(int k, float x)
{
    const struct segment *s = &segments[k];
    return s->start + s->slope * x + (float)s->tag;
}

/* Nested struct copies are deep for arrays and shallow for pointers; copies are independent. */
#pragma nsc entry(f)
#pragma nsc range(a, -10.0, 10.0)

struct inner { float v[3]; int n; };
struct middle { struct inner in[2]; char c; };
struct outer { double d; struct middle m; struct inner *link; };

static struct inner scaled(struct inner x, float k)
{
    for (int i = 0; i < 3; i++)
        x.v[i] *= k;
    x.n += 1;
    return x;
}

static void touch(struct middle *m) { m->in[1] = scaled(m->in[0], 2.0f); }

double f(const float a[3], float *out)
{
    struct inner base = {{a[0], a[1], a[2]}, 1};
    struct outer o = {0.5, {{base, base}, 'x'}, &base};
    struct outer o2 = o;
    o2.m.in[0].v[0] = 99.0f;
    o2.link->n = 42;                       /* shared through the pointer */
    struct middle m = o2.m;
    touch(&m);
    struct inner copy = m.in[1];
    copy.v[2] = -1.0f;
    o.m.in[1] = scaled(o.m.in[1], -1.0f);
    *out = m.in[1].v[2] + copy.v[0];
    return o.m.in[0].v[0] + o2.m.in[0].v[0] * 10 + base.n * 100 + o.link->n * 1000
        + m.in[1].v[0] + m.in[1].n * 10000 + copy.v[2] + o.m.in[1].v[1] + o.m.in[1].n * 1e5
        + m.c + o2.d;
}

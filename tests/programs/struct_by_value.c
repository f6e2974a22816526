/* A struct parameter by value; the callee's copy may be modified freely. */
#pragma nsc entry(f)
#pragma nsc range(p, -2.0, 2.0)
#pragma nsc range(scale, 0, 4)

struct particle {
    float x, y;
    double mass;
    int id;
};

static float weight(struct particle q)
{
    q.x *= 2.0f;
    return q.x + q.y;
}

double f(struct particle p, int scale)
{
    float w = weight(p);
    p.mass *= scale;
    return w + p.mass + p.x + p.id;
}

/* Nested structs with an array member, passed by value. */
#pragma nsc entry(f)
#pragma nsc range(s, -3.0, 3.0)

struct vec {
    double x, y;
};

struct segment {
    struct vec from;
    struct vec to;
    float weights[2];
};

double f(struct segment s)
{
    double dx = s.to.x - s.from.x;
    double dy = s.to.y - s.from.y;
    return dx * dx + dy * dy + s.weights[0] * s.weights[1];
}

/* An input array of structs: the area of a pentagon by the shoelace formula. */
#pragma nsc entry(f)
#pragma nsc range(pts, -1.0, 1.0)

struct point {
    float x, y;
};

float f(const struct point pts[5])
{
    float area = 0.0f;
    for (int i = 0; i < 5; i++) {
        const struct point *a = &pts[i];
        const struct point *b = &pts[(i + 1) % 5];
        area += a->x * b->y - b->x * a->y;
    }
    return 0.5f * area;
}

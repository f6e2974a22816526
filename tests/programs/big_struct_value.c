/* A large struct by value: nested array of structs, a bool and a double, plus an inout array. */
#pragma nsc entry(f)
#pragma nsc inout(acc)
#pragma nsc range(s, -1.0, 1.0)
#pragma nsc range(acc, -5.0, 5.0)

struct rgb {
    float r, g, b;
};

struct palette {
    struct rgb colors[3];
    _Bool bright;
    double gamma;
    unsigned short count;
};

float f(struct palette s, double acc[3])
{
    float total = 0.0f;
    for (int i = 0; i < 3; i++) {
        float luma = 0.3f * s.colors[i].r + 0.6f * s.colors[i].g + 0.1f * s.colors[i].b;
        acc[i] = acc[i] * s.gamma + luma;
        total += s.bright ? luma : -luma;
    }
    return total + (float)s.count;
}

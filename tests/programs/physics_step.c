/* A physics step: a struct state advanced by integrators from a static table of function
 * pointers, a union for the sign and exponent bits, block-scope prototypes, goto cleanup. */
#pragma nsc entry(step)
#pragma nsc range(dt, 0.001, 0.1)
#pragma nsc range(scheme, 0, 2)
#pragma nsc range(steps, 0, 20)

#include <math.h>

struct body {
    double x, v;
    double mass;
};

typedef struct body (*integrator)(struct body, double);

union dbits {
    double d;
    unsigned long long u;
    struct {
        unsigned lo, hi;
    } w;
};

static double force(double x) { return -4.0 * x - 0.1 * x * x * x; }

static struct body euler(struct body b, double dt)
{
    double a = force(b.x) / b.mass;
    b.x += dt * b.v;
    b.v += dt * a;
    return b;
}

static struct body symplectic(struct body b, double dt)
{
    b.v += dt * force(b.x) / b.mass;
    b.x += dt * b.v;
    return b;
}

static struct body leapfrog(struct body b, double dt)
{
    double half = 0.5 * dt;
    b.v += half * force(b.x) / b.mass;
    b.x += dt * b.v;
    b.v += half * force(b.x) / b.mass;
    return b;
}

static const integrator schemes[] = {euler, symplectic, &leapfrog};

static int exponent_of(double d)
{
    union dbits bits;
    bits.d = d;
    return (int)((bits.w.hi >> 20) & 0x7ff) - 1023;
}

double step(double x0, double v0, double dt, int scheme, int steps, double out[3])
{
    double energy(struct body);
    struct body b = {x0, v0, 1.5};
    integrator f = schemes[scheme];
    int i = 0;
    if (steps <= 0)
        goto done;
again:
    b = f(b, dt);
    if (++i < steps)
        goto again;
done:
    out[0] = b.x;
    out[1] = b.v;
    out[2] = (double)exponent_of(b.x + 2.0);
    {
        union dbits s;
        s.d = b.v;
        s.u &= ~(1ULL << 63);
        return energy(b) + s.d;
    }
}

double energy(struct body b) { return 0.5 * b.mass * b.v * b.v + 2.0 * b.x * b.x; }

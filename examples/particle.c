/* One semi-implicit Euler step of a particle under gravity and linear drag, bouncing off the
 * floor y = 0 with restitution. The particle is updated in place. */
#pragma nsc entry(particle_step)
#pragma nsc inout(p)
#pragma nsc range(p, -1.0, 1.0)
#pragma nsc range(dt, 0.001, 0.05)

typedef struct {
    float x, y;
} vec2;

typedef struct {
    vec2 pos;
    vec2 vel;
} particle;

static const vec2 gravity = {0.0f, -9.81f};
static const float drag = 0.1f;
static const float restitution = 0.8f;

void particle_step(particle *p, float dt)
{
    p->vel.x += (gravity.x - drag * p->vel.x) * dt;
    p->vel.y += (gravity.y - drag * p->vel.y) * dt;
    p->pos.x += p->vel.x * dt;
    p->pos.y += p->vel.y * dt;
    if (p->pos.y < 0.0f) {
        p->pos.y = -p->pos.y * restitution;
        p->vel.y = -p->vel.y * restitution;
    }
}

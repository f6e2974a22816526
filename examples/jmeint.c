/* Triangle-triangle intersection test (AxBench "jmeint"), after Moller's interval method
 * ("A Fast Triangle-Triangle Intersection Test", 1997): returns 1 if the triangles
 * v[0..2] and v[3..5] intersect, else 0. Coplanar pairs use a 2D separating-axis test. */
#include <math.h>

#pragma nsc entry(jmeint)
#pragma nsc range(v, 0.0, 1.0)

#define EPS 1e-6f

typedef float vec3[3];

static void sub(const vec3 a, const vec3 b, vec3 out)
{
    for (int i = 0; i < 3; i++)
        out[i] = a[i] - b[i];
}

static void cross(const vec3 a, const vec3 b, vec3 out)
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static float dot(const vec3 a, const vec3 b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

/* Plane of triangle t (normal n, offset d) and signed distances of triangle u to it. */
static int distances(const float t[3][3], const float u[3][3], vec3 n, float dist[3])
{
    vec3 e1, e2;
    sub(t[1], t[0], e1);
    sub(t[2], t[0], e2);
    cross(e1, e2, n);
    float d = -dot(n, t[0]);
    for (int i = 0; i < 3; i++) {
        dist[i] = dot(n, u[i]) + d;
        if (fabsf(dist[i]) < EPS)
            dist[i] = 0.0f;
    }
    int same_side = dist[0] * dist[1] > 0.0f && dist[0] * dist[2] > 0.0f;
    return !same_side;
}

/* The interval where the triangle crosses the line; returns 0 if it lies in the plane. */
static int interval(const float p[3], const float d[3], float *lo, float *hi)
{
    int a;
    if (d[0] * d[1] > 0.0f) a = 2;
    else if (d[0] * d[2] > 0.0f) a = 1;
    else if (d[1] * d[2] > 0.0f || d[0] != 0.0f) a = 0;
    else if (d[1] != 0.0f) a = 1;
    else if (d[2] != 0.0f) a = 2;
    else return 0;
    int b = (a + 1) % 3, c = (a + 2) % 3;
    float t1 = p[b] + (p[a] - p[b]) * d[b] / (d[b] - d[a]);
    float t2 = p[c] + (p[a] - p[c]) * d[c] / (d[c] - d[a]);
    *lo = fminf(t1, t2);
    *hi = fmaxf(t1, t2);
    return 1;
}

/* Coplanar case: separating-axis test on the 2D projection dropping axis `drop`. */
static int overlap_2d(const float t[3][3], const float u[3][3], int drop)
{
    int i0 = drop == 0 ? 1 : 0, i1 = drop == 2 ? 1 : 2;
    for (int tri = 0; tri < 2; tri++) {
        const float (*s)[3] = tri ? u : t;
        for (int e = 0; e < 3; e++) {
            float ax = -(s[(e + 1) % 3][i1] - s[e][i1]), ay = s[(e + 1) % 3][i0] - s[e][i0];
            float min1 = 1e30f, max1 = -1e30f, min2 = 1e30f, max2 = -1e30f;
            for (int k = 0; k < 3; k++) {
                float q1 = ax * t[k][i0] + ay * t[k][i1], q2 = ax * u[k][i0] + ay * u[k][i1];
                min1 = fminf(min1, q1); max1 = fmaxf(max1, q1);
                min2 = fminf(min2, q2); max2 = fmaxf(max2, q2);
            }
            if (max1 < min2 || max2 < min1)
                return 0;
        }
    }
    return 1;
}

int jmeint(const float v[6][3])
{
    const float (*t)[3] = v, (*u)[3] = v + 3;
    vec3 n1, n2, dir;
    float du[3], dt[3], pt[3], pu[3];
    if (!distances(t, u, n1, du) || !distances(u, t, n2, dt))
        return 0;
    cross(n1, n2, dir);
    int axis = 0;
    float best = fabsf(dir[0]);
    for (int i = 1; i < 3; i++) {
        if (fabsf(dir[i]) > best) { best = fabsf(dir[i]); axis = i; }
    }
    for (int i = 0; i < 3; i++) {
        pt[i] = t[i][axis];
        pu[i] = u[i][axis];
    }
    float lo1, hi1, lo2, hi2;
    if (!interval(pt, dt, &lo1, &hi1) || !interval(pu, du, &lo2, &hi2)) {
        int drop = 0;
        for (int i = 1; i < 3; i++)
            if (fabsf(n1[i]) > fabsf(n1[drop])) drop = i;
        return overlap_2d(t, u, drop);
    }
    return !(hi1 < lo2 || hi2 < lo1);
}

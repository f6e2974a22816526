/* Inverse kinematics of a planar two-joint arm (AxBench "inversek2j").
 * Given the end effector at (x, y) and two links of length L1 and L2, find the joint angles. */
#include <math.h>

#pragma nsc entry(inversek2j)
#pragma nsc range(x, 0.1, 0.7)
#pragma nsc range(y, 0.1, 0.7)

#define L1 0.5f
#define L2 0.5f

void inversek2j(const float *x, const float *y, float *theta1, float *theta2)
{
    float px = *x, py = *y;
    float r2 = px * px + py * py;
    float c2 = (r2 - L1 * L1 - L2 * L2) / (2.0f * L1 * L2);
    float t2 = acosf(c2);
    float s1 = (py * (L1 + L2 * cosf(t2)) - px * L2 * sinf(t2)) / r2;
    *theta1 = asinf(s1);
    *theta2 = t2;
}

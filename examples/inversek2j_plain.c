/* inversek2j with plain (non-const) pointers, as older code writes it: compile with
 * `nscc inversek2j_plain.c --input x,y` so that x and y become inputs. Double precision. */
#include <math.h>

#pragma nsc entry(inversek2j)
#pragma nsc range(x, 0.1, 0.7)
#pragma nsc range(y, 0.1, 0.7)

static const double link1 = 0.5;
static const double link2 = 0.5;

void inversek2j(float *x, float *y, float *theta1, float *theta2)
{
    double r2 = (double)*x * *x + (double)*y * *y;
    double t2 = acos((r2 - link1 * link1 - link2 * link2) / (2.0 * link1 * link2));
    double k1 = link1 + link2 * cos(t2);
    double k2 = link2 * sin(t2);
    *theta1 = (float)(atan2(*y, *x) - atan2(k2, k1));
    *theta2 = (float)t2;
}

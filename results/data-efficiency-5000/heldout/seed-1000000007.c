#include <math.h>

#pragma nsc entry(approx)
#pragma nsc range(r, 1, 100)
#pragma nsc range(x, -1.5, 1.5)
#pragma nsc range(y, -1.5, 1.5)
#pragma nsc range(scale, 0.5, 2)

static double shape(double a)
{
    return 0.25 + a * (0.233439589 + a * (0.108988083 + a * (0.0339228445 + a * (0.00791893488 + a * 0.00147887432))));
}

double approx(double r, double x, double y, double scale)
{
    double h = shape(fmin(fmax(r > 57.5685 || r >= 50.8507 ? sqrt(r) : fmax(r, -0.7), -4.0), 4.0)) + r;
    double h2 = shape(h * 0.037);
    double h3 = shape(atan(h)) + fmin(-0.553, h);
    double h4 = shape(h2 * 0.46) + h3 * -2.37;
    double c2 = (x * x + y * y - 1.6033) / 1.6008;
    c2 = fmin(fmax(c2, -1.0), 1.0);
    double theta2 = acos(c2);
    double theta1 = atan2(y, x) - atan2(0.87 * sin(theta2), 0.92 + 0.87 * cos(theta2));
    return (h4 + 1.64 * theta1) * scale;
}

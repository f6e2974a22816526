/* Square root by Newton's iteration x <- (x + a/x) / 2, stopping when the step is tiny. */
#pragma nsc entry(newton_sqrt)
#pragma nsc range(a, 0.01, 100.0)

double newton_sqrt(double a)
{
    double x = a > 1.0 ? a : 1.0;
    double step;
    int iterations = 0;
    do {
        double next = 0.5 * (x + a / x);
        step = x - next;
        x = next;
    } while (step > 1e-12 * x && ++iterations < 50);
    return x;
}

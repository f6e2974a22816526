/* A scalar pointer marked inout, and a non-const pointer marked input by pragma. */
#pragma nsc entry(f)
#pragma nsc inout(acc)
#pragma nsc input(step)
#pragma nsc range(acc, -10.0, 10.0)
#pragma nsc range(step, 0.0, 1.0)
#pragma nsc range(n, 0, 10)

void f(double *acc, float *step, int n)
{
    for (int i = 0; i < n; i++)
        *acc += *step * i;
    *acc *= 0.5;
}

/* Conversions between 64-bit integers and floating types near the ends of their ranges. */
#pragma nsc entry(f)
#pragma nsc range(x, 9.2e18, 1.8e19)
#pragma nsc range(y, -9.2e18, 9.2e18)
#pragma nsc range(u, 9000000000000000000, 18000000000000000000)

void f(double x, double y, unsigned long long u, unsigned long long *to_u, long long *to_s,
       double *back, float *backf, double *limits)
{
    *to_u = (unsigned long long)x;
    *to_s = (long long)y;
    back[0] = (double)u;
    back[1] = (double)(long long)(u >> 1);
    back[2] = (double)(u | 1u);
    backf[0] = (float)u;
    backf[1] = (float)(long long)(u >> 1);
    backf[2] = (float)(u - 1);
    limits[0] = (double)18446744073709551615ULL;
    limits[1] = (double)(-9223372036854775807LL - 1);
    limits[2] = (double)9223372036854775807LL;
    limits[3] = (double)(unsigned long long)(float)x;
}

/* NaN and infinity from IEEE arithmetic; comparisons with NaN are false. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

int f(float x, float *nan_out, double *inf_out)
{
    float zero = x - x;
    float nan = zero / zero;
    double inf = 1.0 / (double)zero;
    *nan_out = nan;
    *inf_out = -inf;
    int r = (nan != nan) + (nan == nan) * 2 + (nan < 1.0f) * 4 + (nan > 1.0f) * 8;
    r += (inf > 1e308) * 16 + (-inf < x) * 32 + !(nan <= x) * 64;
    return r;
}

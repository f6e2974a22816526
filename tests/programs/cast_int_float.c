/* Large integers lose precision when converted to float and to double. */
#pragma nsc entry(f)
#pragma nsc range(a, -2000000000, 2000000000)
#pragma nsc range(b, -1000000000000000000, 1000000000000000000)

double f(int a, long long b)
{
    float fa = (float)a;
    double db = (double)b;
    float fb = (float)b;
    unsigned long long ub = (unsigned long long)(b < 0 ? -b : b);
    return ((double)fa - a) + (db - (double)(long long)db) + (double)fb * 1e-18 + (double)ub * 1e-18;
}

/* Compound assignments compute in the common type, then convert back to the target. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)
#pragma nsc range(x, -3.0, 3.0)

long long f(int a, double x, float *fo, double *dout)
{
    int i = a;
    i *= 2.5;
    i /= 0.75;
    i += x;
    unsigned u = 10;
    u += -3;
    u *= a;
    int neg = a;
    neg /= 2u;                       /* converts neg to unsigned first */
    char c = (char)a;
    c *= 3;
    c -= 100;
    short s = (short)a;
    s += 40000;
    unsigned char b = (unsigned char)a;
    b <<= 3;
    b >>= 1;
    long long ll = a * 1000003LL;
    ll *= 0.5;
    ll %= -7;
    _Bool flag = 0;
    flag += 2;
    _Bool off = 1;
    off -= 1;
    float f = 0.1f;
    f += 1e-9;                       /* done in double, then rounded to float */
    f *= x;
    double d = a;
    d /= 3;
    d -= f;
    *fo = f;
    *dout = d;
    return i + u * 3LL + neg + c * 7 + s * 11 + b * 13 + ll * 17 + flag * 19 + off * 23;
}

/* Conversion to _Bool yields 0 or 1 for any nonzero value, including fractions. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(k, -8, 8)

_Bool f(float x, int k)
{
    _Bool a = x * 0.001f;
    _Bool b = k & 4;
    _Bool c = (_Bool)0.25;
    _Bool d = k;
    int sum = a + b + c + d;
    return sum == 3;
}

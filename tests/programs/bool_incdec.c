/* ++ and -- on _Bool: increment always gives 1, decrement toggles. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 1)
#pragma nsc range(k, -3, 3)

int f(_Bool a, int k)
{
    _Bool b = a;
    b--;
    _Bool c = a;
    c++;
    _Bool d = a;
    d += k;
    _Bool e = a;
    e -= 1;
    float fb = a;
    return b + c * 2 + d * 4 + e * 8 + (int)(fb * 16.0f);
}

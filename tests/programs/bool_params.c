/* _Bool parameters and arithmetic on them. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 1)
#pragma nsc range(b, 0, 1)
#pragma nsc range(x, -50, 50)

int f(_Bool a, _Bool b, int x)
{
    _Bool both = a && b;
    _Bool either = a || b;
    int r = a + b * 2 + both * 4 + either * 8;
    if (!a)
        r -= x;
    return r + (a ^ b) * 100 + (_Bool)x * 1000;
}

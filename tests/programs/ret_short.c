/* Returns short: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -2000, 2000)

short f(int a)
{
    return (short)(a * 13);
}

/* Returns unsigned short: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -70000, 70000)

unsigned short f(int a)
{
    return (unsigned short)(a * 1000);
}

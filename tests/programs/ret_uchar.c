/* Returns unsigned char: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 1000)

unsigned char f(int a)
{
    return (unsigned char)(a * 7);
}

/* Returns signed char: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -40, 40)

signed char f(int a)
{
    return (signed char)(a * 3 + 1);
}

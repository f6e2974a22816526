/* Returns long: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)

long f(int a)
{
    return (long)a * 5000000000L;
}

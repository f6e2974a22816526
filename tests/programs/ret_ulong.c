/* Returns unsigned long: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000000, 1000000)

unsigned long f(int a)
{
    return (unsigned long)a * 0x9e3779b97f4a7c15UL;
}

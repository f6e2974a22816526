/* Returns unsigned: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)

unsigned f(int a)
{
    return (unsigned)a * 3000000u;
}

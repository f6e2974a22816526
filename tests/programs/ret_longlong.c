/* Returns long long: the value converts (and wraps where unsigned or narrowing) on return. */
#pragma nsc entry(f)
#pragma nsc range(a, -100000, 100000)

long long f(int a)
{
    return -(long long)a * a * a;
}

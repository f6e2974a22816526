/* Left and right shifts of signed and unsigned values (negative >> is arithmetic in gcc). */
#pragma nsc entry(f)
#pragma nsc range(a, -100000, 100000)
#pragma nsc range(s, 0, 12)

long long f(int a, int s)
{
    unsigned u = (unsigned)a;
    int left = (a & 0xffff) << s;
    int right = a >> s;
    unsigned uright = u >> s;
    long long wide = (long long)(a & 0xfffff) << (s + 20);
    return left + right + uright + (wide >> 3) + (1u << (31 - s));
}

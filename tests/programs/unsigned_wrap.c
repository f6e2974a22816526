/* Unsigned arithmetic wraps modulo 2^32. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 4000000000)
#pragma nsc range(b, 0, 4000000000)

unsigned f(unsigned a, unsigned b)
{
    unsigned d = a - b;
    unsigned p = a * b;
    unsigned s = a + b + 7u;
    return d ^ (p >> 3) ^ (s << 1);
}

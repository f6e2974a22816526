/* Bitwise and, or, xor and complement on signed and unsigned ints. */
#pragma nsc entry(f)
#pragma nsc range(a, -2147483648, 2147483647)
#pragma nsc range(b, 0, 4294967295)

unsigned f(int a, unsigned b)
{
    int m = a & 0x0f0f0f0f;
    int o = a | 0x100;
    unsigned x = (unsigned)a ^ b;
    unsigned n = ~b;
    return (unsigned)m + (unsigned)o * 3u + x + (n & 0xff00u) + (unsigned)(~a & 7);
}

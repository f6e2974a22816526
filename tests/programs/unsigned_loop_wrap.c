/* Loops whose unsigned counters wrap around. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 255)
#pragma nsc range(b, 0, 40)

unsigned long long f(int a, int b)
{
    unsigned long long r = 0;
    int steps = 0;
    for (unsigned char c = (unsigned char)a; c != (unsigned char)(a + 20); c++) {
        r += c;
        steps++;
    }
    for (unsigned i = (unsigned)b; i < 100u; i -= 7u)   /* stops when i wraps past zero */
        r += i * 3u;
    unsigned short h = 65530;
    for (int k = 0; k < b; k++)
        h += 3;
    unsigned m = 0;
    do {
        m -= 0x10000000u;
        steps++;
    } while (m != 0);
    unsigned long long z = 0;
    z -= (unsigned long long)b;
    unsigned long n;
    for (n = 5; n-- > 0;)
        r += n;
    return r * 1000 + steps + h + (z >> 32) + n;
}

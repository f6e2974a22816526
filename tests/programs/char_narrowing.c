/* Narrowing to char and short wraps (gcc's implementation-defined behaviour, which nsc follows). */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)

int f(int a)
{
    signed char c = 100;
    c += a;
    short s = 30000;
    s += a * 10;
    char plain = (char)(a * 3);
    unsigned char u = (unsigned char)-a;
    c = (signed char)(c * 2);
    return c + s * 1000 + plain * 7 + u * 3;
}

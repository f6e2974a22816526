/* char operands promote to int before arithmetic: no wraparound at 8 bits. */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)
#pragma nsc range(b, -100, 100)

int f(signed char a, signed char b)
{
    int product = a * b;
    int shifted = (a & 0x7f) << 2;
    signed char narrowed = (signed char)(a + b);
    return product + shifted * 1000 + narrowed * 100000;
}

/* short and unsigned short arithmetic, narrowing back to 16 bits. */
#pragma nsc entry(f)
#pragma nsc range(a, -30000, 30000)
#pragma nsc range(b, 0, 65535)

short f(short a, unsigned short b)
{
    int wide = a * 3 + b;
    unsigned short u = (unsigned short)(a + b);
    short s = (short)wide;
    return (short)(s ^ (short)(u >> 4));
}

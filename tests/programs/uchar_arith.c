/* unsigned char wraps when stored back; intermediate results are int. */
#pragma nsc entry(f)
#pragma nsc range(a, 0, 255)
#pragma nsc range(b, 0, 255)

unsigned char f(unsigned char a, unsigned char b)
{
    unsigned char c = a + b;
    int wide = a + b;
    unsigned char d = c * 3;
    return (unsigned char)(d + (wide > 255) + (unsigned char)~a);
}

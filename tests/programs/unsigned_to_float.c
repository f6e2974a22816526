/* Unsigned integers convert to floating point by value, never as if signed. */
#pragma nsc entry(f)
#pragma nsc range(u, 0, 4294967295)
#pragma nsc range(c, 0, 255)
#pragma nsc range(big, 0, 18000000000000000000)

double f(unsigned u, unsigned char c, unsigned long long big, float *fu)
{
    *fu = (float)u + (float)c;
    unsigned short s = (unsigned short)(c * 250);
    double back = (double)(unsigned long long)((double)big * 0.75);
    return (double)u + c + (double)s * 1e-3 + (double)big * 1e-10 + back * 1e-12;
}

/* float -> unsigned types for values in range. */
#pragma nsc entry(f)
#pragma nsc range(x, 0.0, 4000000000.0)
#pragma nsc range(y, 0.0, 255.9)

unsigned f(double x, float y)
{
    unsigned u = (unsigned)x;
    unsigned char c = (unsigned char)y;
    unsigned short s = (unsigned short)(y * 200.0f);
    unsigned long long w = (unsigned long long)(x * 1000.0);
    return u / 2u + c + s + (unsigned)(w % 1000u);
}

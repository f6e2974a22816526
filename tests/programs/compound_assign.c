/* Every compound assignment operator, including float operands on an int target. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)
#pragma nsc range(b, 1, 9)
#pragma nsc range(x, -2.0, 2.0)

int f(int a, int b, float x)
{
    int i = a;
    i += b;
    i -= 3;
    i *= b;
    i /= 2;
    i %= 1000;
    int j = a & 0xff;
    j <<= b;
    j >>= 1;
    j &= 0x3ff0;
    j |= 5;
    j ^= b;
    int k = a;
    k *= x;
    k += 0.75;
    unsigned char c = 250;
    c += b;
    return i + j * 3 + k * 7 + c;
}

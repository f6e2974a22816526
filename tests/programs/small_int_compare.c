/* Small unsigned types promote to (signed) int; unsigned int does not. */
#pragma nsc entry(f)
#pragma nsc range(c, 0, 255)
#pragma nsc range(s, -128, 127)

int f(unsigned char c, signed char s)
{
    unsigned u = c;
    int r = (c > -1) + (u > -1) * 2 + (c > s) * 4 + (~c < 0) * 8;
    r += ((~c >> 2) & 0xff) * 16 + ((unsigned char)~c) * 4096;
    r += (int)sizeof(c + c) * 1048576;
    signed char t = (signed char)c;
    return r + (t < 0) * 16777216;
}

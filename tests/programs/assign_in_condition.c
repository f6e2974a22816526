/* Assignments used as values in conditions and chains. */
#pragma nsc entry(f)
#pragma nsc range(x, 1, 100000)

int f(int x)
{
    int bits = 0, a, b, c;
    while ((x >>= 1) != 0)
        bits++;
    a = b = c = bits;
    if ((a += 2) > 5)
        b *= 2;
    return a * 10000 + b * 100 + c;
}

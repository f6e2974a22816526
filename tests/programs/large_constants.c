/* The types of large integer constants: decimal goes to long, hex may go to unsigned. */
#pragma nsc entry(f)
#pragma nsc range(a, -3, 3)

long long f(int a)
{
    long long r = (-2147483648 < 0) + (-0x80000000 > 0) * 2 + (0xffffffff > 0) * 4;
    r += (long long)sizeof(2147483648) * 8 + (long long)sizeof(0x7fffffff) * 100;
    r += (long long)sizeof(4294967295u) * 1000 + (-1LL < 1ULL) * 100000;
    r += (long long)'\xff' * 1000000 + (long long)(unsigned char)'\xff' * 10000000;
    return r * a;
}

/* The type of an integer literal depends on its value, base and suffix (C99 6.4.4.1). */
#pragma nsc entry(f)
#pragma nsc range(a, -3, 3)

long long f(int a)
{
    long long r = 0;
    r += sizeof(2147483647) + sizeof(2147483648) * 10 + sizeof(0x7fffffff) * 100;
    r += sizeof(0x80000000) * 1000 + sizeof(0xffffffffffffffff) * 10000 + sizeof(1u) * 100000;
    r = r * 7 + (-2147483648 < 0) + (-0x80000000 < 0) * 2 + (0xffffffff + 1 == 0) * 4;
    r = r * 7 + (4294967295u + 1u == 0) + (4294967296 > 0) * 2 + (-1 > 0u) * 4 + (-1 > 0UL) * 8;
    r = r * 7 + (017 == 15) + ('\377' == -1) * 2 + ('\x80' < 0) * 4 + (0xFFu * a);
    r = r * 100 + (long long)(9223372036854775807 / 1000000000000000LL) + (a < 0x80000000);
    r = r * 3 + (a * 0xffffffffu > 100u) + ((a + 0L) * 0xffffffffu > 100);
    return r;
}

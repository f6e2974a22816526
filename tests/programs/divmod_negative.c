/* Division truncates toward zero; the remainder takes the dividend's sign. */
#pragma nsc entry(f)
#pragma nsc range(a, -1000, 1000)
#pragma nsc range(b, 1, 50)

int f(int a, int b)
{
    int q1 = a / b, r1 = a % b;
    int q2 = a / -b, r2 = a % -b;
    unsigned uq = (unsigned)(a + 1000) / (unsigned)b;
    return q1 * 1000000 + r1 * 10000 + q2 * 100 + r2 + (int)uq;
}

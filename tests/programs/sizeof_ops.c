/* sizeof on types, expressions, arrays and padded structs (x86-64 LP64). */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)

struct padded {
    char c;
    double d;
    short s;
};

int f(int a)
{
    int arr[7];
    double m[3][5];
    struct padded p;
    int n = (int)(sizeof arr / sizeof arr[0]);
    int total = (int)(sizeof(char) + sizeof(short) * 10 + sizeof(int) * 100 + sizeof(long) * 1000);
    total += (int)sizeof(struct padded) * 10000 + (int)sizeof p.s * 100000;
    total += (int)(sizeof m / sizeof m[0]) + (int)sizeof(m[0]) * 3;
    total += (int)sizeof(a + 1.0f) * 7 + (int)sizeof(_Bool);
    return total + n * a;
}

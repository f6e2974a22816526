/* Local arrays and structs with partial initializers are zero-filled; static locals start at 0. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 5)
#pragma nsc range(x, -1.0, 1.0)

struct triple {
    int a;
    float b;
    double c;
};

double f(int k, float x)
{
    int a[6] = {7, 8};
    float m[2][3] = {{x}, {1.0f, 2.0f}};
    struct triple t = {k};
    struct triple ts[2] = {{1, 2.0f}, {3}};
    static int never_written;
    const double weights[] = {0.5, 0.25, 0.125};
    return a[k] + m[0][1] + m[0][0] + m[1][1] + t.a + t.b + t.c + ts[1].a + ts[1].b
         + never_written + weights[k % 3] + (double)(sizeof weights / sizeof weights[0]);
}

/* Logical not and relational operators yield int 0 or 1, on ints, floats and pointers. */
#pragma nsc entry(f)
#pragma nsc range(a, -3, 3)
#pragma nsc range(x, -1.0, 1.0)

int f(int a, float x)
{
    int v[2] = {0, 1};
    int *p = a > 0 ? v : 0;
    int r = !a + !!a * 2 + !x * 4 + (!p) * 8 + (a > x) * 16 + ((a == 0) == (x < 0)) * 32;
    r += (a != 0 && x != 0.0f) * 64 + (a < 0 || !(x > 0)) * 128;
    return r;
}

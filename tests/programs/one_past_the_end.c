/* `&a[n]` is the address one past the end of an array: valid to form and compare, as long as
 * nothing is read through it (the bounds checks must allow it). */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)

struct buf { int n; int v[4]; };

static int sum_range(const int *p, const int *end)
{
    int s = 0;
    while (p != end)
        s += *p++;
    return s;
}

int f(const int a[6], int m[2][3])
{
    int local[5] = {1, 2, 3, 4, 5};
    int s = 0;
    for (const int *p = a; p < &a[6]; p++)
        s += *p;
    for (int *q = &local[0]; q != &local[5]; q++)
        s += *q * 10;
    struct buf b = {4, {a[0], a[1], a[2], a[3]}};
    s += sum_range(b.v, &b.v[4]) * 100;
    for (int i = 0; i < 2; i++)
        for (int *q = &m[i][0]; q < &m[i][3]; q++)
            *q = (int)(q - &m[i][0]) + i * 10;
    return s + (int)(&local[5] - local) * 1000;
}

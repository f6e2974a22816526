/* Several declarators in one declaration, with pointers and arrays mixed. */
#pragma nsc entry(f)
#pragma nsc range(a, -50, 50)

int f(int a)
{
    int x = a, *p = &x, arr[3] = {a, a + 1, a + 2}, y;
    y = *p + arr[2];
    float g = 0.5f, h[2] = {1.5f};
    *p = 7;
    ;
    for (int i = 0; i < 3; i++)
        ;
    {
    }
    return x * 1000 + y * 10 + (int)(g + h[0] + h[1]);
}

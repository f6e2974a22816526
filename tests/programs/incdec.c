/* Pre/post increment and decrement on ints, floats, pointers and array elements. */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)
#pragma nsc range(x, -1.0, 1.0)

float f(int a, float x)
{
    int v[4] = {a, a + 1, a + 2, a + 3};
    int *p = v;
    int i = a;
    int pre = ++i;
    int post = i++;
    float y = x;
    y++;
    --y;
    float z = y--;
    int w = *p++;
    w += *++p;
    v[3]++;
    --v[0];
    return pre * 10 + post + i + y + z + w + v[3] + v[0] + (int)(p - v);
}

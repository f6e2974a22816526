/* && and || evaluate their right operand only when needed; side effects show it. */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)
#pragma nsc range(b, -5, 5)

static int counter;

static int bump(int v)
{
    counter += 1;
    return v;
}

int f(int a, int b)
{
    int n = 0;
    counter = 0;
    if (a > 0 && ++n > 0 && b > 0)
        n += 10;
    if (a < 0 || n++)
        n += 100;
    int t = bump(a) || bump(b);
    int u = bump(a) && bump(b);
    return n + t * 1000 + u * 2000 + counter * 10000;
}

/* Block scopes and shadowing: inner declarations hide outer ones until the block ends. */
#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)

static int x = 1000;

int f(int x)
{
    int r = x;
    {
        int x = 5;
        r += x;
        {
            double x = 0.5;
            r += (int)(x * 4);
        }
        r += x * 10;
    }
    for (int x = 0; x < 3; x++)
        r += x;
    if (r) {
        int r = 1;
        x += r;
    }
    return r * 1000 + x;
}

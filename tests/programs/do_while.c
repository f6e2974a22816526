/* do-while runs its body at least once. */
#pragma nsc entry(f)
#pragma nsc range(n, -3, 30)

int f(int n)
{
    int steps = 0;
    int x = n;
    do {
        x = x / 2;
        steps++;
    } while (x > 0);
    int once = 0;
    do
        once += 10;
    while (0);
    return steps * 100 + once + x;
}

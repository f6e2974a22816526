/* A static local shared by all levels of a recursion; reset by the caller each row. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 12)

static int depth_counter(int n, int reset)
{
    static int visits;
    if (reset) {
        visits = 0;
        return 0;
    }
    visits++;
    if (n > 0)
        depth_counter(n - 1, 0);
    if (n > 1)
        depth_counter(n - 2, 0);
    return visits;
}

int f(int n)
{
    depth_counter(0, 1);
    return depth_counter(n, 0);
}

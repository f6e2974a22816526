/* A static local keeps its value between calls. The oracle and gcc run every row in one
 * process, so only differences between calls within one row are returned: deterministic. */
#pragma nsc entry(f)
#pragma nsc range(a, -50, 50)

static int next_id(void)
{
    static int id = 100;
    return id++;
}

static int remember(int v)
{
    static int last;
    int previous = last;
    last = v;
    return previous;
}

int f(int a)
{
    int first = next_id();
    int second = next_id();
    int third = next_id();
    remember(a);
    int back = remember(a * 2);
    return (second - first) * 1000 + (third - first) * 100 + back;
}

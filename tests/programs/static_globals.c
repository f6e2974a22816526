/* Static (internal) globals that the entry writes and reads back within one call. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

static float history[4];
static int head = 0;

static void push(float v)
{
    history[head] = v;
    head = (head + 1) % 4;
}

float f(float x)
{
    head = 0;
    for (int i = 0; i < 6; i++)
        push(x * (float)i);
    return history[0] + history[1] * 10.0f + history[2] * 100.0f + (float)head;
}

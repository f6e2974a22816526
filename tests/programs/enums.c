/* Enumerations: implicit and explicit values, used as ints and in a switch. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 9)

enum color { RED, GREEN = 5, BLUE, ALPHA = BLUE * 2 };

static enum color pick(int k)
{
    return k < 3 ? RED : k < 6 ? GREEN : BLUE;
}

int f(int k)
{
    enum color c = pick(k);
    int r = 0;
    switch (c) {
    case RED: r = 1; break;
    case GREEN: r = 2; break;
    case BLUE: r = ALPHA; break;
    default: r = -1;
    }
    return r * 100 + c + (int)sizeof(enum color);
}

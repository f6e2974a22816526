/* Case labels inside a loop body (Duff's device) and inside nested blocks of a switch. */
#pragma nsc entry(f)
#pragma nsc range(src, -100, 100)
#pragma nsc range(n, 1, 13)
#pragma nsc range(k, -3, 6)

static int copy_count(const int *from, int *to, int count)
{
    int steps = 0;
    int rounds = (count + 3) / 4;
    switch (count % 4) {
    case 0:
        do {
            *to++ = *from++;
            steps++;
        case 3:
            *to++ = *from++ * 2;
        case 2:
            *to++ = *from++ * 3;
        case 1:
            *to++ = *from++ * 4;
        } while (--rounds > 0);
    }
    return steps;
}

int f(const int src[13], int n, int k, int dst[13])
{
    for (int i = 0; i < 13; i++)
        dst[i] = 0;
    int r = copy_count(src, dst, n);
    switch (k) {
        int t;
    case -1:
        t = 5;
        {
            r += t;
        case 0:
            r += 10;
            if (k == 0)
                break;
        }
        r += 100;
    case 1:
        for (int i = 0; i < 3; i++) {
            if (i == k)
                continue;
            r += 1000;
        }
        break;
    default:
        r -= 1;
    }
    return r;
}

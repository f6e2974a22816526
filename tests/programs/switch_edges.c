/* switch on narrow, unsigned and 64-bit values; constant-expression labels; a default in the
 * middle that falls through; break and continue from a switch inside a loop. */
#pragma nsc entry(f)
#pragma nsc range(k, -300, 300)

enum color { RED = -2, GREEN, BLUE = 'b' };

long long f(int k)
{
    long long r = 0;
    unsigned char uc = (unsigned char)k;
    switch (uc) {
    case -1:                 /* converts to int -1: never matches an unsigned char */
        r += 1;
        break;
    case 255:
        r += 2;
        break;
    case 'a' + 1:
        r += 3;
    }
    switch ((unsigned)k) {
    case 0xffffffffu:
        r += 10;
        break;
    case sizeof(long) * 2:
        r += 20;
    default:
        r += 30;
    case 5:
        r += 40;
        break;
    }
    switch ((long long)k * 100000000LL) {
    case -100000000LL:
        r += 100;
        break;
    case 20000000000LL:
        r += 200;
        break;
    }
    switch ((enum color)(k % 4 - 2)) {
    case RED: r += 1000; break;
    case GREEN: r += 2000; break;
    case BLUE: r += 3000; break;
    default: r += 4000;
    }
    for (int i = 0; i < 6; i++) {
        switch ((i + k) & 3) {
        case 0:
            continue;
        case 1:
            r += 10000;
            break;
        default:
            if (i == 4)
                break;
            r += 100000;
        }
        r += 1000000;
    }
    switch ((char)k) { default: r += 7; }
    switch (k) { }
    return r;
}

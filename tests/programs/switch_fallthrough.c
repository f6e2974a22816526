/* switch with fallthrough, a default in the middle and cases after it. */
#pragma nsc entry(f)
#pragma nsc range(k, -2, 9)

int f(int k)
{
    int r = 0;
    switch (k) {
    case 0:
        r += 1;
    case 1:
        r += 10;
        break;
    case 2:
    case 3:
        r += 100;
    default:
        r += 1000;
    case 7:
        r += 10000;
        break;
    case 8:
        return -8;
    }
    return r;
}

/* break and continue bind to the innermost loop or switch: `continue` inside `do {} while (0)`
 * ends that do-while, `break` in a switch leaves only the switch, for(;;) and while (1). */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 12)

int f(int n)
{
    int r = 0;
    for (int i = 0; i < n; i++) {
        do {
            if (i % 3 == 0)
                continue;          /* goes to the do-while condition, which is false */
            r += 1;
        } while (0);
        r += 10;
    }
    int j = 0;
    for (;;) {
        if (j >= n)
            break;
        switch (j % 4) {
        case 0:
            j += 1;
            continue;              /* the for loop: the switch has no continue */
        case 1:
            r += 100;
            break;                 /* the switch only */
        default:
            while (1) {
                r += 1000;
                if (++j % 4 == 3)
                    break;
            }
        }
        j++;
    }
    int k = n;
    while (k--)
        if (k == 5)
            break;
    int m = 0;
    do
        m += 2;
    while (m < n);
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            if (b == a)
                continue;
            if (a + b > n)
                break;
            r += 10000;
        }
    return r + k * 1000000 + m * 10000000;
}

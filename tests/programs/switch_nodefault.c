/* switch without default, on a char, with a nested loop and continue inside. */
#pragma nsc entry(f)
#pragma nsc range(c, 0, 127)

int f(char c)
{
    int r = 0;
    for (int i = 0; i < 4; i++) {
        switch (c % 5) {
        case 0:
            continue;
        case 1:
            r += i;
            break;
        case 3:
            r -= i;
        }
        r += 1;
    }
    return r;
}

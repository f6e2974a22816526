/* continue in a do-while jumps to the loop condition, not to the top of the body. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 20)

int f(int n)
{
    int i = 0, sum = 0, visits = 0;
    do {
        visits++;
        i++;
        if (i % 3 == 0)
            continue;
        sum += i;
    } while (i < n);
    int j = 0;
    for (;;) {
        if (++j > n)
            break;
        switch (j % 4) {
        case 1:
            break;
        default:
            sum += 100;
        }
    }
    return sum * 100 + visits;
}

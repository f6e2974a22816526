/* Printing from compiled code: nsc evaluates the arguments of printf, fprintf, puts and the
   like (their side effects happen) and prints nothing; gcc prints, and the differential
   harness reads its outputs from a file of their own, not from what the program prints. */
#include <stdio.h>
#pragma nsc entry(f)
#pragma nsc range(n, 0, 20)
#pragma nsc range(x, -4, 4)

static int noisy(int k, int *calls)
{
    ++*calls;
    printf("noisy(%d)\n", k);
    return k * 3;
}

double f(int n, double x)
{
    int i = 0, total = 0, calls = 0;
    double acc = x;
    printf("start %d\n", i++);
    fprintf(stderr, "x = %g, n = %d\n", acc *= 2.0, noisy(n, &calls));
    puts(n > 10 ? "big" : "small");
    for (printf("loop\n"); i < n; printf("%d.", i), i++) {
        if (i % 4 == 0)
            printf("step %d: %d\n", i, total += noisy(i, &calls));
        (void)fputs("tick\n", stdout);
        putchar('0' + (total += i) % 10);
    }
    fputc('\n', stdout);
    fflush(stdout);
    if (n == 7)
        perror("seven");
    n & 1 ? printf("odd %f\n", acc -= 0.25) : puts("even");
    (void)printf("%d\n", calls), total++;
    int r = (printf("done\n"), total);
    return acc + r + calls * 0.5;
}

/* Mutable statics: every row starts from the program's initial values (the oracle resets its
   globals per row; the gcc harness runs each row in a process of its own), so the counters
   below count the calls within one row only. */
#pragma nsc entry(f)
#pragma nsc range(x, -3, 3)
#pragma nsc range(n, 0, 6)

static int calls;
static double history[4] = {1.0, 2.0, 3.0, 4.0};
double running = 0.5;

static double step(double x)
{
    static int seen = 10; /* a function's own static */
    seen += 1;
    history[calls++ % 4] += x;
    running = running * 0.5 + x;
    return x * seen;
}

double f(double x, int n, int *count)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += step(x + i);
    *count = calls;
    return total + history[0] + history[1] * 2 + history[2] * 3 + history[3] * 4 + running;
}

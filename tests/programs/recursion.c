/* Recursive functions: factorial, Fibonacci and Euclid's gcd. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 15)
#pragma nsc range(a, 1, 10000)
#pragma nsc range(b, 1, 10000)

static long long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

long long f(int n, int a, int b)
{
    return factorial(n) + fib(n) * 1000LL + gcd(a, b);
}

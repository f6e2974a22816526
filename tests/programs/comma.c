/* The comma operator in for clauses and expressions. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 20)

int f(int n)
{
    int sum = 0;
    int i, j;
    for (i = 0, j = n; i < j; i++, j--)
        sum += i * j;
    int a = n;
    int b = (a++, a * 2);
    int c = (sum = sum + 1, sum * 3);
    return sum + b + c + i * 1000;
}

/* The left operand of a compound assignment or ++ is evaluated exactly once. */
#pragma nsc entry(f)
#pragma nsc range(k, 0, 3)

int f(int k)
{
    int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int i = k;
    a[i++] += 10;
    int *p = &a[4];
    *p++ *= 3;
    *p++ += 100;
    a[i++]++;
    int calls = 0;
    a[(calls++, k + 4)] -= 1;
    return a[0] + a[1] * 10 + a[2] * 100 + a[3] * 1000 + a[4] * 10000 + a[5] * 100000
         + i * 10000000 + (int)(p - a) * 100000000 + calls;
}

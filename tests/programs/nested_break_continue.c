/* break and continue apply to the innermost loop only. */
#pragma nsc entry(f)
#pragma nsc range(n, 0, 12)
#pragma nsc range(m, 0, 12)

int f(int n, int m)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (i == 7)
            continue;
        int j = 0;
        while (1) {
            if (j >= m)
                break;
            j++;
            if ((i + j) % 3 == 0)
                continue;
            count += i * j;
            if (count > 500)
                break;
        }
        if (count > 1000)
            break;
    }
    return count;
}

/* long double in memory: struct members (16-byte aligned, as gcc lays them out), arrays of
 * them, a union that reads its bytes, structs passed to and returned from helpers by value,
 * pointer arithmetic in 16-byte steps, static tables and comparisons with NaN. */
#include <stddef.h>
#pragma nsc entry(f)
#pragma nsc range(x, -100.0, 100.0)
#pragma nsc range(n, 0, 7)

struct sample { char tag; long double value; int count; };
union view { long double ld; unsigned char bytes[16]; unsigned long long words[2]; };

static const struct sample table[3] = {{'a', 0.5L, 1}, {'b', -0x1.8p-70L, 2}, {'c', 1e-4000L, 3}};
static const union view half = {0.5L};
static long double history[8];

static struct sample scale(struct sample s, long double by)
{
    s.value *= by;
    s.count++;
    return s;
}

static long double sum(const long double *p, int n)
{
    long double total = 0.0L;
    for (const long double *q = p; q < p + n; ++q)
        total += *q;
    return total;
}

double f(double x, int n, long long ints[8], double reals[4])
{
    struct sample s = {'s', x, n};
    struct sample t = scale(s, 1.0L / 3);
    long double arr[8];
    for (int i = 0; i < 8; i++) {
        arr[i] = (long double)x * i - table[i % 3].value;
        history[i] = arr[i] * 2;
    }
    long double v = arr[n];
    v += 1;
    v++;
    --v;
    v *= t.value;
    v /= 7;
    v -= table[1].value;
    union view u;
    u.ld = v;
    long double nan = 0.0L / 0.0L;
    ints[0] = (long long)sizeof(struct sample) * 1000 + offsetof(struct sample, value) * 10
              + offsetof(struct sample, count);
    ints[1] = (long long)sizeof(union view) + _Alignof(struct sample) * 100;
    ints[2] = (long long)u.words[0];
    ints[3] = (long long)(u.words[1] & 0xFFFF) + u.bytes[9] * 100000;
    ints[4] = (nan == nan) + 2 * (nan != nan) + 4 * (nan < v) + 8 * (v >= t.value)
              + 16 * (table[2].value > 0) + 32 * !table[2].value + 64 * ((n ? v : -v) > 0);
    ints[5] = t.count + (long long)(&arr[7] - &arr[2]) + (long long)((char *)&arr[1] - (char *)arr);
    ints[6] = (long long)half.words[1] + (long long)half.words[0] % 1000;
    ints[7] = (long long)(sum(arr, n) * 1000);
    reals[0] = (double)v;
    reals[1] = (double)t.value;
    reals[2] = (double)sum(history, 8);
    reals[3] = (double)(n > 3 ? v : t.value);
    return (double)(v + sum(arr + 1, 7));
}

/* GNU's __builtin_memcpy, __builtin_memset and __builtin_memmove without <string.h>: the type
 * punning idiom (a double's bits), a cleared buffer and an overlapping shift. */
#pragma nsc entry(f)
#pragma nsc range(x, -100, 100)

unsigned long long f(double x, double out[4])
{
    unsigned long long bits;
    __builtin_memcpy(&bits, &x, sizeof bits);
    double buffer[5] = {x, 2 * x, 3 * x, 4 * x, 5 * x};
    __builtin_memmove(buffer + 1, buffer, 3 * sizeof buffer[0]);
    __builtin_memset(buffer + 4, 0, sizeof buffer[0]);
    for (int i = 0; i < 4; i++)
        out[i] = buffer[i + 1];
    return bits ^ (bits >> 7);
}

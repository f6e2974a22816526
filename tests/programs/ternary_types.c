/* The conditional operator's result type: usual arithmetic conversions, structs, pointers. */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)

struct pt {
    int x, y;
};

long long f(int a)
{
    unsigned u = a < 0 ? -1 : 1u;
    long long wide = a < 0 ? -1 : 1u;
    struct pt p = {a, 2 * a}, q = {-a, 7};
    struct pt chosen = a > 0 ? p : q;
    int arr[2] = {11, 22};
    int *ptr = a > 2 ? &arr[1] : arr;
    double d = a ? 1 : 0.5f;
    return u + wide * 10 + chosen.x * 100 + chosen.y * 1000 + *ptr * 10000 + (long long)(d * 1e6);
}

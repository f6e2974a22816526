/* Reading and writing the bytes of objects through `unsigned char *` (allowed by the aliasing
 * rules; x86-64 is little-endian), and pointers to whole arrays. */
#pragma nsc entry(f)
#pragma nsc range(a, -2000000000, 2000000000)
#pragma nsc range(x, -1000.0, 1000.0)

struct pair { short lo; int hi; };

long long f(int a, double x, unsigned char bytes[8])
{
    const unsigned char *pa = (const unsigned char *)&a;
    long long r = pa[0] + pa[1] * 7 + pa[2] * 49 + pa[3] * 343;
    const unsigned char *px = (const unsigned char *)&x;
    for (int i = 0; i < 8; i++)
        bytes[i] = px[7 - i];
    int word = 0;
    unsigned char *pw = (unsigned char *)&word;
    pw[1] = 0x12;
    pw[3] = 0x80;
    r += word;
    struct pair p = {(short)a, a / 3};
    unsigned char *pp = (unsigned char *)&p;
    r += pp[0] + pp[4] * 3 + (long long)sizeof p * 1000;
    int arr[5] = {a, a >> 1, a >> 2, a >> 3, a >> 4};
    int (*whole)[5] = &arr;
    r += (*whole)[3] + (char *)(whole + 1) - (char *)arr;
    r += (int)((unsigned char *)&arr[4] - (unsigned char *)&arr[1]);
    signed char *ps = (signed char *)&arr[0];
    r += ps[3];
    return r;
}

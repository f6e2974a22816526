/* Pointer arithmetic on arrays inside structs, and on arrays of structs. */
#pragma nsc entry(f)
#pragma nsc range(v, -50, 50)
#pragma nsc range(k, 0, 3)

struct bag {
    short tag;
    int items[5];
    double w[2][3];
};

static int sum_from(const int *p, const int *end)
{
    int s = 0;
    while (p < end)
        s += *p++;
    return s;
}

long f(const int v[5], int k)
{
    struct bag bags[3];
    for (int b = 0; b < 3; b++) {
        bags[b].tag = (short)(b - 1);
        for (int i = 0; i < 5; i++)
            bags[b].items[i] = v[i] * (b + 1) + i;
        for (int i = 0; i < 6; i++)
            bags[b].w[i / 3][i % 3] = v[i % 5] * 0.5 + b;
    }
    struct bag *pb = bags + 1;
    int *p = pb->items + k;
    int *q = &bags[2].items[4];
    long r = sum_from(pb->items, pb->items + 5);
    r += *p + p[1] - *(q - k) + (q - bags[2].items) * 1000;
    r += (&bags[2] - bags) * 10000 + (pb->items + 4 - p) * 100000;
    double *row = pb->w[1];
    r += (long)(row[k % 3] * 4.0) + (long)(*(*(pb->w) + 2) * 8.0);
    r += (char *)&bags[1] - (char *)&bags[0];
    r += (char *)&pb->w[1][2] - (char *)pb;
    short *tags = &pb->tag;
    r += *tags * 7 + (pb - 1)->tag * 11 + (pb + 1)->tag * 13;
    return r;
}

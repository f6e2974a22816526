/* Struct values copied into and out of array elements, swapped through a temporary. */
#pragma nsc entry(f)
#pragma nsc range(a, -10, 10)

struct pair {
    int key;
    double value;
};

double f(int a)
{
    struct pair list[3];
    struct pair p = {a, a * 0.5};
    for (int i = 0; i < 3; i++) {
        list[i] = p;
        list[i].key += i;
    }
    struct pair tmp = list[0];
    list[0] = list[2];
    list[2] = tmp;
    return list[0].key * 100 + list[2].key + list[1].value;
}

/* Global initializers that are constant expressions; arrays sized by their initializer. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 4)

enum { COUNT = (int)(2.5 * 2), HALF = COUNT / 2 };

struct item {
    short id;
    double w;
};

static const double third = 1.0 / 3;
static const int sizes[] = {sizeof(char), sizeof(short), sizeof(double), sizeof(struct item), -7 % 3};
static int matrix[COUNT][HALF + 1] = {{1, 2, 3}, {4}, {0}, {9, 9}};
static const struct item items[] = {{1, 0.5}, {2}, {3, 1.0 / 3}};
float scale = 1.5f * 4, offset = -(2 + 3) * 0.5f;

double f(int i)
{
    int n = (int)(sizeof items / sizeof items[0]);
    return sizes[i] * 100 + matrix[i][0] + matrix[i][1] * 10 + items[i % n].w + items[i % n].id
         + scale + offset + third + n * 1000 + (int)(sizeof sizes / sizeof *sizes) * 10000;
}

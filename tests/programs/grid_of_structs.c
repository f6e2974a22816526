/* A 2D input array of structs with an array member, and an output array of structs. */
#pragma nsc entry(f)
#pragma nsc range(grid, -1.0, 1.0)

struct cell {
    float v[2];
    int tag;
};

struct summary {
    double total;
    int tags[2];
};

void f(const struct cell grid[2][3], struct summary out[2])
{
    for (int i = 0; i < 2; i++) {
        struct summary s = {0.0, {0, 0}};
        for (int j = 0; j < 3; j++) {
            s.total += grid[i][j].v[0] * grid[i][j].v[1];
            s.tags[j % 2] += grid[i][j].tag;
        }
        out[i] = s;
    }
}

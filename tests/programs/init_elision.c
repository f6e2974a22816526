/* Initializers with brace elision, partial lists, zero fill and scalars in braces,
 * for locals (stores) and for globals (constants). */
#pragma nsc entry(f)
#pragma nsc range(a, -9, 9)

struct pt { short x; double y; };
struct shape { char kind; struct pt p[2]; int tags[3]; };

static struct shape g_shapes[2] = {'a', 1, 2.5, 3, 4.5, 7, 8, 9, {'b', {{5}}, {1}}};
static int g_grid[3][3] = {1, 2, 3, {4}, 5};
static struct pt g_pts[] = {1, 2, 3};
static int g_scalar = {12};

long f(int a)
{
    struct shape s[2] = {'c', a, 1.5, a * 2, 2.5, a, a + 1, {a + 2}};
    int grid[3][3] = {{a}, a + 1, a + 2, a + 3, {a + 4, a + 5}};
    struct pt pts[] = {a, 0.25, {a + 1}, -a};
    int scalar = {a * 7};
    long r = 0;
    for (int i = 0; i < 2; i++) {
        r = r * 3 + s[i].kind + s[i].p[0].x + (long)(s[i].p[1].y * 4) + s[i].tags[2];
        r = r * 3 + g_shapes[i].kind + g_shapes[i].p[0].x + (long)(g_shapes[i].p[1].y * 4);
        r = r * 3 + g_shapes[i].tags[0] + g_shapes[i].tags[2] + (long)(g_shapes[i].p[0].y * 2);
    }
    for (int i = 0; i < 9; i++)
        r = r * 2 + grid[i / 3][i % 3] * 5 + g_grid[i / 3][i % 3];
    r += (long)(sizeof pts / sizeof pts[0]) * 100 + (long)(sizeof g_pts / sizeof g_pts[0]) * 1000;
    r += pts[2].x + (long)(pts[0].y * 8) + g_pts[1].x + (long)g_pts[0].y + scalar + g_scalar;
    return r;
}

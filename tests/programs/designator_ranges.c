/* GNU range designators, [LO ... HI] = value: in static tables, nested, overridden by a later
 * designator, for structs and rows, and in locals, where the value is evaluated once. */

#pragma nsc entry(f)
#pragma nsc range(x, -10, 10)
struct P { int a; double b; };
static const int tab[10] = {[0 ... 3] = 1, [4 ... 7] = 2, 9, [2] = 5};
static struct P ps[4] = {[1 ... 3] = {7, 0.5}, [2].b = 1.5};
static double grid[3][4] = {[0 ... 2] = {[1 ... 2] = 3.0}, [1][3] = 4.0};
static int counter;
static int next(void) { return ++counter; }
double f(double x, double out[12])
{
    int k = 0;
    int loc[8] = {[1 ... 4] = k++, [6 ... 7] = next()};
    double vals[5] = {[0 ... 4] = x * 2};
    struct P lp[3] = {[0 ... 2] = {next(), x}, [1].a = 100};
    char s[6] = {[0 ... 4] = 'a' + (x > 0)};
    double acc = 0;
    for (int i = 0; i < 10; i++) acc += tab[i] * (i + 1);
    for (int i = 0; i < 4; i++) acc += ps[i].a * 3 + ps[i].b;
    for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) acc += grid[i][j] * (i + j);
    for (int i = 0; i < 8; i++) out[i] = loc[i] + vals[i % 5];
    out[8] = k + counter * 10 + lp[0].a + lp[1].a * 3 + lp[2].a * 7 + lp[2].b;
    out[9] = s[0] + s[4] * 3 + s[5] * 5;
    out[10] = acc;
    out[11] = sizeof(tab) + sizeof((int[]){[2 ... 5] = 1});
    return acc * x;
}

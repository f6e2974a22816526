/* GNU statement expressions and __typeof__, the way macro libraries use them: MAX/MIN/SWAP
 * that evaluate their arguments once, a loop inside an expression with break, a struct value,
 * nested groups, typeof of arrays, pointers and type names, and a group of type void. */
#pragma nsc entry(f)
#pragma nsc range(x, -2, 2)
#pragma nsc range(n, 1, 9)

#define MAX(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define MIN(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define SWAP(a, b) do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)

struct pair { double lo, hi; };
static const float weights[4] = {0.5f, 0.25f, 0.125f, 0.0625f};

static double counted(double v, int *calls) { ++*calls; return v; }

double f(double x, int n, double out[6])
{
    double p = x, q = 2 * x + 1;
    int calls = 0;
    SWAP(p, q);
    out[0] = MAX(counted(x, &calls), 0.5) + MIN(n, 4) + calls;
    __typeof__(weights) copy;                 /* const float[4] */
    __typeof__(weights[0]) w = weights[1];    /* const float */
    __typeof__(double[3]) triple = {x, 2 * x, 3 * x};
    __typeof__(&triple[0]) cursor = triple;
    out[1] = sizeof copy + 10 * sizeof w + 100 * sizeof triple + w + *++cursor;
    float partial = ({
        float s = 0;
        for (int i = 0; i < 4; i++) {
            if (i == n) break;
            s += weights[i] * (float)x;
        }
        s;
    });
    out[2] = partial;
    struct pair r = ({ struct pair t = {MIN(x, -x), MAX(x, -x)}; t; });
    out[3] = r.hi - r.lo + ({ ({ int k = n * n; k; }) + 1; });
    ({ out[4] = p - q; });
    int steps = 0;
    while (({ steps++; steps < n; }))
        out[4] += 0.5;
    out[5] = ({ double acc = 0; for (int i = 0; i < n; i++) acc += MAX(x * i, 1.0); acc; });
    return MAX(p, q) + steps;
}

/* fmin and fmax over zeros of both signs, quiet and signalling NaNs and numbers, compared bit
 * for bit: glibc returns the second operand of two equal ones, the other operand of a quiet
 * NaN, and the (quieted) sum where both are NaN or one is signalling. The operands are locals:
 * gcc treats fmin and fmax as commutative and may swap operands that are calls' results
 * (evaluated right to left), which changes its answer on exactly these cases. */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(i, 0, 6)
#pragma nsc range(j, 0, 6)

union dbits {
    double d;
    unsigned long long u;
};

union fbits {
    float f;
    unsigned int u;
};

static double pick(int k)
{
    union dbits v;
    switch (k) {
    case 0: v.u = 0x7FF8000000000001ULL; break; /* quiet NaN with a payload */
    case 1: v.u = 0x7FF0000000000002ULL; break; /* signalling NaN */
    case 2: v.u = 0xFFF8000000000003ULL; break; /* negative quiet NaN */
    case 3: v.d = -0.0; break;
    case 4: v.d = 0.0; break;
    case 5: v.d = 1.5; break;
    default: v.d = -2.0; break;
    }
    return v.d;
}

static float pickf(int k)
{
    union fbits v;
    switch (k) {
    case 0: v.u = 0x7FC00001u; break;
    case 1: v.u = 0x7F800002u; break;
    case 2: v.u = 0xFFC00003u; break;
    case 3: v.f = -0.0f; break;
    case 4: v.f = 0.0f; break;
    case 5: v.f = 1.5f; break;
    default: v.f = -2.0f; break;
    }
    return v.f;
}

void f(int i, int j, unsigned long long d[2], unsigned int s[2], double l[2])
{
    union dbits r;
    union fbits q;
    double x = pick(i), y = pick(j);
    r.d = fmin(x, y);
    d[0] = r.u;
    r.d = fmax(x, y);
    d[1] = r.u;
    float xf = pickf(i), yf = pickf(j);
    q.f = fminf(xf, yf);
    s[0] = q.u;
    q.f = fmaxf(xf, yf);
    s[1] = q.u;
    /* long double: the sign of a zero result, or whether it is a NaN */
    long double a = x, b = y, m = fminl(a, b), n = fmaxl(a, b);
    l[0] = m != m ? 7.0 : (double)(1.0L / m);
    l[1] = n != n ? 7.0 : (double)(1.0L / n);
}

/* The conditional operator converts both arms to a common type before choosing one. */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)
#pragma nsc range(x, -2.0, 2.0)

static double twice(double v) { return 2.0 * v; }

double f(int a, float x)
{
    char c = (char)(a * 30);
    short s = (short)(a * -1000);
    unsigned u = 7;
    _Bool b = a > 0;
    long long r = 0;
    r += a > 0 ? -1 : u;                 /* unsigned: -1 becomes UINT_MAX */
    r += (a > 0 ? -1 : (long long)u) * 3;
    r += sizeof(a ? c : c) + sizeof(a ? c : s) * 10 + sizeof(a ? s : 1L) * 100;
    r += sizeof(a ? x : 1) * 1000 + sizeof(a ? x : 1.0) * 10000 + sizeof(a ? b : b) * 100000;
    r += (a ? c : s) + (a < 0 ? b : c) + (a ? 5 : 2u) / 2;
    double d = a > 1 ? x : a;            /* float arm and int arm: float */
    double e = (a > 0 ? 1 : 2.0) / 4;    /* double division even when the int arm is chosen */
    float g = a ? x / 3 : 0.1;           /* double, rounded to float on assignment */
    return r + d * 100.0 + e * 1000.0 + g + twice(a ? a : x) + (a == 0 ? x : a) / 8;
}

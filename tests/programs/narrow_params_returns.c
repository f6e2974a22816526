/* Arguments and return values convert to the declared narrow types at the call boundary. */
#pragma nsc entry(f)
#pragma nsc range(a, -100000, 100000)
#pragma nsc range(x, -300.0, 300.0)

static char as_char(int v) { return v; }
static unsigned char as_uchar(double v) { return v < 0 ? 0 : v / 2; }
static short pass_short(short s) { return s; }
static unsigned short pass_ushort(unsigned short s) { return s; }
static _Bool as_bool(long v) { return v; }
static float as_float(double v) { return v; }
static int sum_narrow(signed char c, unsigned char u, short s, _Bool b) { return c + u + s + b; }
static long long widen(unsigned u) { return u; }
static double mix(float fl, int i) { return fl * i; }

double f(int a, double x)
{
    long long r = as_char(a) + as_uchar(x) * 3 + pass_short(a) * 5 + pass_ushort(a) * 7;
    r += as_bool(a & 0x100000000L) + as_bool(a) * 2 + as_bool((long)(a & 0xffffff) << 32) * 4;
    r += sum_narrow(a, a, a, a) * 11 + sum_narrow(x / 3, (x < 0 ? -x : x) / 2, x * 100, x) * 13;
    r += widen(a) + widen(-1);
    float fl = as_float(x / 7.0);
    return r + fl + mix(x, a % 1000) + mix(1e-3, 3);
}

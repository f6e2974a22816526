/* Integer constant expressions folded for static initializers and array sizes must agree with
 * gcc: integer promotions, unsigned conversions, truncation and literal types. */
#pragma nsc entry(f)
#pragma nsc range(a, -3, 3)

static int lt_unsigned = -1 < 0u;
static int lt_long = -1L < 0u;
static unsigned char uc = -1;
static signed char sc = 200;
static short sh = 70000;
static unsigned not_shift = ~0u >> 1;
static long neg_hex = -0x80000000;
static long big_dec = -2147483648;
static int trunc_neg = (int)-3.99;
static unsigned from_double = 3e9;
static int div_neg = -7 / 2;
static int mod_neg = -7 % 2;
static double tern = 1 ? 2 : 3.0;
static double int_div = 1 / 3;
static float from_double_f = 0.1;
static double float_div = 1.0f / 3.0f;
static long long ll = 1e18;
static int char_lit = '\377' + '\x7f';
static unsigned long ul = -1L;
static int cmp_chain = 3 > 2 > 1;
static int arr[(unsigned char)258 + sizeof(long) * 2];
static int shifted = 1 << 30 >> 29;
static int sh_unsigned = 0xF0000000u >> 28;
static long mixed = 5u - 10;
static int logic = 2 && 0.5;
static int neg_tern = -1 < 0 ? -5 : 5u;

long long f(int a)
{
    long long r = lt_unsigned + lt_long * 2 + uc * 4 + sc * 8 + sh;
    r = r * 31 + not_shift + neg_hex + big_dec + trunc_neg + from_double;
    r = r * 31 + div_neg * 1000 + mod_neg * 100 + (long long)(tern * 10) + (long long)(int_div * 7);
    r = r * 31 + (from_double_f == 0.1f) + (float_div == (double)(1.0f / 3.0f)) * 2 + ll / 1000;
    r = r * 31 + char_lit + (long long)(ul >> 40) + cmp_chain + (long long)(sizeof arr);
    r = r * 31 + shifted + sh_unsigned + mixed + logic + neg_tern;
    return r + a;
}

/* Constant initializers converted to _Bool: any nonzero value, NaN and infinities included,
 * becomes 1 (a float is compared with zero, not truncated). */
#include <math.h>

#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)

static _Bool half = 0.5;
static _Bool tiny = -1e-300;
static _Bool nan_flag = NAN;
static _Bool inf_flag = HUGE_VAL;
static const _Bool table[4] = {0.25, 0.0, -0.75, 2};
static _Bool cast_in_const = (_Bool)0.5 + (_Bool)-0.0;

int f(int a, _Bool *b)
{
    static _Bool local = 0.125;
    *b = 0.001 * a;
    return half + tiny * 2 + nan_flag * 4 + inf_flag * 8 + table[0] * 16 + table[1] * 32
        + table[2] * 64 + table[3] * 128 + local * 256 + cast_in_const * 512 + a * 1024;
}

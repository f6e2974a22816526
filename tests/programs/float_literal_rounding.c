/* Float literals and integer constants converted to float round once, from the exact value:
 * rounding to double first and then to float can land on a tie and round the wrong way.
 * Compared exactly (the harness allows float outputs an ulp). */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)

static float g_literal = 1.000000059604644775390625001f;   /* just above a float tie */
static float g_tie = 1.000000059604644775390625f;           /* exactly a tie: to even */
static float g_int = 1152921573326323713LL;                  /* 2^60 + 2^36 + 1 */
static float g_hex = 0x1.000001000000000000001p0f;
static float g_small = 1.4e-45f;

int f(int a)
{
    float x = 1.000000059604644775390625001f;
    float z = (float)1152921573326323713LL;
    float h = 0x1.000001000000000000001p0f;
    int r = (x > 1.0f) + (g_literal > 1.0f) * 2 + (g_tie == 1.0f) * 4;
    r += (g_int > 1152921504606846976.0f) * 8 + (z > 1152921504606846976.0f) * 16;
    r += (g_hex > 1.0f) * 32 + (h > 1.0f) * 64 + (g_small > 0.0f) * 128;
    r += (1e39f > 3.4e38f) * 256 + (0x1p128f > 1e38f) * 512;   /* both infinite */
    r += (0x1p99999 > 1e308) * 1024;                           /* past double: infinite */
    return r + a * 10000;
}

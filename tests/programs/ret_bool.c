/* Returns _Bool: any nonzero value becomes 1. */
#pragma nsc entry(f)
#pragma nsc range(x, -2.0, 2.0)

_Bool f(float x)
{
    return x * x > 1.0f ? 2 : (x > 0.5f) * 0.5f;
}

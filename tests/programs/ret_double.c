/* Returns double computed from float arithmetic (float ops stay float, C99 FLT_EVAL_METHOD 0). */
#pragma nsc entry(f)
#pragma nsc range(a, -10.0, 10.0)
#pragma nsc range(b, 1.0, 10.0)

double f(float a, float b)
{
    float q = a / b;
    float big = a * 16777216.0f + 1.0f;
    return q + big;
}

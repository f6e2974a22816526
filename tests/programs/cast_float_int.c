/* float -> int conversion truncates toward zero; int -> float rounds. */
#pragma nsc entry(f)
#pragma nsc range(x, -1000.0, 1000.0)

int f(float x)
{
    int t = (int)x;
    int n = (int)-x;
    short s = (short)(x * 10.0f);
    signed char c = (signed char)(x / 10.0f);
    float back = (float)(t * 3 + 1);
    return t * 7 + n + s + c * 1000 + (int)(back / 4.0f);
}

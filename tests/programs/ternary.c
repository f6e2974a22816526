/* The conditional operator: mixed arithmetic types convert, only one arm is evaluated. */
#pragma nsc entry(f)
#pragma nsc range(a, -10, 10)
#pragma nsc range(x, -1.0, 1.0)

double f(int a, float x)
{
    int calls = 0;
    double m = a > 0 ? 1 : 2.5;
    float s = x < 0.0f ? -x : x;
    int sign = a > 0 ? 1 : a < 0 ? -1 : 0;
    int picked = a > 3 ? (calls += 1) : (calls += 10);
    return m + s + sign * 100 + picked * 1000 + calls;
}

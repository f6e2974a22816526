/* Float and double comparisons, including -0.0 == 0.0 and mixed precision. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(y, -1.0, 1.0)

int f(float x, double y)
{
    float neg_zero = -0.0f;
    int r = (neg_zero == 0.0f);
    r += (x < y) * 2 + (x <= y) * 4 + (x > y) * 8 + (x >= y) * 16 + (x == (float)x) * 32;
    r += ((double)x == (double)(float)x) * 64 + ((float)y == y) * 128 + (x != y) * 256;
    return r;
}

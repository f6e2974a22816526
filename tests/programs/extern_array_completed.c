/* `extern T a[];` declared before the code that reads it and completed further down, by a
 * definition with a size (checked from the start) or with only an initializer. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 3)

extern double weights[];
extern const int offsets[];

static double weighted(int i) { return weights[i] * offsets[i % 2]; }

double f(int i)
{
    extern double weights[];
    return weighted(i) + weights[3 - i];
}

double weights[4] = {0.5, 1.5, -2.0, 4.0};
const int offsets[] = {3, -1};

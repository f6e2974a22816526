/* The entry returns a struct: each field becomes an output port under `return`. */
#pragma nsc entry(f)
#pragma nsc range(x, -4.0, 4.0)
#pragma nsc range(n, 0, 9)

struct result {
    double value;
    int steps;
    float parts[2];
};

struct result f(double x, int n)
{
    struct result r = {0.0, 0, {0.0f, 0.0f}};
    for (int i = 0; i < n; i++) {
        r.value = r.value * x + 1.0;
        r.steps++;
    }
    r.parts[0] = (float)(x * 0.5);
    r.parts[1] = (float)r.steps;
    return r;
}

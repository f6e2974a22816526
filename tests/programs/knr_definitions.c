/* Old-style (K&R) function definitions, as legacy numeric code writes them: declarations after
 * the identifier list (in another order, several on one line, register storage), float, short
 * and char parameters (callers promote them; the function converts back), an array parameter,
 * a parameter without a declaration (an int), and the entry itself in K&R form. */
#pragma nsc entry(blend)
#pragma nsc range(x, -4, 4)
#pragma nsc range(n, 0, 9)
#pragma nsc shape(w, 4)

static double horner(c, m, t)
    int m;
    const double c[];
    register double t;
{
    register double s = 0.0;
    int i;
    for (i = m - 1; i >= 0; i--)
        s = s * t + c[i];
    return s;
}

static float narrow(v, scale, k)
    float v, scale;
    short k;
{
    return v * scale + k;
}

static int mix(a, b)
    char a;
{
    return a * 3 - b;
}

double blend(x, n, w)
    double x;
    int n;
    const double w[4];
{
    static const double c[4] = {0.5, -1.25, 0.125, 1.0 / 3.0};
    double p = horner(c, 4, x);
    float q = narrow((float)x, 1.5f, (short)(n * 1000));
    return p + q + mix((char)(n * 40), n) + w[n & 3] * x;
}

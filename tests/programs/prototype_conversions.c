/* Arguments convert to the parameter types of the callee's prototype; returns convert too. */
#pragma nsc entry(f)
#pragma nsc range(x, -100.0, 100.0)

static float to_float(float v) { return v; }
static int to_int(int v) { return v; }
static unsigned char to_byte(unsigned char v) { return v; }
static double widen(float v) { return v; }
static short narrow(double v) { return v; }

double f(double x)
{
    return to_float(x) + to_int(x) * 1000.0 + to_byte((x + 100.0) * 1.2) * 1e6 + widen(x / 3) + narrow(x * 7.9);
}

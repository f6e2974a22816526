/* Decoding floats through a union of the value and its IEEE 754 fields as bit-fields (sign,
 * exponent, mantissa; little-endian, so the mantissa takes the low bits): the fields read,
 * a float rebuilt from edited fields (scaling by a power of two, flipping the sign), and a
 * double's 52-bit mantissa in an `unsigned long long` bit-field. */
#pragma nsc entry(decode)
#pragma nsc range(x, -1000000.0, 1000000.0)
#pragma nsc range(d, -1e30, 1e30)
#pragma nsc range(k, -20, 20)
#pragma nsc shape(out, 16)

union single {
    float f;
    unsigned u;
    struct {
        unsigned mantissa : 23;
        unsigned exponent : 8;
        unsigned sign : 1;
    } parts;
};

union wide {
    double d;
    struct {
        unsigned long long mantissa : 52;
        unsigned exponent : 11; /* fits in the int unit at byte 4: no new unit */
        unsigned sign : 1;
    } parts;
};

static const union single one = {.parts = {0, 127, 0}};

static float scaled(float x, int k)
{
    union single s = {x};
    int e = s.parts.exponent + k;
    if (s.parts.exponent == 0 || s.parts.exponent == 255 || e <= 0 || e >= 255)
        return x;
    s.parts.exponent = e;
    return s.f;
}

float decode(float x, double d, int k, long *out)
{
    union single s;
    s.f = x;
    out[0] = s.parts.sign;
    out[1] = s.parts.exponent - 127; /* promoted to int first */
    out[2] = s.parts.mantissa;
    out[3] = s.u >> 23;
    union single t = s;
    t.parts.sign ^= 1;
    t.parts.mantissa >>= 1;
    out[4] = (long)(t.f * 1000);
    union wide w = {d};
    out[5] = w.parts.sign;
    out[6] = (long)w.parts.exponent - 1023;
    out[7] = (long)(w.parts.mantissa >> 20);
    out[8] = (long)(w.parts.mantissa + 1) & 0xFFFFF;
    w.parts.exponent = 1023;
    w.parts.sign = 0;
    out[9] = (long)(w.d * 1000000);
    out[10] = (long)one.f + one.parts.exponent * 10 + (long)sizeof(union wide) * 10000;
    union single r = {.parts = {.exponent = 127 + (k & 7), .sign = k < 0, .mantissa = 1u << 22}};
    out[11] = (long)r.f;
    out[12] = sizeof s + sizeof s.parts * 10 + _Alignof(union wide) * 100;
    return scaled(x, k) + scaled(x, -k);
}

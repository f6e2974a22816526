/* An output array of structs. */
#pragma nsc entry(f)
#pragma nsc range(x, -1.0, 1.0)

struct sample {
    float t;
    float value;
    short sign;
};

void f(float x, struct sample out[4])
{
    for (int i = 0; i < 4; i++) {
        out[i].t = (float)i * 0.25f;
        out[i].value = x * out[i].t - 0.1f * i;
        out[i].sign = out[i].value < 0 ? -1 : 1;
    }
}

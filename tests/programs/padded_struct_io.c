/* Structs with padding and small fields as inputs and outputs, by value and by pointer. */
#pragma nsc entry(f)
#pragma nsc range(in, -100, 100)
#pragma nsc range(k, -10, 10)

struct mixed {
    char c;
    double d;
    _Bool flag;
    short s;
    float v[3];
    unsigned char u;
};

void f(struct mixed in, int k, struct mixed *out)
{
    out->c = (char)(in.c + k);
    out->d = in.d * k + in.s;
    out->flag = !in.flag;
    out->s = (short)(in.s * 3 - in.u);
    for (int i = 0; i < 3; i++)
        out->v[i] = in.v[2 - i] + (float)in.flag;
    out->u = (unsigned char)(in.u + in.c);
}

/* RGB to YUV colour conversion (BT.601 coefficients) with a struct out-parameter. */
#pragma nsc entry(rgb2yuv)
#pragma nsc range(c, 0.0, 1.0)

struct rgb {
    float r, g, b;
};

struct yuv {
    float y, u, v;
};

void rgb2yuv(struct rgb c, struct yuv *out)
{
    out->y = 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
    out->u = 0.492f * (c.b - out->y);
    out->v = 0.877f * (c.r - out->y);
}

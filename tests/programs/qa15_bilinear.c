/* QA: bilinear and nearest resampling of a float image seen as `float img[h][w]` in helpers,
 * into a local `float dst[oh][ow]`, clamped sampling through a row pointer `const float (*)[w]`,
 * edge modes named by strings, float arithmetic kept float by tgmath (`floor`, `fmin`,
 * `fmax` on floats), and a mean kept in long double. */
#include <tgmath.h>

#pragma nsc entry(resample)
#pragma nsc shape(src, 8, 8)
#pragma nsc range(src, 0.0, 255.0)
#pragma nsc range(h, 2, 8)
#pragma nsc range(w, 2, 8)
#pragma nsc range(oh, 1, 12)
#pragma nsc range(ow, 1, 12)
#pragma nsc range(mode, 0, 3)
#pragma nsc shape(probe, 4)

enum edge { CLAMP, WRAP, MIRROR };
static const char *const edge_names[] = {"clamp", "wrap", "mirror"};

static int fold(int i, int n, enum edge e)
{
    switch (e) {
    case WRAP:
        return ((i % n) + n) % n;
    case MIRROR:
        if (i < 0)
            i = -i - 1;
        if (i >= n)
            i = 2 * n - i - 1;
        /* fall through to clamp what mirroring once cannot reach */
    default:
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }
}

static float texel(int h, int w, const float img[h][w], int y, int x, enum edge e)
{
    const float (*row)[w] = img + fold(y, h, e);
    return (*row)[fold(x, w, e)];
}

static float bilinear(int h, int w, const float img[h][w], float fy, float fx, enum edge e)
{
    float y0 = floor(fy), x0 = floor(fx);
    float ty = fy - y0, tx = fx - x0;
    int iy = (int)y0, ix = (int)x0;
    float a = texel(h, w, img, iy, ix, e), b = texel(h, w, img, iy, ix + 1, e);
    float c = texel(h, w, img, iy + 1, ix, e), d = texel(h, w, img, iy + 1, ix + 1, e);
    float top = a + (b - a) * tx, bottom = c + (d - c) * tx;
    return top + (bottom - top) * ty;
}

static long double scale_into(int h, int w, const float img[h][w], int oh, int ow,
                              float dst[oh][ow], enum edge e, int nearest)
{
    long double total = 0;
    float sy = (float)h / oh, sx = (float)w / ow;
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
            float fy = (i + 0.5f) * sy - 0.5f, fx = (j + 0.5f) * sx - 0.5f;
            float v = nearest ? texel(h, w, img, (int)floor(fy + 0.5f), (int)floor(fx + 0.5f), e)
                              : bilinear(h, w, img, fy, fx, e);
            dst[i][j] = fmin(fmax(v, 0.0f), 255.0f);
            total += dst[i][j];
        }
    return total / (oh * ow);
}

double resample(const float src[8][8], int h, int w, int oh, int ow, int mode, float probe[4])
{
    float img[h][w];
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            img[i][j] = src[i][j];
    float dst[oh][ow];
    enum edge e = (enum edge)(mode % 3);
    long double mean = scale_into(h, w, img, oh, ow, dst, e, mode == 3);
    probe[0] = dst[0][0];
    probe[1] = dst[oh - 1][ow - 1];
    probe[2] = dst[oh / 2][ow / 2];
    probe[3] = (float)(sizeof dst / sizeof dst[0][0]) + edge_names[e][0];
    return (double)mean;
}

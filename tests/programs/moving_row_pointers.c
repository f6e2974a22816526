/* Pointers into rows of 2-D arrays and into struct array members, moved after they are set,
 * and an entry parameter of known extent that the function moves. All in range. */
#pragma nsc entry(f)
#pragma nsc range(v, -3.0, 3.0)
#pragma nsc range(i, 0, 2)
#pragma nsc range(j, 0, 3)

struct track {
    int id;
    float pts[4];
    float weight;
};

float f(const float v[6], int i, int j)
{
    float m[3][4];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            m[r][c] = v[(r + c) % 6] + (float)(r * 4 + c);
    float *row = m[i];
    row += j;
    float s = *row + row[-j] * 2.0f;
    float (*rows)[4] = m;
    rows += i;
    s += (*rows)[j] * 3.0f + rows[0][3 - j];
    if (i < 2)
        s += rows[1][j] * 5.0f;
    const float *flat = &m[0][0];
    flat += i * 4 + j;
    s += flat[0] * 11.0f;
    struct track t = {7, {v[0], v[1], v[2], v[3]}, 0.5f};
    float *p = t.pts;
    p++;
    s += p[j > 2 ? 2 : j] + *(p - 1) * t.weight;
    struct track *tp = &t;
    const float *q = tp->pts + 3;
    q -= j;
    s += *q * 13.0f;
    v += 2;
    s += v[j] + v[-2] * 17.0f;
    return s + (float)(row - m[i]);
}

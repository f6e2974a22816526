/* Globals with initializers: partial arrays are zero-filled, structs field by field. */
#pragma nsc entry(f)
#pragma nsc range(i, 0, 7)

struct config {
    float gain;
    int offset;
    double extra[3];
};

int table[8] = {3, 1, 4, 1, 5};
struct config cfg = {1.5f, -2, {0.25}};
double scale = 2.0;
int counter;

double f(int i)
{
    counter = 0;
    for (int k = 0; k <= i; k++)
        counter += table[k];
    return counter * cfg.gain + cfg.offset + cfg.extra[0] + cfg.extra[2] + scale * table[i];
}

/* rand and srand (nsc compiles its own, linked in): glibc's sequence for a seed, a Monte
 * Carlo mean, and rand before any srand (which is srand(1)). The generator's state starts
 * afresh for every row, as it does for every run of the program built by gcc. */
#include <math.h>
#include <stdlib.h>

#pragma nsc entry(sample)
#pragma nsc range(seed, 0, 1000000)
#pragma nsc range(a, 0, 2)

static double uniform(void)
{
    return rand() / (RAND_MAX + 1.0);
}

double sample(int seed, double a, int first[3], int *unseeded)
{
    *unseeded = rand();
    srand((unsigned)seed * 2654435761u); /* seeds above 2^31 too */
    for (int i = 0; i < 3; i++)
        first[i] = rand();
    double sum = 0.0;
    for (int i = 0; i < 64; i++) {
        double u = a * uniform();
        sum += exp(-u * u);
    }
    return a * sum / 64.0;
}

/* An entry without inputs: every row computes the same constant table. */
#pragma nsc entry(f)

static const short primes[6] = {2, 3, 5, 7, 11, 13};

int f(void)
{
    int product = 1;
    for (int i = 0; i < 6; i++)
        product *= primes[i];
    return product;
}

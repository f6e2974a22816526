/* nsc's rand and srand, compiled by nsc and linked into the programs that call them.
 *
 * The numbers are glibc's: an additive feedback generator over 31 words, r[i] = r[i-31] +
 * r[i-3] (mod 2^32), returning the top 31 bits; srand fills the words from the seed with
 * 16807 * x mod (2^31 - 1) and drops the first 310 results; rand before any srand is srand(1).
 * The state is the program's: like every global it starts afresh for each of the oracle's rows,
 * as it does for each run of a program built by gcc.
 */
#include <stdlib.h>

static int words[31];
static int front, rear;
static int seeded;

void srand(unsigned seed)
{
    int word = (int)(seed == 0 ? 1 : seed);
    words[0] = word;
    for (int i = 1; i < 31; i++) {
        long high = word / 127773, low = word % 127773;
        word = (int)(16807 * low - 2836 * high);
        if (word < 0)
            word += 2147483647;
        words[i] = word;
    }
    front = 3;
    rear = 0;
    seeded = 1;
    for (int i = 0; i < 310; i++)
        (void)rand();
}

int rand(void)
{
    if (!seeded)
        srand(1);
    unsigned value = (unsigned)words[front] + (unsigned)words[rear];
    words[front] = (int)value;
    if (++front >= 31) {
        front = 0;
        ++rear;
    } else if (++rear >= 31) {
        rear = 0;
    }
    return (int)(value >> 1);
}

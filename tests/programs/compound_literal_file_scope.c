/* Compound literals at file scope: unnamed objects with static storage whose addresses
 * initialize pointers (an array's first element, a struct's address, a step into an array). */

#pragma nsc entry(f)
#pragma nsc range(k, 0, 50)

struct T { int v; double w; };
static int *ip = (int[]){5, 6, 7};
static struct T *gp = &(struct T){42, 0.5};
static const double *dp = (const double[]){1.5, 2.5} + 1;
int *table[2] = {(int[]){1, 2}, (int[]){3, 4, 5}};

double f(int k)
{
    ip[k % 3] += k;
    gp->w *= 1.5;
    return ip[0] + ip[1] * 10 + ip[2] * 100 + gp->v + gp->w + *dp + table[1][2] + table[0][k % 2];
}

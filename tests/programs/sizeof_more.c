/* sizeof of nested aggregates, parameters declared as arrays, promoted expressions and
 * operands that are not evaluated. */
#pragma nsc entry(f)
#pragma nsc range(a, -5, 5)

struct s1 { char c; };
struct s2 { char c; short s; char d; };
struct s3 { char c; struct s2 in[3]; double d; char e; };
struct s4 { int a[3]; char b; };
typedef int vec3[3];

static long param_sizes(int p[10], const vec3 v, struct s3 *q)
{
    return (long)(sizeof p + sizeof v * 10 + sizeof *q * 100 + sizeof q->in * 1000);
}

long f(int a)
{
    char c = 1;
    short s = 2;
    vec3 v;
    struct s3 x;
    long r = (long)(sizeof(struct s1) + sizeof(struct s2) * 10 + sizeof(struct s3) * 100);
    r += (long)(sizeof(struct s4) * 1000 + sizeof v * 10000 + sizeof(vec3[2]) * 100000);
    r = r * 3 + (long)(sizeof(c + c) + sizeof(c + s) * 10 + sizeof(-c) * 100 + sizeof(~s) * 1000);
    r = r * 3 + (long)(sizeof(c = 7) + sizeof(s += 1) * 10 + sizeof(a++) * 100 + sizeof x.in[1]);
    r = r * 3 + (long)(sizeof(a ? &x : 0) + sizeof(1.0f + c) * 10 + sizeof('a') * 100);
    r = r * 3 + (long)(sizeof x.in / sizeof x.in[0]) + (long)sizeof(int[2][3]) * 10;
    r = r * 3 + param_sizes(0, v, &x) + c + s;   /* c, s and a were not changed */
    return r + a;
}

/* QA: a tiny stack machine evaluating programs written as string literals of opcodes
 * ("xy+2*" ...), chosen from a static table of named programs; digits push constants, letters
 * push variables, operators pop two values; a function-pointer table keyed by the operator's
 * position in an operator string found with a hand-written strchr; errors leave through goto;
 * the stack is a VLA sized by the program's length. */
#include <math.h>

#pragma nsc entry(eval)
#pragma nsc range(x, -4.0, 4.0)
#pragma nsc range(y, 0.5, 3.0)
#pragma nsc range(which, 0, 7)
#pragma nsc shape(out, 4)

struct program {
    const char *name;
    const char *code;
};

static const struct program programs[] = {
    {"sum", "xy+"},          {"poly", "xx*3x*+1-"}, {"ratio", "xy/y2^-"},
    {"hypot", "xx*yy*+q"},   {"bad", "x+"},         {"nested", "xy-xy+*yx/-"},
    {"pow", "y3^x2^+"},      {"div0", "x0/"},
};

static const char ops[] = "+-*/^";

static double add(double a, double b) { return a + b; }
static double sub(double a, double b) { return a - b; }
static double mul(double a, double b) { return a * b; }
static double dvd(double a, double b) { return a / b; }

static int find(const char *s, char c)
{
    for (const char *p = s; *p; p++)
        if (*p == c)
            return (int)(p - s);
    return -1;
}

static int length(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}

static double run(const char *code, double x, double y, int *status)
{
    static double (*const binary[])(double, double) = {add, sub, mul, dvd, pow};
    int n = length(code);
    double stack[n + 1];
    int top = 0;
    for (const char *p = code; *p; p++) {
        char c = *p;
        int k = find(ops, c);
        if (k >= 0) {
            if (top < 2)
                goto underflow;
            double b = stack[--top];
            double a = stack[--top];
            stack[top++] = binary[k](a, b);
        } else if (c >= '0' && c <= '9') {
            stack[top++] = c - '0';
        } else if (c == 'x' || c == 'y') {
            stack[top++] = c == 'x' ? x : y;
        } else if (c == 'q') {
            if (top < 1)
                goto underflow;
            stack[top - 1] = sqrt(stack[top - 1]);
        } else {
            *status = 2;
            return 0;
        }
    }
    *status = top == 1 ? 0 : 3;
    return top ? stack[top - 1] : 0;
underflow:
    *status = 1;
    return NAN;
}

double eval(double x, double y, int which, long out[4])
{
    const struct program *p = &programs[which];
    int status = -1;
    double v = run(p->code, x, y, &status);
    out[0] = status;
    out[1] = length(p->name) * 100 + p->name[0];
    out[2] = sizeof programs / sizeof programs[0] + sizeof ops * 10;
    out[3] = find("sum poly ratio", p->name[0]);
    return isnan(v) ? -1.0 : v;
}

/* A tiny bytecode interpreter: opcodes dispatched through a function pointer table taking the
 * machine state, a union register file (int and double views), goto-based halting, a VLA
 * stack, moving stack pointer with asserts. */
#pragma nsc entry(run)
#pragma nsc shape(code, 12)
#pragma nsc range(code, 0, 5)
#pragma nsc range(x, -2, 2)

#include <assert.h>

union reg {
    double d;
    long i;
};

struct vm {
    union reg acc;
    double *sp;
    double *base;
    int depth;
};

typedef void (*op_fn)(struct vm *, double);

static void op_push(struct vm *m, double x)
{
    if (m->sp - m->base < m->depth)
        *m->sp++ = m->acc.d + x;
}
static void op_pop(struct vm *m, double x)
{
    (void)x;
    if (m->sp > m->base)
        m->acc.d = *--m->sp;
}
static void op_add(struct vm *m, double x) { m->acc.d += x; }
static void op_mul(struct vm *m, double x) { m->acc.d *= x; }
static void op_neg(struct vm *m, double x) { (void)x; m->acc.i ^= (long)1 << 63; }

static const op_fn ops[] = {op_push, op_pop, op_add, op_mul, op_neg};

double run(const int code[12], double x, int *height)
{
    int depth = 4 + (x > 0);
    double stack[depth];
    struct vm m = {{.d = 1.0}, stack, stack, depth};
    const int *pc = code;
next:
    if (pc == code + 12)
        goto halt;
    if (*pc == 5)
        goto halt;
    ops[*pc++](&m, x);
    assert(m.sp >= stack && m.sp <= stack + depth);
    goto next;
halt:
    *height = (int)(m.sp - stack);
    return m.acc.d;
}

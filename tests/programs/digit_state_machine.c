/* A small state machine over a digit stream: goto between states, a switch inside a state,
 * labels that fall through, a local enum, and a union tag for the token value. */
#pragma nsc entry(scan)
#pragma nsc shape(c, 16)
#pragma nsc range(c, 0, 12)

enum kind { NUM, OP, END };

struct token {
    enum kind kind;
    union {
        long num;
        char op;
    } u;
};

static int is_digit(int c) { return c < 10; }

long scan(const int c[16], long out[3])
{
    struct token tok;
    long acc = 0, total = 0;
    int i = 0, ops = 0;
    char last = '+';
start:
    if (i >= 16)
        goto finish;
    if (is_digit(c[i])) {
        acc = 0;
        goto number;
    }
    goto op;
number:
    acc = acc * 10 + c[i++];
    if (i < 16 && is_digit(c[i]))
        goto number;
    tok.kind = NUM;
    tok.u.num = acc;
    switch (last) {
    case '+':
        total += tok.u.num;
        break;
    case '-':
        total -= tok.u.num;
        break;
    case '*':
        total = (total * tok.u.num) % 1000003;
        break;
    default:
        total ^= tok.u.num;
    }
    goto start;
op:
    tok.kind = OP;
    switch (c[i++]) {
    case 10: tok.u.op = '+'; break;
    case 11: tok.u.op = '-'; break;
    default: tok.u.op = '*';
    }
    last = tok.u.op;
    ops++;
    goto start;
finish:
    tok.kind = END;
    out[0] = total;
    out[1] = ops;
    out[2] = tok.kind;
    return total + (long)last;
}

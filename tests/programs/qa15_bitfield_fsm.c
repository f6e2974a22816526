/* QA: a protocol state machine whose whole state is one record of bit-fields (a 3-bit state,
 * counters that wrap, a signed error score, an enum field), driven by an input string of
 * event letters selected from a table, transitions in a static table of bit-field records,
 * actions through function pointers, a union to read the packed state word, `_Generic` to
 * name the type a field read promotes to, and a retry path with goto. */
#pragma nsc entry(machine)
#pragma nsc range(script, 0, 5)
#pragma nsc range(seed, 0, 1000)
#pragma nsc shape(trace, 24)

enum state { IDLE, SYNC, HEADER, BODY, CHECK, DONE, FAIL };

struct fsm {
    enum state state : 3;
    unsigned retries : 2;
    unsigned bytes : 6;
    int score : 5;
    unsigned parity : 1;
    unsigned long long seen : 36;
};

union view {
    struct fsm m;
    unsigned long long word[2];
};

struct edge {
    unsigned from : 3;
    char event;
    unsigned to : 3;
    int cost : 4;
    unsigned action : 2;
};

static const struct edge edges[] = {
    {IDLE, 's', SYNC, 1, 0},   {SYNC, 'h', HEADER, 2, 1}, {HEADER, 'b', BODY, 1, 2},
    {BODY, 'b', BODY, -1, 2},  {BODY, 'c', CHECK, 3, 3},  {CHECK, 'e', DONE, 4, 0},
    {SYNC, 's', SYNC, -2, 0},  {HEADER, 'h', HEADER, -3, 1},
};

static const char *const scripts[] = {"shbbbce", "sshbce", "shhhhbbbbbbbbbbbbbbce", "sx",
                                      "shbcx", ""};

static void nothing(struct fsm *m) { (void)m; }
static void header(struct fsm *m) { m->bytes += 4; }
static void body(struct fsm *m) { m->bytes++; m->parity ^= 1; }
static void check(struct fsm *m) { m->score += m->parity ? -3 : 3; }

static void (*const actions[4])(struct fsm *) = {nothing, header, body, check};

static int step(struct fsm *m, char ev)
{
    for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++)
        if (edges[i].from == m->state && edges[i].event == ev) {
            m->state = edges[i].to;
            m->score += edges[i].cost;
            actions[edges[i].action](m);
            return 1;
        }
    return 0;
}

#define PROMOTED(e) _Generic((e) + 0, int: 1, unsigned: 2, long: 3, unsigned long: 4, \
                             long long: 5, unsigned long long: 6, default: 0)

long machine(int script, int seed, long trace[24])
{
    union view v = {{0}};
    v.m.seen = (unsigned long long)seed << 20;
    const char *s = scripts[script];
    int t = 0;
retry:
    for (const char *p = s; *p && t < 24; p++, t++) {
        v.m.seen = v.m.seen * 31 + (unsigned char)*p;
        if (!step(&v.m, *p)) {
            v.m.state = FAIL;
            trace[t] = -1;
            if (v.m.retries++ < 2) {
                v.m.state = IDLE;
                goto retry;
            }
            break;
        }
        trace[t] = v.m.state * 1000 + v.m.bytes * 10 + (v.m.score < 0);
    }
    long kinds = PROMOTED(v.m.bytes) + PROMOTED(v.m.seen) * 10 + PROMOTED(v.m.score) * 100;
    return (long)(v.word[0] % 1000003) + v.m.score * 10000000L + kinds * 100000000L +
           v.m.retries;
}

/* QA: unit conversion through a string-keyed table (`static const char *units[]` beside a
 * struct table of factors and offsets), keys compared with a hand-written strcmp, a key built
 * in a local char array from literals and characters, prefixes ("k", "m", "u") parsed off the
 * front, a switch over the first character, long double factors, and `_Generic` choosing how a
 * float or a double value is widened. */
#pragma nsc entry(convert)
#pragma nsc range(value, -1000.0, 1000.0)
#pragma nsc range(from, 0, 9)
#pragma nsc range(to, 0, 9)
#pragma nsc range(prefix, 0, 3)
#pragma nsc shape(info, 3)

static const char *units[] = {"m", "ft", "in", "mi", "K", "degC", "degF", "J", "cal", "eV"};

struct unit {
    char dim;                /* 'L' length, 'T' temperature, 'E' energy */
    long double factor;      /* to the base unit */
    long double offset;
};

static const struct unit table[] = {
    {'L', 1.0L, 0},          {'L', 0.3048L, 0}, {'L', 0.0254L, 0}, {'L', 1609.344L, 0},
    {'T', 1.0L, 0},          {'T', 1.0L, 273.15L}, {'T', 5.0L / 9, 459.67L * 5 / 9},
    {'E', 1.0L, 0},          {'E', 4.184L, 0}, {'E', 1.602176634e-19L, 0},
};

static int compare(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

static int lookup(const char *key)
{
    for (int i = 0; i < (int)(sizeof units / sizeof *units); i++)
        if (compare(units[i], key) == 0)
            return i;
    return -1;
}

static long double prefix_scale(const char *key, const char **rest)
{
    *rest = key + 1;
    switch (key[0]) {
    case 'k':
        return 1e3L;
    case 'm':
        return key[1] ? 1e-3L : (*rest = key, 1.0L);
    case 'u':
        return 1e-6L;
    default:
        *rest = key;
        return 1;
    }
}

#define WIDEN(v) _Generic((v), float: (long double)(double)(v), default: (long double)(v))

double convert(double value, int from, int to, int prefix, long info[3])
{
    static const char prefixes[] = "\0kmu";
    char key[8] = {0};
    const char *name = units[from];
    int k = 0;
    if (prefix && table[from].dim != 'T')
        key[k++] = prefixes[prefix];
    for (const char *p = name; *p && k < 7; p++)
        key[k++] = *p;
    const char *rest;
    long double scale = prefix_scale(key, &rest);
    int i = lookup(rest), j = to;
    info[0] = i;
    info[1] = (long)sizeof prefixes * 100 + compare(key, name);
    if (i < 0 || table[i].dim != table[j].dim) {
        info[2] = -1;
        return 0.0;
    }
    float narrow = (float)value;
    long double base = (prefix == 3 ? WIDEN(narrow) : WIDEN(value)) * scale * table[i].factor +
                       table[i].offset;
    info[2] = table[j].dim;
    return (double)((base - table[j].offset) / table[j].factor);
}

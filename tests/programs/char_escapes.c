/* Character constants: simple, octal and hexadecimal escapes, and values above 127, which are
 * negative as plain (signed) char on x86-64. */
#pragma nsc entry(f)
#pragma nsc range(a, -3, 3)

long long f(int a, signed char out[6])
{
    long long r = '\a' + '\b' * 3 + '\f' * 5 + '\v' * 7 + '\?' * 11 + '\"' * 13 + '"' * 17;
    r = r * 31 + '\'' + '\\' * 3 + '\0' * 5 + '\7' * 7 + '\77' * 11 + '\177' * 13;
    r = r * 31 + '\200' + '\377' * 3 + '\x0' * 5 + '\x7f' * 7 + '\x80' * 11 + '\xFf' * 13;
    r = r * 31 + '\x000041' + ' ' * 3 + '~' * 5 + (sizeof 'a') * 7;
    out[0] = '\xff';
    out[1] = '\200' + a;
    out[2] = (unsigned char)'\377' >> 1;
    out[3] = '0' + a + 3;
    out[4] = 'A' ^ ' ';
    out[5] = '\t' | '\r' << 2;
    switch ((char)(a * 60)) {
    case '\xb4':                 /* -76: a == -3 */
        r += 1000;
        break;
    case '<':                    /* 60 */
        r += 2000;
        break;
    }
    return r;
}

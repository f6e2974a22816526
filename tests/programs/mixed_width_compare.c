/* Comparisons across widths and signedness: integer promotions first, then the usual
 * arithmetic conversions (C99 6.3.1.1, 6.3.1.8). */
#pragma nsc entry(f)
#pragma nsc range(sc, -128, 127)
#pragma nsc range(uc, 0, 255)
#pragma nsc range(ss, -32768, 32767)
#pragma nsc range(us, 0, 65535)
#pragma nsc range(i, -3000000000, 3000000000)
#pragma nsc range(u, 0, 4294967295)
#pragma nsc range(l, -5000000000, 5000000000)
#pragma nsc range(ul, 0, 10000000000)

unsigned long long f(signed char sc, unsigned char uc, short ss, unsigned short us, int i,
                     unsigned u, long l, unsigned long ul)
{
    unsigned long long bits = 0;
    int k = 0;
#define BIT(c) (bits |= (unsigned long long)((c) != 0) << k++)
    BIT(sc < uc);
    BIT(sc == (signed char)uc);
    BIT((unsigned char)sc == uc);
    BIT(ss < us);
    BIT(ss < u);            /* ss converts to unsigned */
    BIT(i < u);
    BIT(i < (long)u);
    BIT(l < u);             /* u converts to long */
    BIT(l < ul);            /* l converts to unsigned long */
    BIT(i < ul);
    BIT(sc < 200u);
    BIT(uc > -1);
    BIT(us > -1);
    BIT((unsigned short)ss > -1);
    BIT(u > -1L);
    BIT(ul > -1);
    BIT(i + u > 100u);
    BIT(sc * uc < ss);
    BIT(~uc < 0);
    BIT(~us < 0);
    BIT(-u < 10u);
    BIT((sc ^ uc) < 0);
    BIT(uc - 256 < 0);
    BIT(us - 65536L < 0);
    BIT((unsigned)ss >> 31);
    BIT(ss >> 15);
    BIT(ul - l > 5u);
    BIT(i == (int)(unsigned)i);
    BIT(l == (long)(unsigned long)l);
    BIT((long long)ul > l);
    BIT((float)i < u);
    BIT(i < 2147483648);    /* a long constant: no conversion to unsigned */
    BIT(i < 0x80000000);    /* an unsigned int constant */
#undef BIT
    return bits;
}

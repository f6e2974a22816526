/* Conversions of negative and large int values to char, short and their unsigned kinds
 * (gcc keeps the low bits: implementation-defined, but that is the reference here). */
#pragma nsc entry(f)
#pragma nsc range(a, -100000, 100000)

long long f(int a, signed char *c, short *s, unsigned char *uc, unsigned short *us)
{
    *c = (char)a;
    *s = (short)(a * 7);
    *uc = a;
    *us = (unsigned short)(a - 70000);
    char neg = -a;
    short wide = a * 3;
    unsigned char mixed = (signed char)a;
    signed char back = (unsigned char)a;
    long long r = neg + wide * 1000LL + mixed * 7 + back * 13;
    r += (char)200 + (short)40000 + (unsigned char)-1 + (unsigned short)-1 + (signed char)-129;
    r += (long long)(unsigned)(char)a + (long long)(unsigned short)(short)a;
    return r;
}

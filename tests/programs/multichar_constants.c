/* Character constants of several characters, as gcc makes them (an int: each byte shifted in
 * from the right, so 'ab' is 0x6162), escapes among them, and one-character constants, which
 * are a char's value (signed): '\xff' is -1. */
#pragma nsc entry(f)
#pragma nsc range(x, 0, 1)

int f(int x, int r[6])
{
    r[0] = 'ab';
    r[1] = '\x01\xff';
    r[2] = '\xff\x01';
    r[3] = 'abcd';
    r[4] = '\xff\x01\x02\x03';
    r[5] = '\377\001' + '\18'; /* an octal escape has at most three digits: '\1' then '8' */
    return 'bcde' + x + 'a' + '\n' + '\xff';
}

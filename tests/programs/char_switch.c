/* switch over a char with character-constant cases and negative case values. */
#pragma nsc entry(f)
#pragma nsc range(c, -128, 127)

int f(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1;
    case '0':
    case '5':
    case '9':
        return 2;
    case -1:
        return 3;
    case -128:
        return 4;
    case '\n':
        return 5;
    }
    unsigned char u = (unsigned char)c;
    switch (u) {
    case 255:
        return 6;
    case 200:
        return 7;
    default:
        return u % 5 + 10;
    }
}

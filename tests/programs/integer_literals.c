/* Integer literals: hex, octal, suffixes and character constants, with their types. */
#pragma nsc entry(f)
#pragma nsc range(a, -100, 100)

long long f(int a)
{
    long long r = 0x7f + 017 + 'A' + '\n' + '\0' + '\x41';
    r += (long long)sizeof(1u) + (long long)sizeof(1L) * 10 + (long long)sizeof('a') * 100;
    r += 0xFFFFFFFFu / 3u;
    r += 4294967296LL * (a & 3);
    r += 10ULL / 3 + 0x10L;
    r += (-1 > 0u) * 1000000000000LL;
    return r + a;
}

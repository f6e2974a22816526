/* _Alignas on locals, static locals and globals: the address is a multiple of what it asks. */
#include <stdint.h>

#pragma nsc entry(f)
#pragma nsc range(k, 0, 100)

_Alignas(64) static char table[3];
_Alignas(double) unsigned char bytes[5];
extern _Alignas(32) int shared[2];
int shared[2];

int f(int k)
{
    _Alignas(16) char buf[4] = {(char)k};
    _Alignas(32) double d = k;
    _Alignas(int) char one;
    static _Alignas(128) short kept[2];
    one = (char)(k + 1);
    table[0] = (char)k;
    int r = (int)((uintptr_t)buf % 16) + (int)((uintptr_t)&d % 32) + (int)((uintptr_t)&one % 4);
    r += (int)((uintptr_t)table % 64) + (int)((uintptr_t)bytes % 8) + (int)((uintptr_t)kept % 128);
    r += (int)((uintptr_t)shared % 32);
    return r * 1000 + buf[0] + (int)d + one + table[0];
}

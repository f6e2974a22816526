"""A seeded generator of small, UB-free C programs aimed at where C frontends go wrong.

`generate(seed)` returns the text of one program for the differential harness (gcc_harness.py):
an entry `f` with 2-6 integer or float inputs, each with a range pragma, and 2-4 outputs (the
return value and out-pointers). Its statements mix integer promotions and the usual arithmetic
conversions over every standard type (and bit-fields, whose value types gcc gives an exact
width), constants of every spelling, casts, compound assignment to narrow types, unions read
through another member, arrays, pointers, loops with fixed bounds, switch with fallthrough,
enums, statics and helper functions. In some programs (floats.py) math.h calls kept in their
domains, NaN and the infinities, isfinite guards, float chains, conversions of every width and
frexp/modf; in some (records.py) structs passed and returned by value, nested records and arrays
of them, struct copies, pointers to members, pointer arithmetic inside one array, 2-D and 3-D
arrays written by helpers, struct and const array inputs of the entry and a struct result.

Undefined behaviour is impossible by construction. Every integer expression carries the interval
its value lies in and every variable an invariant interval that each store keeps (reducing the
stored value with `%` or `&` when it might not fit). An operation that might overflow its signed
type is done in the unsigned type instead and converted back, which gcc defines as wrapping.
Divisors are made non-zero (`| 1`), shift counts masked below the width, floats clamped with
fmin/fmax (or a comparison) before they become integers, indices reduced modulo the length, and
a full expression modifies only a local that nothing else in it reads or writes.
"""

from cfuzz.program import generate
from cfuzz.types import ULLONG, ULONG, int_constant_type

__all__ = ["ULLONG", "ULONG", "generate", "int_constant_type"]

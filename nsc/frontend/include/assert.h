/* nsc's assert.h.
 *
 * In compiled code a failed assertion ends the row: the oracle gives it the status
 * "assertion" (datagen drops such programs' rows like out-of-bounds ones), and the surrogate
 * learns the rows where every assertion holds. Like any assert, it evaluates its condition
 * unless NDEBUG is defined. gcc, building a file against these headers, traps instead of
 * printing glibc's message; nsc's own preprocessing defines no __GNUC__.
 */
#undef assert
#ifdef NDEBUG
#define assert(condition) ((void)0)
#elif defined(__GNUC__)
#define assert(condition) ((condition) ? (void)0 : __builtin_trap())
#else
#define assert(condition) __nsc_assert(condition)
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif

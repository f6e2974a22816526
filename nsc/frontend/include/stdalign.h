/* nsc's stdalign.h (C11): the spellings of _Alignas and _Alignof. */
#ifndef NSC_STDALIGN_H
#define NSC_STDALIGN_H

#define alignas _Alignas
#define alignof _Alignof
#define __alignas_is_defined 1
#define __alignof_is_defined 1

#endif

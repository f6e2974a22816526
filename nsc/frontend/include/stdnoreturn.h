/* nsc's stdnoreturn.h (C11): the spelling of _Noreturn. */
#ifndef NSC_STDNORETURN_H
#define NSC_STDNORETURN_H

#define noreturn _Noreturn

#endif

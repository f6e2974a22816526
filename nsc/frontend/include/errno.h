/* nsc's errno.h: glibc's errno and error numbers, for a file's test harness (`main`), which
 * nsc does not compile. Compiled code has no errno (math functions do not set one that it
 * could read): reading it there is an error that says so. */
#ifndef NSC_ERRNO_H
#define NSC_ERRNO_H

int *__errno_location(void);
#define errno (*__errno_location())

#define EDOM 33
#define ERANGE 34
#define EILSEQ 84
#define EINVAL 22
#define ENOMEM 12

#endif

/* nsc's time.h: declarations for a file's test harness (`main`), which nsc does not compile.
 * A surrogate has no clock; calling these from compiled code is an error that says so. */
#ifndef NSC_TIME_H
#define NSC_TIME_H

#include <stddef.h>

typedef long clock_t;
typedef long time_t;

#define CLOCKS_PER_SEC ((clock_t)1000000)

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

clock_t clock(void);
time_t time(time_t *now);
double difftime(time_t end, time_t start);

#endif

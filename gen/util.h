/*
 * util.h - the few process-level hooks main needs beside eragen.h.
 */
#ifndef ERAGEN_UTIL_H
#define ERAGEN_UTIL_H

#include <setjmp.h>

/* Install the jump target oom() unwinds to (main's setjmp). */
void oom_catch(jmp_buf *target);

#endif

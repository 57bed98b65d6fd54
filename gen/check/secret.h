/*
 * check/secret.h - SECRET001's credential patterns, for tests/unit/secret_test.c: the
 * pattern of each, and the literal test that lets a file skip it (check/secret.c).
 */
#ifndef ERAGEN_CHECK_SECRET_H
#define ERAGEN_CHECK_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* The number of credential patterns; for c below it, the pattern and whether it is
 * caseless. */
size_t secret_pattern(size_t c, const char **pattern, bool *icase);

/* The patterns whose literals the text s holds (NUL-terminated, as a source file's text
 * is, and holding no other NUL), bit c for pattern c: every match of a pattern holds one
 * of its literals, and SECRET001 does not run a pattern on a file that holds none. */
unsigned secret_literals(const char *s);

#endif

/*
 * rx.h - regular expressions (rx.c: the only file including <pcre2.h>): the "pattern"
 * keywords of the schema, SOPS files' key names and the rules' patterns.
 *
 * A struct rx is owned by whoever compiled it and released with rx_free. Matching never
 * fails silently: a match PCRE2 cannot decide within its limits is -1, which callers
 * report as a diagnostic.
 */
#ifndef ERAGEN_RX_H
#define ERAGEN_RX_H

#include "eragen.h"

struct rx;
/* Compile with PCRE2_UTF | PCRE2_DOLLAR_ENDONLY (| PCRE2_CASELESS if icase), JIT when
 * available. NULL with a message in err (PCRE2's text and offset) if invalid. */
struct rx *rx_compile(const char *pattern, size_t len, bool icase, char *err, size_t errlen);
/* 1 match (unanchored search), 0 no match, -1 the match could not be decided
 * (match/depth limit): callers report that as a diagnostic, never as "no match". */
int rx_search(const struct rx *rx, const char *s, size_t len);
/* As rx_search, also returning the byte span of the whole match. */
int rx_find(const struct rx *rx, const char *s, size_t len, size_t *start, size_t *end);
/* As rx_find, on text already known to be valid UTF-8 (a srcfile's, from a character
 * boundary): PCRE2 does not check it again. A loop of matches through a file would
 * otherwise check the rest of the file at every match. */
int rx_find_text(const struct rx *rx, const char *s, size_t len, size_t *start, size_t *end);
void rx_free(struct rx *rx);
/* The version of the PCRE2 linked in ("10.42"), in buf (`eragen --version`). */
const char *rx_lib_version(char *buf, size_t size);

#endif

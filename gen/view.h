/*
 * view.h - building view models (the node trees templates receive) in C: small typed
 * constructors so back ends read like the data they produce. Every string a spec gave is
 * copied as an ordinary string (escaped by the template's escaper); fragments are text a
 * typed helper rendered and escaped itself (tmpl.h).
 */
#ifndef ERAGEN_VIEW_H
#define ERAGEN_VIEW_H

#include "eragen.h"

enum { NODE_FRAGMENT = 1 << 4 };	/* node flag: pre-rendered, escaped text */

struct node *v_map(struct arena *a);
struct node *v_seq(struct arena *a);
struct node *v_str(struct arena *a, const char *s);
struct node *v_strn(struct arena *a, const char *s, size_t n);
struct node *v_int(struct arena *a, int64_t i);
struct node *v_bool(struct arena *a, bool b);
struct node *v_fragment(struct arena *a, const char *text, size_t n);
/* map[key] = val (appended; keys unique by construction), returns val */
struct node *v_set(struct arena *a, struct node *map, const char *key, struct node *val);
void v_push(struct arena *a, struct node *seq, struct node *val);
/* Mark the last item of each list ("last": true) for templates that need separators. */
void v_mark_last(struct arena *a, struct node *seq);

#endif

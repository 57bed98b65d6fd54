/*
 * schema_cc.h - the state of a schema compilation, shared by the compiler (schema.c) and
 * the keywords it decodes (schema_keyword.c). No other file includes it.
 *
 * A struct cc lives for one schema_compile: its vectors are on the heap (cc_release in
 * schema.c), everything else in the schema's arena. The first failure is kept (cc_fail)
 * and every later step returns at once.
 */
#ifndef ERAGEN_SCHEMA_CC_H
#define ERAGEN_SCHEMA_CC_H

#include "schema_int.h"

/* cJSON node -> compiled schema, open addressing on the pointer. */
struct pmap {
	const void **keys;	/* one heap block: cap keys, then cap values */
	struct sch **vals;
	size_t cap, n;
};

/* A resource or a location-independent identifier ("$id"). */
struct ident {
	const char *uri;
	const cJSON *node;
	const char *base, *ptr;
	bool strict;		/* it stands in the main document */
};

/* A member that is not a keyword: an error unless a $ref points into it. */
struct unknown {
	const cJSON *obj;
	const char *name, *ptr;
	bool used;
	size_t next;		/* the next unknown of the same object and name, + 1 */
	size_t last;		/* the first of them: the last one's index */
};

/* The members of an object (the first of each name) or an array, for ptr_walk: every
 * $ref through "#/definitions/..." walks that object, and cJSON finds a member by
 * walking its list. */
struct members {
	struct strmap by_name;
	const cJSON **at;
	size_t n;
};

struct cc {
	struct schema *s;
	struct arena *a;
	schema_fetch_fn fetch;
	void *fetch_ud;
	char *err;
	size_t errlen;
	bool failed;
	struct pmap map;
	struct sch **pending;		/* schemas whose $ref is still to resolve */
	size_t npending, cappending;
	struct ident *ids;
	size_t nids, capids;
	struct unknown *unknowns;
	size_t nunknowns, capunknowns;
	/* in the schema's arena, for the compilation only: */
	struct strmap id_at;		/* $id URI -> index in ids */
	struct strmap unknown_at;	/* (object, name) -> first index in unknowns */
	struct strmap members_at;	/* object or array -> index in members */
	struct strmap rx_at;		/* pattern source -> index in s->rxs */
	struct members *members;
	size_t nmembers, capmembers;
};

/* One keyword being decoded into s. */
struct kw_ctx {
	struct cc *cc;
	struct sch *s;
	const cJSON *v;		/* the keyword's value */
	const char *name;	/* the keyword */
	const char *ptr;	/* the keyword's JSON pointer */
	const char *base;
	bool strict;
};

/* A keyword of draft-07. with_ref: still read when "$ref" stands beside it. */
struct keyword {
	const char *name;
	bool (*fn)(const struct kw_ctx *k);
	bool with_ref;
};

/* ---- schema.c ---------------------------------------------------------------------- */

/* The schema of j (compiled once per cJSON node), or NULL once compilation failed. */
struct sch *cc_compile(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
		       bool strict);
/* The first failure: its message goes to cc->err. */
void cc_fail(struct cc *cc, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* The first member of object node named name, or NULL. */
const cJSON *cc_member(struct cc *cc, const cJSON *node, const char *name);
/* ptr + "/" + name, escaped as a JSON pointer token; ptr + "/" + i. In a. */
const char *sch_ptr_child(struct arena *a, const char *ptr, const char *name);
const char *sch_ptr_index(struct arena *a, const char *ptr, size_t i);

/* ---- schema_keyword.c -------------------------------------------------------------- */

/* The keyword called name, or NULL for a member that is none. */
const struct keyword *cc_keyword(const char *name);
/* The keyword nearest to a misspelt name, or NULL (sch_nearest). */
const char *cc_keyword_nearest(const char *name);

#endif

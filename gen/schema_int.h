/*
 * schema_int.h - what the JSON Schema files share, and no other file includes: the
 * compiled schema, the character helpers, the internal functions (sch_*). The public side
 * (schema_compile, schema_validate, schema_apply_defaults, json_to_node) is in eragen.h.
 *
 *   schema.c           the compiled schema and its compilation ($id, $ref, documents),
 *                      schema_compile and schema_free
 *   schema_keyword.c   the draft-07 keywords, each decoded into a struct sch
 *                      (schema_cc.h: the compiler's state the two share)
 *   schema_uri.c       URI references (RFC 3986): split, resolve, percent-decode
 *   schema_format.c    the "format" checks
 *   schema_validate.c  schema_validate: the walk over the node tree, its messages
 *   schema_default.c   schema_apply_defaults
 *   json.c             json_to_node (it uses only the character helpers and JSON_MAX_DEPTH)
 *
 * Everything a struct schema holds lives in its arena, or is owned by it (cJSON documents,
 * compiled patterns) and released by schema_free. The compiled tree is not changed after
 * schema_compile, except for the defaults struct prop caches (schema_default.c). The
 * sch_* functions report nothing themselves: they return a result, or NULL.
 */
#ifndef ERAGEN_SCHEMA_INT_H
#define ERAGEN_SCHEMA_INT_H

#include "alloc.h"
#include "rx.h"
#include "schema.h"

#include <cjson/cJSON.h>

#define JSON_MAX_DEPTH 512	/* nesting read by json_to_node, and marked secret */

/* ---- characters -------------------------------------------------------------------- */

static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static inline bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int hex_val(int c)
{
	return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

static inline bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* ---- the compiled schema (schema.c) ------------------------------------------------ */

enum {
	T_NULL = 1 << 0,
	T_BOOLEAN = 1 << 1,
	T_OBJECT = 1 << 2,
	T_ARRAY = 1 << 3,
	T_NUMBER = 1 << 4,
	T_STRING = 1 << 5,
	T_INTEGER = 1 << 6,
};

/* JSON Schema's names, and the words users of a YAML spec know them by. */
struct type_name {
	const char *name, *shown;
	unsigned bit;
};
extern const struct type_name sch_type_names[7];	/* one per T_* bit */

enum fmt {
	FMT_NONE, FMT_UNKNOWN, FMT_DATE, FMT_TIME, FMT_DATE_TIME, FMT_EMAIL, FMT_IDN_EMAIL,
	FMT_HOSTNAME, FMT_IPV4, FMT_IPV6, FMT_URI, FMT_URI_REFERENCE, FMT_IRI,
	FMT_IRI_REFERENCE, FMT_URI_TEMPLATE, FMT_REGEX, FMT_JSON_POINTER,
	FMT_RELATIVE_JSON_POINTER,
};

enum {
	HAS_ENUM = 1 << 0,
	HAS_CONST = 1 << 1,
	HAS_MULTIPLE_OF = 1 << 2,
	HAS_MAXIMUM = 1 << 3,
	HAS_EXCL_MAXIMUM = 1 << 4,
	HAS_MINIMUM = 1 << 5,
	HAS_EXCL_MINIMUM = 1 << 6,
	HAS_MAX_LENGTH = 1 << 7,
	HAS_MIN_LENGTH = 1 << 8,
	HAS_MAX_ITEMS = 1 << 9,
	HAS_MIN_ITEMS = 1 << 10,
	HAS_MAX_PROPS = 1 << 11,
	HAS_MIN_PROPS = 1 << 12,
};

struct sch;

struct prop {
	const char *name;
	size_t len;
	struct sch *s;
	/* Its default as a node tree (with the defaults of its own properties applied) and
	 * the key that names it: converted on first use, then shared by every instance. */
	struct node *dflt_val, *dflt_key;
	uint32_t dflt_file;
};

struct pprop {
	const char *src;
	struct rx *rx;
	struct sch *s;
};

struct dep {
	const char *name;
	const char **names;	/* the array form: keys that must be present too */
	size_t nnames;
	struct sch *s;		/* the schema form */
};

struct sch {
	const char *ptr;		/* where it is, for messages: "#/properties/x" */
	const char *base;		/* base URI in effect */
	bool is_bool, bool_val;		/* a boolean schema */
	bool secret;			/* "x-eragen-secret": true */
	bool unique;
	uint32_t has;			/* HAS_* */
	const char *ref_str, *ref_base;
	struct sch *ref;		/* "$ref": every sibling but the two above is ignored */
	size_t ref_walk;		/* compilation's cycle check: the walk that reached it */
	unsigned types;			/* T_*, 0 without "type" */
	struct node **enum_vals;
	size_t nenum;
	struct nodeset enum_set;	/* the values of a long enum, for sch_enum_has */
	struct node *const_val;
	double multiple_of, maximum, excl_maximum, minimum, excl_minimum;
	uint64_t max_length, min_length, max_items, min_items, max_props, min_props;
	struct rx *pattern;
	const char *pattern_src;
	enum fmt format;
	const char *format_hint;
	struct sch *items;		/* schema form */
	struct sch **items_list;	/* array form */
	size_t nitems_list;
	bool items_is_list;
	struct sch *additional_items, *contains;
	const char **required;
	size_t nrequired;
	struct prop *props;
	size_t nprops;
	const char **prop_names;	/* the props' names, for "did you mean" */
	struct strmap prop_at;		/* name -> first position in props, when many */
	struct pprop *pprops;
	size_t npprops;
	struct sch *additional_props;
	struct dep *deps;
	size_t ndeps;
	struct sch *property_names;
	struct sch *if_s, *then_s, *else_s, *not_s;
	struct sch **all_of, **any_of, **one_of;
	size_t nall_of, nany_of, none_of;
	const cJSON *default_json;
};

struct doc {
	const char *uri;	/* without fragment */
	cJSON *root;
	const char *ptr;	/* "#" for the main document, "<uri>#" for remote ones */
	bool strict;		/* unknown keywords are errors (the main document only) */
};

struct schema {
	struct arena arena;	/* the compiled tree, converted values, strings */
	struct sch *root;
	struct json_arena json;	/* the documents' cJSON trees (alloc.h) */
	struct doc *docs;
	size_t ndocs, capdocs;
	struct rx **rxs;
	size_t nrxs, caprxs;
};

/* The shortest text that reads back as d, in a. */
char *sch_fmt_num(struct arena *a, double d);
/* cJSON value -> node tree in a (enum/const values, defaults), every node at loc. */
struct node *sch_cjson_to_node(struct arena *a, const cJSON *j, struct loc loc,
			       uint32_t flags);
/* The candidate closest to name, if close enough to be a likely typo; else NULL. */
const char *sch_nearest(const char *name, const char *const *cands, size_t n);

/* ---- URIs (schema_uri.c) ----------------------------------------------------------- */

struct span {
	const char *p;
	size_t n;
	bool has;
};

struct uri {
	struct span scheme, auth, path, query, frag;
};

/* s[0..n) split into its components; the spans point into s. */
void sch_uri_split(const char *s, size_t n, struct uri *u);
/* ref resolved against base (RFC 3986 5.2.2), in arena a. */
char *sch_uri_resolve(struct arena *a, const char *base, const char *ref);
/* Percent-decode s (a URI fragment) into a; NULL when it is malformed. */
char *sch_pct_decode(struct arena *a, const char *s);

/* ---- formats (schema_format.c), validation (schema_validate.c) --------------------- */

/* Does s[0..n) have format f? FMT_NONE and FMT_UNKNOWN accept anything. */
bool sch_format_ok(enum fmt f, const char *s, size_t n);
/* Is v one of s's enum values? */
bool sch_enum_has(const struct sch *s, const struct node *v);
/* The "properties" entry of s named key, or NULL. */
const struct prop *sch_prop_find(const struct sch *s, const struct node *key);

#endif

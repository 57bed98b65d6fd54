/*
 * schema.h - JSON Schema draft-07 (schema*.c; with rx.c, the users of cJSON and PCRE2):
 * compile a schema, validate a node tree against it, fill in its defaults.
 *
 * A struct schema owns everything it holds (schema_free). Validation reports each error
 * to a sink and never fails; the defaults are new nodes beside an unchanged input.
 */
#ifndef ERAGEN_SCHEMA_H
#define ERAGEN_SCHEMA_H

#include "eragen.h"

/*
 * A compiled draft-07 schema. Compilation rejects keywords it does not know (vendor
 * extensions "x-..." aside) and patterns PCRE2 cannot compile. Remote $refs are fetched
 * through the fetch callback (NULL: only local refs).
 */
struct schema;
typedef const char *(*schema_fetch_fn)(void *ud, const char *uri, size_t *len);
struct schema *schema_compile(const char *json, size_t len, const char *base_uri,
			      schema_fetch_fn fetch, void *fetch_ud, char *err, size_t errlen);
void schema_free(struct schema *s);
/* The version of the cJSON linked in, which reads schemas and tables (`eragen --version`). */
const char *schema_json_version(void);

enum schema_err {
	SCHEMA_UNKNOWN_KEY,	/* additionalProperties false: SPEC003 (key node given) */
	SCHEMA_TYPE,		/* SPEC004 */
	SCHEMA_REQUIRED,	/* SPEC005 (missing key name given) */
	SCHEMA_VALUE,		/* SPEC006: enum, const, pattern, range, length, format... */
	SCHEMA_UNDECIDED,	/* a pattern match hit the PCRE2 limits: SPEC006 */
};
struct schema_error {
	enum schema_err kind;
	const struct node *at;		/* the offending node (for UNKNOWN_KEY: the key) */
	const struct node *parent;	/* enclosing map for REQUIRED/UNKNOWN_KEY */
	const char *key;		/* UNKNOWN_KEY / REQUIRED: the key */
	const char *suggest;		/* UNKNOWN_KEY: nearest known key, or NULL */
	const char *expected;		/* SCHEMA_TYPE: "string", "integer or string"... */
	char msg[256];			/* full message, without the rule id */
};
typedef void (*schema_sink_fn)(void *ud, const struct schema_error *e);
/*
 * Validate inst. Each error goes to sink (may be NULL: count only). Nodes under a schema
 * with "x-eragen-secret": true get NODE_SECRET. Returns the number of errors.
 */
size_t schema_validate(const struct schema *s, struct node *inst, schema_sink_fn sink, void *ud);
/*
 * Return inst with schema defaults filled in for absent properties (recursively, through
 * properties, additionalProperties, items and $ref); new nodes are NODE_DEFAULT with loc
 * {default_file, 0, 0}. Unchanged subtrees are shared; inst is not modified. Each
 * default is converted once, into the schema's arena, and shared by every instance.
 */
struct node *schema_apply_defaults(struct schema *s, struct arena *a, struct node *inst,
				   uint32_t default_file);

#endif

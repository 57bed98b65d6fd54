/*
 * import.h - `eragen import` (DESIGN 8.2): a tofu_era terraform.tfvars (and its
 * backend.tfvars) turned into a spec, by the mapping of schemas/tofu-era-variables.json.
 *
 * import_map.c applies the mapping: each variable (its value in the tfvars, else its
 * default in variables.tf) written to its spec paths, converted as the mapping says,
 * with where it came from; the values tofu_era's modules fix; the backend's account and
 * state settings. import_yaml.c writes the result as YAML, each value commented with its
 * origin, and the variables that map to nothing listed at the end with the reason.
 */
#ifndef ERAGEN_IMPORT_H
#define ERAGEN_IMPORT_H

#include "eragen.h"

#define IMPORT_MAP "schemas/tofu-era-variables.json"

/* The spec being written: a tree of keys, each a branch or a value with its origin. */
struct ispec {
	const char *key;
	const struct node *val;		/* a value; NULL for a branch */
	const char *why;		/* where val came from (one line) */
	struct ispec **kids;		/* a branch's keys, in the order first written */
	size_t n, cap;
	struct strmap idx;		/* key -> index in kids */
};

/* A variable set in the tfvars that writes nothing: listed at the end of the spec. */
struct iunmapped {
	const char *name;
	const struct node *val;
	const char *reason;
};

struct import_job {
	const char *env, *tier;
	const struct srcfile *tfvars, *backend;	/* backend may be NULL */
	const struct node *vars, *bvars;	/* their attributes */
	const char *tfvars_shown, *backend_shown;	/* paths as given */
	const char *account;			/* from the backend, or NULL */
	const char *account_why;		/* where it came from */
	const char *legacy_key;			/* the backend's state key, or NULL */
	struct ispec *root;
	struct iunmapped *unmapped;
	size_t nunmapped, capunmapped;
};

/* Apply the mapping to job (env, tier, files and attributes set): job->root and the
 * unmapped list. false after diagnostics (SPEC012) when the input is refused. */
bool import_map(struct ctx *ctx, struct arena *a, struct import_job *job);
/* The spec as YAML into sb. */
void import_yaml(struct ctx *ctx, struct arena *a, const struct import_job *job,
		 struct strbuf *sb);
/* Write val at dotted path (replacing what was there), with its origin. */
void ispec_set(struct arena *a, struct ispec *root, const char *path, const struct node *val,
	       const char *why);
/* The value at dotted path, or NULL. */
const struct node *ispec_get(const struct ispec *root, const char *path);
/* Remove the subtree at a top-level key. */
void ispec_drop(struct ispec *root, const char *key);

#endif

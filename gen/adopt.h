/*
 * adopt.h - `eragen adopt` (DESIGN 8.2): the resources an environment's generated
 * stacks manage, paired with their live counterparts in the legacy states, so that the
 * first plan imports them instead of creating them again.
 *
 *   adopt_state.c  the states: `tofu show -json` output or raw `tofu state pull` JSON,
 *                  told apart by their shape; their managed resource instances
 *   adopt_want.c   what the generated stacks manage, from the environment's model and
 *                  identity.h: address, the value that names it, and the values of the
 *                  attributes that force a new resource
 *   adopt_match.c  the pairing (schemas/adopt-types.json), the import ids, the
 *                  replacements (ADOPT001), the report and adopt.tf
 */
#ifndef ERAGEN_ADOPT_H
#define ERAGEN_ADOPT_H

#include "eragen.h"

#define ADOPT_TYPES "schemas/adopt-types.json"

/* A managed resource instance of a legacy state. */
struct live {
	const char *addr, *type;
	const struct node *attrs;	/* its attributes (state) or values (show -json) */
	struct loc loc;			/* where the instance is in its file */
	bool paired;
};

struct lives {
	struct live *v;
	size_t n, cap;
	uint32_t files[16];		/* the state files read (srcfile ids) */
	size_t nfiles;
};

/* Read the state files (paths as given): their managed instances into out; account and
 * region checked against the spec's (may be NULL). false after diagnostics (SPEC012). */
bool adopt_read_states(struct ctx *ctx, const char *env, const char *const *paths,
		       size_t n, const char *account, const char *region, struct lives *out);

/* An attribute of a generated resource whose change would replace the live one. */
struct want_attr {
	const char *attr;	/* path into the live attributes, as in the types table */
	const char *value;	/* the generated value, as adopt_value() writes the live one */
	const char *setting;	/* the spec setting that decides it, or NULL */
	const struct node *at;	/* its node in the spec (for the diagnostic), or NULL */
};

/* A resource the generated stacks manage. */
struct want {
	const char *stack;	/* "infra" or "platform" */
	const char *type, *addr;
	const char *id_value;	/* the identity value; NULL with '*' (the only one) */
	const char *setting;	/* the spec setting that names it, or NULL */
	const struct node *at;
	struct want_attr *attrs;
	size_t nattrs, cap;
	const struct live *live;	/* paired */
	const char *import_id;
	bool replaced;		/* paired, and a ForceNew attribute differs (ADOPT001) */
	const char *note;	/* why it is imported without a state entry, or NULL */
	/* named by another one's live attribute (the KMS key by its alias's target_key_id):
	 * that one's address and attribute, or NULL */
	const char *via, *via_attr;
};

struct wants {
	struct want *v;
	size_t n, cap;
};

struct model;
struct env;
/* What the generated stacks of e manage (those of the types adopt knows). */
void adopt_wants(struct ctx *ctx, struct arena *a, const struct env *e, struct wants *out);
/* A live attribute at a dotted path (".0" for a block's first item), or NULL. */
const struct node *adopt_attr(const struct node *attrs, const char *path);
/* A value as compared: a scalar's text, a list's items joined with ",", a map's sorted
 * "k=v" joined with ","; NULL for a null or absent value. */
const char *adopt_value(struct arena *a, const struct node *n);

struct adopt_report {
	struct wants wants;
	struct lives lives;
	size_t imported, created, legacy, replaced;
};

/* Pair, compute import ids, report replacements (ADOPT001, at the spec). false after a
 * diagnostic that makes the result unusable (the types table, two candidates). */
bool adopt_match(struct ctx *ctx, struct arena *a, const struct env *e, struct adopt_report *r);
/* The import blocks of stack into sb (empty when none). */
void adopt_tf(const struct adopt_report *r, const char *stack, const char *env, struct strbuf *sb);
/* The report in ctx->opt.format (text, json) into sb. */
void adopt_report_render(struct ctx *ctx, const struct adopt_report *r, const char *env,
			 struct strbuf *sb);

#endif

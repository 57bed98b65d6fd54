/*
 * names.c - the derived names of DESIGN 4, from the values they derive from. Pure
 * functions: derivation (resolve.c), the checks (NAME00x) and the back ends use the same
 * ones.
 *
 *   region abbreviation  us-west-2 -> usw2, eu-central-1 -> euc1, ap-southeast-2 -> apse2
 *   state bucket         tofu-state-<app>-<env>-<abbr>-<account>
 *   lock table           tofu-state-lock-<env>-<abbr>
 *   scratch bucket       <cluster>-scratch-<account>
 */
#include "model.h"

#include <string.h>

const char *spec_str(const struct node *spec, const char *dotted)
{
	const struct node *n = node_path(spec, dotted);
	return n && n->kind == NODE_STR ? n->str : NULL;
}

static const struct {
	const char *word, *abbr;
} directions[] = {
	{ "north", "n" }, { "south", "s" }, { "east", "e" }, { "west", "w" },
	{ "central", "c" }, { "northeast", "ne" }, { "northwest", "nw" },
	{ "southeast", "se" }, { "southwest", "sw" },
};

/* <country>-<words>-<number>; words are directions (or kept whole, e.g. "gov"). An
 * abbreviation is never longer than its word: the result fits in the region's length. */
const char *region_abbr(struct arena *a, const char *region)
{
	if (!region)
		return NULL;
	char *out = arena_alloc(a, strlen(region) + 1);
	size_t n = 0;
	const char *s = region;
	while (*s) {
		const char *dash = strchr(s, '-');
		size_t len = dash ? (size_t)(dash - s) : strlen(s);
		const char *abbr = NULL;
		for (size_t i = 0; i < sizeof(directions) / sizeof(directions[0]); i++)
			if (strlen(directions[i].word) == len &&
			    memcmp(directions[i].word, s, len) == 0)
				abbr = directions[i].abbr;
		size_t al = abbr ? strlen(abbr) : len;
		memcpy(out + n, abbr ? abbr : s, al);
		n += al;
		s += len + (dash != NULL);
	}
	out[n] = '\0';
	return out;
}

const char *derived_state_bucket(struct arena *a, const char *app, const char *env,
				 const char *region, const char *account)
{
	const char *abbr = region_abbr(a, region);
	if (!app || !account || !abbr)
		return NULL;
	return arena_printf(a, "tofu-state-%s-%s-%s-%s", app, env, abbr, account);
}

const char *derived_lock_table(struct arena *a, const char *env, const char *region)
{
	const char *abbr = region_abbr(a, region);
	return abbr ? arena_printf(a, "tofu-state-lock-%s-%s", env, abbr) : NULL;
}

const char *derived_scratch_bucket(struct arena *a, const char *cluster, const char *account)
{
	if (!cluster || !account)
		return NULL;
	return arena_printf(a, "%s-scratch-%s", cluster, account);
}

static const struct node *key_at(const struct node *root, const char *dotted)
{
	const struct node *key = NULL, *n = root;
	while (n && n->kind == NODE_MAP && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		long i = node_find(n, dotted, len);
		if (i < 0)
			return NULL;
		key = n->keys[i];
		n = n->items[i];
		dotted += len + (dot != NULL);
	}
	return *dotted ? NULL : key;
}

/* Where the value at path is reported: where it was set; a schema default or a derived
 * value has no line, so then the nearest key on its path that has one (the file that set
 * the enclosing map), else the environment's 'name'. */
struct loc env_value_loc(const struct env *e, const struct node *n, const char *path)
{
	if (n && n->loc.line)
		return n->loc;
	char buf[256];
	if (path && e->resolved && (size_t)snprintf(buf, sizeof(buf), "%s", path) < sizeof(buf)) {
		for (;;) {
			const struct node *key = key_at(e->resolved, buf);
			if (key && key->loc.line)
				return key->loc;
			char *dot = strrchr(buf, '.');
			if (!dot)
				break;
			*dot = '\0';
		}
	}
	const struct node *name = e->model ? e->model->name.n : NULL;
	if (name)
		return name->loc;
	return (struct loc){ .file = e->file ? e->file->id : 0 };
}

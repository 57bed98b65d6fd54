/*
 * suppress.c - acknowledged findings: `lint.ignore` entries and inline comments
 * `# eragen:ignore RULE reason [until=YYYY-MM-DD]` on the offending line or the one above.
 *
 * Consumes the collected diagnostics; marks the ones a suppression covers (they stay in
 * JSON and SARIF, marked) and reports SPEC011 for suppressions without a reason, past
 * their `until` (those no longer suppress), or that matched nothing (only when every
 * environment and every rule ran). An entry in a parent's lint.ignore covers the
 * environments that extend it. libyaml reports no comments, so inline ones are read from
 * the raw source lines.
 */
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

#define MARKER "eragen:ignore"

struct supp {
	const struct env *owner;	/* lint.ignore: whose file; inline: NULL */
	const char *rule;
	const char *path;		/* lint.ignore only; NULL: the whole environment */
	struct loc loc;			/* the entry, or the comment */
	uint32_t file, line;		/* inline: the comment's line */
	bool usable;			/* known, suppressible rule, a reason, not expired */
	bool used;
	const char *reason;
};

struct supp_set {
	struct supp *v;
	size_t n, cap;
};

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool parse_date(const char *s, size_t n, int64_t *days)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s);
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* ---- validating a suppression ---- */

/* Check rule, reason and until; report what is wrong. Returns usable. */
static bool judge(struct ctx *ctx, const char *env, const char *rule, struct loc rule_loc,
		  const char *reason, struct loc at, const char *until, size_t until_len,
		  struct loc until_loc)
{
	const struct rule *r = rule_find(rule);
	if (!r) {
		diag_add(ctx, "SPEC011", env, rule_loc, "suppression of unknown rule '%s'", rule);
		return false;
	}
	if (!r->suppressible) {
		diag_add(ctx, "SPEC011", env, rule_loc,
			 "%s cannot be suppressed: the input cannot be used as it is", rule);
		return false;
	}
	if (!reason || !*reason) {
		struct diag *d = diag_add(ctx, "SPEC011", env, at,
					  "suppression of %s without a reason", rule);
		diag_help(ctx, d, "say why the finding is acknowledged");
		return false;
	}
	if (until) {
		int64_t days;
		if (!parse_date(until, until_len, &days)) {
			diag_add(ctx, "SPEC011", env, until_loc,
				 "suppression of %s has an invalid 'until' date '%.*s' "
				 "(expected YYYY-MM-DD)",
				 rule, (int)until_len, until);
			return false;
		}
		if (days < ctx->today) {
			struct diag *d = diag_add(ctx, "SPEC011", env, until_loc,
						  "suppression of %s expired on %.*s", rule,
						  (int)until_len, until);
			diag_help(ctx, d, "fix the finding, or extend 'until' with a reason");
			return false;
		}
	}
	return true;
}

static void collect_entries(struct ctx *ctx, struct env *e, struct supp_set *set)
{
	const struct node *ign = e->root ? node_path(e->root, "lint.ignore") : NULL;
	if (!ign || ign->kind != NODE_SEQ)
		return;
	for (size_t i = 0; i < ign->n; i++) {
		const struct node *ent = ign->items[i];
		const struct node *rule = node_get(ent, "rule");
		if (ent->kind != NODE_MAP || !rule || rule->kind != NODE_STR)
			continue;	/* the schema reports the shape */
		const struct node *reason = node_get(ent, "reason");
		const struct node *until = node_get(ent, "until");
		const struct node *path = node_get(ent, "path");
		struct supp s = {
			.owner = e,
			.rule = rule->str,
			.path = path && path->kind == NODE_STR ? path->str : NULL,
			.loc = ent->loc,
			/* kept by the diagnostics it suppresses, which outlive e's arena */
			.reason = reason && reason->kind == NODE_STR
					  ? arena_strndup(&ctx->perm, reason->str, reason->len)
					  : NULL,
		};
		bool has_until = until && until->kind == NODE_STR;
		s.usable = judge(ctx, e->name, rule->str, rule->loc, s.reason, ent->loc,
				 has_until ? until->str : NULL, has_until ? until->len : 0,
				 has_until ? until->loc : ent->loc);
		VEC_PUSH(set->v, set->n, set->cap, s);
	}
}

/* ---- inline comments ---- */

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t word_end(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

/* Find "# eragen:ignore" as a YAML comment on a line; parse it into s. */
static bool parse_inline(struct ctx *ctx, const struct srcfile *f, uint32_t line,
			 struct supp *s)
{
	size_t n;
	const char *l = srcfile_line(f, line, &n);
	const char *hit = NULL;
	for (size_t i = 0; i + 1 < n; i++) {
		if (l[i] != '#' || (i > 0 && l[i - 1] != ' ' && l[i - 1] != '\t'))
			continue;
		size_t j = skip_space(l, i + 1, n);
		if (n - j >= strlen(MARKER) && memcmp(l + j, MARKER, strlen(MARKER)) == 0) {
			hit = l + i;
			break;
		}
	}
	if (!hit)
		return false;
	size_t i = skip_space(l, (size_t)(hit - l) + 1, n) + strlen(MARKER);
	struct loc at = { .file = f->id, .line = line,
			  .col = (uint32_t)utf8_count(l, (size_t)(hit - l)) + 1 };
	i = skip_space(l, i, n);
	size_t re = word_end(l, i, n);
	memset(s, 0, sizeof(*s));
	s->loc = at;
	s->file = f->id;
	s->line = line;
	s->rule = arena_strndup(&ctx->perm, l + i, re - i);
	struct loc rule_loc = at;
	rule_loc.col = (uint32_t)utf8_count(l, i) + 1;

	/* the reason runs to the end of the line, less a trailing until=DATE */
	size_t rs = skip_space(l, re, n), rend = n;
	const char *until = NULL;
	size_t until_len = 0;
	struct loc until_loc = at;
	while (rend > rs && (l[rend - 1] == ' ' || l[rend - 1] == '\t'))
		rend--;
	size_t last = rend;
	while (last > rs && l[last - 1] != ' ' && l[last - 1] != '\t')
		last--;
	if (rend - last > 6 && memcmp(l + last, "until=", 6) == 0) {
		until = l + last + 6;
		until_len = rend - last - 6;
		until_loc.col = (uint32_t)utf8_count(l, last) + 1;
		rend = last;
		while (rend > rs && (l[rend - 1] == ' ' || l[rend - 1] == '\t'))
			rend--;
	}
	s->reason = arena_strndup(&ctx->perm, l + rs, rend > rs ? rend - rs : 0);
	if (s->rule[0] == '\0') {
		diag_add(ctx, "SPEC011", NULL, at, "'# eragen:ignore' names no rule");
		s->usable = false;
		return true;
	}
	s->usable = judge(ctx, NULL, s->rule, rule_loc, s->reason, at, until, until_len,
			  until_loc);
	return true;
}

static void collect_inline(struct ctx *ctx, const struct srcfile *f, struct supp_set *set)
{
	if (!f || !f->data || !strstr(f->data, MARKER))
		return;
	for (uint32_t line = 1; line <= f->nlines; line++) {
		struct supp s;
		if (parse_inline(ctx, f, line, &s))
			VEC_PUSH(set->v, set->n, set->cap, s);
	}
}

/* ---- paths: dotted, with [i] indexes and "quoted" keys ---- */

/*
 * The node at path p, or NULL. A value no file wrote (a schema default, a derived value)
 * has no line: *written is then its nearest ancestor that has one, where findings about
 * it are reported.
 */
static const struct node *path_lookup(const struct node *root, const char *p,
				      const struct node **written)
{
	const struct node *n = root;
	*written = n && n->loc.line ? n : NULL;
	while (n && *p) {
		if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);
			if (*end != ']' || n->kind != NODE_SEQ || i < 0 || (size_t)i >= n->n)
				return NULL;
			n = n->items[i];
			p = end + 1;
		} else {
			char key[256];
			size_t k = 0;
			if (*p == '"') {
				for (p++; *p && *p != '"' && k + 1 < sizeof(key); p++)
					key[k++] = *p;
				if (*p != '"')
					return NULL;
				p++;
			} else {
				for (; *p && *p != '.' && *p != '[' && k + 1 < sizeof(key); p++)
					key[k++] = *p;
			}
			key[k] = '\0';
			n = node_get(n, key);
		}
		if (n && n->loc.line)
			*written = n;
		if (*p == '.')
			p++;
	}
	return n;
}

static bool loc_within(const struct loc *l, const struct loc *span)
{
	if (l->file != span->file || l->line == 0 || span->line == 0)
		return false;
	uint32_t end_line = span->end_line ? span->end_line : span->line;
	uint32_t end_col = span->end_col ? span->end_col : UINT32_MAX;
	if (l->line < span->line || l->line > end_line)
		return false;
	if (l->line == span->line && l->col < span->col && l->line == end_line)
		return false;
	if (l->line == end_line && l->col > end_col && l->line != span->line)
		return false;
	return true;
}

/* Does entry s (of owner or one of its parents) cover d, found in env e? */
static bool entry_covers(const struct supp *s, const struct env *e, const struct diag *d)
{
	if (strcmp(s->rule, d->rule->id) != 0)
		return false;
	if (!s->path)
		return true;
	const struct node *written = NULL;
	const struct node *target = e->resolved ? path_lookup(e->resolved, s->path, &written) : NULL;
	if (!target && e->root)
		target = path_lookup(e->root, s->path, &written);
	if (target && !target->loc.line)
		target = written;	/* a default: reported at the nearest key a file wrote */
	return target && (loc_within(&d->loc, &target->loc) ||
			  (d->loc.file == target->loc.file && d->loc.line == target->loc.line));
}

static bool in_chain(const struct ctx *ctx, const struct env *owner, const struct env *e)
{
	for (int depth = 0; e && depth < 10; depth++) {
		if (e == owner)
			return true;
		const struct node *ext = e->root ? node_get(e->root, "extends") : NULL;
		e = ext && ext->kind == NODE_STR ? ctx_env(ctx, ext->str) : NULL;
	}
	return false;
}

static bool covered(const struct ctx *ctx, struct supp_set *set, struct diag *d)
{
	bool hit = false;
	for (size_t i = 0; i < set->n; i++) {
		struct supp *s = &set->v[i];
		if (!s->usable)
			continue;
		bool match = false;
		if (!s->owner) {
			match = strcmp(s->rule, d->rule->id) == 0 && d->loc.file == s->file &&
				(d->loc.line == s->line || d->loc.line == s->line + 1);
		} else {
			for (size_t k = 0; k < d->nenvs && !match; k++) {
				const struct env *e = ctx_env(ctx, d->envs[k]);
				match = e && in_chain(ctx, s->owner, e) && entry_covers(s, e, d);
			}
		}
		if (match) {
			s->used = true;
			if (!hit)
				d->suppress_reason = s->reason;
			hit = true;
		}
	}
	return hit;
}

static void release_set(void *arg)
{
	struct supp_set *set = arg;
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

void suppress_apply(struct ctx *ctx)
{
	struct supp_set set = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_set, &set);
	for (size_t i = 0; i < ctx->nenvs; i++)
		collect_entries(ctx, ctx->envs[i], &set);
	for (size_t i = 0; i < ctx->nenvs; i++)
		collect_inline(ctx, ctx->envs[i]->file, &set);
	/* _defaults.yaml and extra .tf files (DRIFT006) take inline comments too */
	for (size_t f = 1; f < ctx->nfiles; f++) {
		const struct srcfile *sf = ctx->files[f];
		if (!sf)
			continue;
		size_t n = strlen(sf->path);
		bool extra_tf = strncmp(sf->path, "environments/", 13) == 0 &&
				strstr(sf->path, "/extra/") && n > 3 && strcmp(sf->path + n - 3, ".tf") == 0;
		if (strcmp(sf->path, "environments/_defaults.yaml") == 0 || extra_tf)
			collect_inline(ctx, sf, &set);
	}

	size_t n = ctx->ndiags;	/* SPEC011 findings added below are not candidates */
	for (size_t i = 0; i < n; i++) {
		struct diag *d = ctx->diags[i];
		if (d->rule->suppressible && strcmp(d->rule->id, "SPEC011") != 0)
			d->suppressed = covered(ctx, &set, d);
	}
	if (ctx->all_rules_ran) {
		for (size_t i = 0; i < set.n; i++) {
			const struct supp *s = &set.v[i];
			if (!s->usable || s->used)
				continue;
			struct diag *d = diag_add(ctx, "SPEC011", s->owner ? s->owner->name : NULL,
						  s->loc, "suppression of %s matched nothing",
						  s->rule);
			diag_help(ctx, d, "remove it: the finding it acknowledged is gone");
		}
	}
	oom_guard_pop(&guard);
	release_set(&set);
}

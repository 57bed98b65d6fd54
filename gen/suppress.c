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
#include "model.h"

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
		struct diag *d = diag_add(ctx, "SPEC011", env, rule_loc,
					  "suppression of unknown rule '%s'", rule);
		const char *near = rule_nearest(rule);
		if (near)
			diag_help(ctx, d, "did you mean '%s'?", near);
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
	if (!e->model)
		return;
	for (size_t i = 0; i < e->model->lint.ignore.count; i++) {
		const struct m_ignore *ent = &e->model->lint.ignore.v[i];
		const struct node *rule = ent->rule.n;
		if (!ent->rule.s)
			continue;	/* the schema reports the shape */
		const struct node *reason = ent->reason.n;
		const struct node *until = ent->until.n;
		struct supp s = {
			.owner = e,
			.rule = rule->str,
			.path = ent->path.s,
			.loc = ent->n->loc,
			/* kept by the diagnostics it suppresses, which outlive e's arena */
			.reason = ent->reason.s ? arena_strndup(&ctx->perm, reason->str, reason->len)
						: NULL,
		};
		bool has_until = ent->until.s;
		s.usable = judge(ctx, e->name, rule->str, rule->loc, s.reason, ent->n->loc,
				 has_until ? until->str : NULL, has_until ? until->len : 0,
				 has_until ? until->loc : ent->n->loc);
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

/*
 * The value entry s names in e (a schema default or derived value: the nearest key a
 * file wrote, where findings about it are reported), or NULL.
 */
static const struct node *entry_target(const struct supp *s, const struct env *e)
{
	const struct node *written = NULL;
	const struct node *target = e->resolved ? path_lookup(e->resolved, s->path, &written) : NULL;
	if (!target && e->root)
		target = path_lookup(e->root, s->path, &written);
	if (target && !target->loc.line)
		target = written;
	return target;
}

/* ---- matching: which suppressions cover which findings ---- */

/*
 * A finding is covered by an inline comment of its rule on its line or the line above;
 * by a lint.ignore entry of its rule, in the file of an environment it involves or of
 * one of that environment's parents, that has no path; and by such an entry whose path
 * names, in that environment, a value whose span holds the finding (or that starts on
 * its line). The first covering suppression, in the order they were collected, gives the
 * reason; every covering one is used. A spec may hold thousands of findings and of
 * suppressions: each finding finds its suppressions through an index, never by trying
 * them all.
 */

/* A place in the sources, ordered by file, line and column. */
struct pos {
	uint32_t file, line, col;
};

static int pos_cmp(struct pos a, struct pos b)
{
	if (a.file != b.file)
		return a.file < b.file ? -1 : 1;
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	return a.col < b.col ? -1 : a.col > b.col;
}

/* What an entry with a path covers: from the start of its value's first line to the end
 * of the value (the whole last line when the value is on one line). */
struct span {
	struct pos start, end;
	size_t supp;
};

static void span_of(const struct node *target, struct span *sp)
{
	const struct loc *t = &target->loc;
	uint32_t end_line = t->end_line > t->line ? t->end_line : t->line;
	uint32_t end_col = t->end_col ? t->end_col : UINT32_MAX;
	sp->start = (struct pos){ t->file, t->line, 0 };
	sp->end = (struct pos){ t->file, end_line, end_line > t->line ? end_col : UINT32_MAX };
}

/* Entries of one environment's file for one rule, judged in one (inheriting)
 * environment: the findings they are tried on, in order of place. */
struct group {
	const struct env *e;		/* where paths are looked up */
	long first;			/* the entries: set.v[first], then via next[] */
	size_t *diags;			/* indexes into ctx->diags */
	size_t n, cap;
};

struct matcher {
	struct ctx *ctx;
	struct arena a;			/* everything below */
	struct supp_set *set;
	long *next;			/* the next entry of the same owner and rule */
	struct strmap entries;		/* "owner\x1frule" -> first entry */
	struct strmap inline_at;	/* (file, line) -> inline comment */
	struct strmap groups;		/* "env\x1fowner\x1frule" -> group */
	struct group *g;
	size_t ng, capg;
	size_t *best;			/* per finding: the first covering suppression */
};

static const char *entry_key(struct arena *a, const char *owner, const char *rule)
{
	return arena_printf(a, "%s\x1f%s", owner, rule);
}

static void index_set(struct matcher *m)
{
	struct supp_set *set = m->set;
	m->next = arena_alloc(&m->a, (set->n + 1) * sizeof(*m->next));
	long *last = arena_alloc(&m->a, (set->n + 1) * sizeof(*last));
	for (size_t i = 0; i < set->n; i++) {
		struct supp *s = &set->v[i];
		m->next[i] = -1;
		if (!s->usable)
			continue;
		if (!s->owner) {
			uint32_t *k = arena_alloc(&m->a, 2 * sizeof(*k));
			k[0] = s->file, k[1] = s->line;
			if (strmap_get(&m->inline_at, (const char *)k, 2 * sizeof(*k)) < 0)
				strmap_put(&m->a, &m->inline_at, (const char *)k, 2 * sizeof(*k), i);
			continue;
		}
		const char *key = entry_key(&m->a, s->owner->name, s->rule);
		long head = strmap_get(&m->entries, key, strlen(key));
		if (head < 0) {
			strmap_put(&m->a, &m->entries, key, strlen(key), i);
		} else {
			m->next[last[head]] = (long)i;	/* appended: lists keep set order */
		}
		last[head < 0 ? (long)i : head] = (long)i;
	}
}

static void cover(struct matcher *m, size_t d, size_t supp)
{
	m->set->v[supp].used = true;
	if (supp < m->best[d])
		m->best[d] = supp;
}

static void match_inline(struct matcher *m, size_t d)
{
	const struct diag *dg = m->ctx->diags[d];
	for (uint32_t back = 0; back < 2 && dg->loc.line > back; back++) {
		uint32_t k[2] = { dg->loc.file, dg->loc.line - back };
		long i = strmap_get(&m->inline_at, (const char *)k, sizeof(k));
		if (i >= 0 && strcmp(m->set->v[i].rule, dg->rule->id) == 0)
			cover(m, d, (size_t)i);
	}
}

/* The parents of e, e first; at most 10 (as deep as extends chains are followed). */
static size_t chain_of(const struct ctx *ctx, const struct env *e, const struct env **out)
{
	size_t n = 0;
	for (; e && n < 10; n++) {
		out[n] = e;
		const char *ext = e->model ? e->model->extends.s : NULL;
		e = ext ? ctx_env(ctx, ext) : NULL;
	}
	return n;
}

/* File finding d under every (environment, owner) pair that could cover it. */
static void group_finding(struct matcher *m, size_t d)
{
	const struct diag *dg = m->ctx->diags[d];
	for (size_t k = 0; k < dg->nenvs; k++) {
		const struct env *e = ctx_env(m->ctx, dg->envs[k]);
		const struct env *chain[10];
		size_t n = chain_of(m->ctx, e, chain);
		for (size_t c = 0; c < n; c++) {
			const char *ek = entry_key(&m->a, chain[c]->name, dg->rule->id);
			long first = strmap_get(&m->entries, ek, strlen(ek));
			if (first < 0)
				continue;
			const char *gk = arena_printf(&m->a, "%s\x1f%s", e->name, ek);
			long g = strmap_get(&m->groups, gk, strlen(gk));
			if (g < 0) {
				struct group ng = { .e = e, .first = first };
				g = (long)m->ng;
				ARENA_PUSH(&m->a, m->g, m->ng, m->capg, ng);
				strmap_put(&m->a, &m->groups, gk, strlen(gk), (size_t)g);
			}
			struct group *grp = &m->g[g];
			/* one finding can reach a group twice (two of its environments) */
			if (!grp->n || grp->diags[grp->n - 1] != d)
				ARENA_PUSH(&m->a, grp->diags, grp->n, grp->cap, d);
		}
	}
}
static const struct ctx *sort_ctx;	/* qsort has no context argument */

static struct pos diag_pos(const struct diag *d)
{
	return (struct pos){ d->loc.file, d->loc.line, d->loc.col };
}

static int cmp_diag_at(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = pos_cmp(diag_pos(sort_ctx->diags[x]), diag_pos(sort_ctx->diags[y]));
	return c ? c : (x > y) - (x < y);
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = pos_cmp(x->start, y->start);
	return c ? c : (x->supp > y->supp) - (x->supp < y->supp);
}

/* A min-heap of spans by suppression index (the first in set order on top). */
struct heap {
	struct span *v;
	size_t n;
};

static void heap_push(struct heap *h, struct span s)
{
	size_t i = h->n++;
	for (; i > 0 && h->v[(i - 1) / 2].supp > s.supp; i = (i - 1) / 2)
		h->v[i] = h->v[(i - 1) / 2];
	h->v[i] = s;
}

static void heap_pop(struct heap *h)
{
	struct span last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].supp < h->v[c].supp)
			c++;
		if (h->v[c].supp >= last.supp)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
}

/* The entries of g with a path: their spans in g's environment, in order of start. */
static struct span *group_spans(struct matcher *m, const struct group *g, size_t *n)
{
	size_t cap = 0;
	struct span *v = NULL;
	*n = 0;
	for (long i = g->first; i >= 0; i = m->next[i]) {
		const struct supp *s = &m->set->v[i];
		if (!s->path)
			continue;
		const struct node *target = entry_target(s, g->e);
		struct span sp = { .supp = (size_t)i };
		if (!target)
			continue;
		span_of(target, &sp);
		ARENA_PUSH(&m->a, v, *n, cap, sp);
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_span);
	return v;
}

/* The first finding of g (sorted) at or after p, or g->n. */
static size_t first_at(const struct matcher *m, const struct group *g, struct pos p)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pos_cmp(diag_pos(m->ctx->diags[g->diags[mid]]), p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Match one group: entries without a path cover every finding; each finding takes the
 * first entry whose span holds it, found by a sweep in order of place (spans enter a
 * heap as the sweep reaches their start and leave it once it passes their end); an
 * entry is used when a finding lies in its span.
 */
static void match_group(struct matcher *m, struct group *g)
{
	sort_ctx = m->ctx;
	qsort(g->diags, g->n, sizeof(*g->diags), cmp_diag_at);
	sort_ctx = NULL;
	for (long i = g->first; i >= 0; i = m->next[i])
		if (!m->set->v[i].path)
			for (size_t k = 0; k < g->n; k++)
				cover(m, g->diags[k], (size_t)i);
	size_t nspans;
	struct span *sp = group_spans(m, g, &nspans);
	for (size_t i = 0; i < nspans; i++) {
		size_t k = first_at(m, g, sp[i].start);
		if (k < g->n && pos_cmp(diag_pos(m->ctx->diags[g->diags[k]]), sp[i].end) <= 0)
			m->set->v[sp[i].supp].used = true;
	}
	struct heap h = { arena_alloc(&m->a, (nspans + 1) * sizeof(*h.v)), 0 };
	for (size_t k = 0, next = 0; k < g->n; k++) {
		const struct diag *d = m->ctx->diags[g->diags[k]];
		struct pos p = diag_pos(d);
		if (d->loc.line == 0)
			continue;	/* a finding about a whole file lies in no value */
		while (next < nspans && pos_cmp(sp[next].start, p) <= 0)
			heap_push(&h, sp[next++]);
		while (h.n && pos_cmp(h.v[0].end, p) < 0)
			heap_pop(&h);	/* positions only grow: it never holds one again */
		if (h.n)
			cover(m, g->diags[k], h.v[0].supp);
	}
}

/* Mark the findings the suppressions of set cover. */
static void match_all(struct ctx *ctx, struct supp_set *set)
{
	struct matcher m = { .ctx = ctx, .set = set };
	arena_init(&m.a);
	struct oom_guard guard;
	oom_guard_arena(&guard, &m.a);
	index_set(&m);
	size_t n = ctx->ndiags;
	m.best = arena_alloc(&m.a, (n + 1) * sizeof(*m.best));
	for (size_t i = 0; i < n; i++) {
		struct diag *d = ctx->diags[i];
		m.best[i] = SIZE_MAX;
		if (!d->rule->suppressible || strcmp(d->rule->id, "SPEC011") == 0)
			continue;
		match_inline(&m, i);
		group_finding(&m, i);
	}
	for (size_t g = 0; g < m.ng; g++)
		match_group(&m, &m.g[g]);
	for (size_t i = 0; i < n; i++) {
		struct diag *d = ctx->diags[i];
		if (!d->rule->suppressible || strcmp(d->rule->id, "SPEC011") == 0)
			continue;
		d->suppressed = m.best[i] != SIZE_MAX;
		if (d->suppressed) {
			d->suppress_reason = set->v[m.best[i]].reason;
			d->suppress_loc = set->v[m.best[i]].loc;
		}
	}
	oom_guard_pop(&guard);
	arena_release(&m.a);
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

	match_all(ctx, &set);	/* SPEC011 findings added below are not candidates */
	if (ctx->all_rules_ran) {
		for (size_t i = 0; i < set.n; i++) {
			const struct supp *s = &set.v[i];
			/* ADOPT rules are reported by `eragen adopt` only, never by lint */
			if (!s->usable || s->used || strncmp(s->rule, "ADOPT", 5) == 0)
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

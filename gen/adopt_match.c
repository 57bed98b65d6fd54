/*
 * adopt_match.c - each generated resource paired with its live counterpart (adopt.h),
 * by the types table schemas/adopt-types.json: same type (or a legacy name of it), same
 * identity value. One candidate: imported, with the import id the table's template
 * builds from the live attributes, and every ForceNew attribute whose generated value
 * differs from the live one reported as ADOPT001 at the spec setting that decides it.
 * None: created. Two: a diagnostic, never a guess. Live resources nothing pairs with are
 * left in the legacy state.
 *
 * Linear: the live instances are indexed once by (type, identity value); each generated
 * resource is one lookup.
 */
#include "adopt.h"

#include <stdlib.h>

/* ---- values --------------------------------------------------------------------------- */

const struct node *adopt_attr(const struct node *attrs, const char *path)
{
	const struct node *n = attrs;
	for (const char *p = path; n && *p;) {
		size_t len = strcspn(p, ".");
		if (n->kind == NODE_SEQ) {
			char *end;
			unsigned long i = strtoul(p, &end, 10);
			n = end == p + len && i < n->n ? n->items[i] : NULL;
		} else if (n->kind == NODE_MAP) {
			long i = node_find(n, p, len);
			n = i >= 0 ? n->items[i] : NULL;
		} else {
			n = NULL;
		}
		p += len + (p[len] == '.');
	}
	return n;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

const char *adopt_value(struct arena *a, const struct node *n)
{
	if (!n || n->kind == NODE_NULL)
		return NULL;
	if (n->kind == NODE_BOOL)
		return n->v.b ? "true" : "false";
	if (n->kind != NODE_SEQ && n->kind != NODE_MAP)
		return n->str ? n->str : "";
	const char **v = arena_alloc(a, (n->n + 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++) {
		const char *s = adopt_value(a, n->items[i]);
		v[i] = n->kind == NODE_MAP ? arena_printf(a, "%s=%s", n->keys[i]->str, s ? s : "")
					   : (s ? s : "");
	}
	if (n->kind == NODE_MAP)
		qsort(v, n->n, sizeof(*v), cmp_str);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &sb);
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			sb_putc(&sb, ',');
		sb_puts(&sb, v[i]);
	}
	const char *r = arena_strdup(a, sb.buf ? sb.buf : "");
	oom_guard_pop(&g);
	sb_release(&sb);
	return r;
}

static bool same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* ---- the index of live instances ----------------------------------------------------- */

struct matcher {
	struct ctx *ctx;
	struct arena *a;
	const struct env *e;
	const struct node *types;	/* the table's "types" */
	struct strmap canon;		/* a state type -> index of its type in types */
	struct strmap idx;		/* "type\036value" -> bucket */
	struct bucket {
		size_t *v;
		size_t n, cap;
	} *buckets;
	size_t nbuckets, capbuckets;
	struct adopt_report *r;
	bool ok;
};

static const char *type_of(const struct matcher *m, const char *state_type)
{
	long k = strmap_get(&m->canon, state_type, strlen(state_type));
	return k >= 0 ? m->types->keys[k]->str : NULL;
}

static const char *key(struct arena *a, const char *type, const char *value)
{
	return arena_printf(a, "%s\036%s", type, value ? value : "\036*");
}

static void bucket_add(struct matcher *m, const char *k, size_t live)
{
	long b = strmap_get(&m->idx, k, strlen(k));
	if (b < 0) {
		struct bucket nb = { NULL, 0, 0 };
		ARENA_PUSH(m->a, m->buckets, m->nbuckets, m->capbuckets, nb);
		b = (long)m->nbuckets - 1;
		strmap_put(m->a, &m->idx, k, strlen(k), (size_t)b);
	}
	struct bucket *bk = &m->buckets[b];
	ARENA_PUSH(m->a, bk->v, bk->n, bk->cap, live);
}

static void index_lives(struct matcher *m)
{
	for (size_t t = 0; t < m->types->n; t++) {
		const struct node *e = m->types->items[t];
		strmap_put(m->a, &m->canon, m->types->keys[t]->str, m->types->keys[t]->len, t);
		const struct node *lt = node_get(e, "legacy_types");
		for (size_t i = 0; lt && lt->kind == NODE_SEQ && i < lt->n; i++)
			if (lt->items[i]->kind == NODE_STR)
				strmap_put(m->a, &m->canon, lt->items[i]->str, lt->items[i]->len, t);
	}
	for (size_t i = 0; i < m->r->lives.n; i++) {
		const struct live *l = &m->r->lives.v[i];
		const char *t = type_of(m, l->type);
		if (!t)
			continue;
		const struct node *ident = node_get(node_get(m->types, t), "identity");
		const char *path = ident && ident->kind == NODE_STR ? ident->str : "*";
		bucket_add(m, key(m->a, t, NULL), i);	/* every one of the type: for '*' */
		const char *v = strcmp(path, "*") ? adopt_value(m->a, adopt_attr(l->attrs, path))
						  : NULL;
		if (v)
			bucket_add(m, key(m->a, t, v), i);
	}
}

/* ---- one generated resource ---------------------------------------------------------- */

/* The import id: the template with each {path} replaced by the live value. */
static const char *import_id(struct arena *a, const char *tmpl, const struct node *attrs)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &sb);
	for (const char *p = tmpl; *p;) {
		const char *e = *p == '{' ? strchr(p, '}') : NULL;
		if (!e) {
			sb_putc(&sb, *p++);
			continue;
		}
		char *path = arena_strndup(a, p + 1, (size_t)(e - p - 1));
		const char *v = adopt_value(a, adopt_attr(attrs, path));
		sb_puts(&sb, v ? v : "");
		p = e + 1;
	}
	const char *r = arena_strdup(a, sb.buf ? sb.buf : "");
	oom_guard_pop(&g);
	sb_release(&sb);
	return r;
}

static bool in_list(const struct node *list, const char *s)
{
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->n; i++)
		if (list->items[i]->kind == NODE_STR && strcmp(list->items[i]->str, s) == 0)
			return true;
	return false;
}

static void replacement(struct matcher *m, const struct want *w, const struct want_attr *x,
			const char *live)
{
	const struct env *e = m->e;
	struct loc at = x->at || x->setting ? env_value_loc(e, x->at, x->setting)
					    : (struct loc){ .file = e->file ? e->file->id : 0 };
	struct diag *d = diag_add(m->ctx, "ADOPT001", e->name, at,
				  "adopting would replace '%s' (live '%s'): %s is '%s' live, '%s' "
				  "generated", w->addr, w->live->addr, x->attr, live ? live : "none",
				  x->value ? x->value : "none");
	if (x->setting)
		diag_help(m->ctx, d, "set '%s' so that it gives the live value, or acknowledge the "
				     "replacement with a reason (lint.ignore)", x->setting);
	else
		diag_help(m->ctx, d, "no setting keeps it: if replacing it is deliberate, "
				     "acknowledge it with a reason (lint.ignore, or '# eragen:ignore "
				     "ADOPT001 REASON' on this line)");
}

/* The ForceNew attributes of a paired resource; true when one differs. */
static bool compare(struct matcher *m, const struct want *w, const struct node *te)
{
	const struct node *fn = node_get(te, "force_new"), *rec = node_get(te, "recorded_on_import");
	bool replaced = false;
	for (size_t i = 0; i < w->nattrs; i++) {
		const struct want_attr *x = &w->attrs[i];
		if (!in_list(fn, x->attr))
			continue;
		const struct node *r = rec && rec->kind == NODE_MAP ? node_get(rec, x->attr) : NULL;
		const char *live = r ? adopt_value(m->a, r)
				     : adopt_value(m->a, adopt_attr(w->live->attrs, x->attr));
		if (same(live, x->value))
			continue;
		replacement(m, w, x, live);
		replaced = true;
	}
	return replaced;
}

/* The live candidates of w: a bucket, or NULL. */
static const struct bucket *candidates(struct matcher *m, struct want *w, const char *ident)
{
	if (w->via) {
		for (size_t i = 0; i < m->r->wants.n && !w->id_value; i++) {
			const struct want *o = &m->r->wants.v[i];
			if (o->live && strcmp(o->addr, w->via) == 0)
				w->id_value = adopt_value(m->a, adopt_attr(o->live->attrs, w->via_attr));
		}
		if (!w->id_value)
			return NULL;
	}
	bool any = strcmp(ident, "*") == 0;
	const char *k = key(m->a, w->type, any ? NULL : w->id_value);
	long b = any || w->id_value ? strmap_get(&m->idx, k, strlen(k)) : -1;
	return b >= 0 ? &m->buckets[b] : NULL;
}

static void two_candidates(struct matcher *m, const struct want *w, const struct bucket *b)
{
	const struct live *x = &m->r->lives.v[b->v[0]], *y = &m->r->lives.v[b->v[1]];
	struct diag *d = diag_add(m->ctx, "SPEC012", m->e->name, y->loc,
				  "two live resources could be '%s': '%s' and '%s'", w->addr,
				  x->addr, y->addr);
	diag_note(m->ctx, d, x->loc, "the other one");
	diag_help(m->ctx, d, "give each legacy state once, and remove the one that is not this "
			     "environment's from the state ('tofu state rm')");
	m->ok = false;
}

/* A private table's default route: inline in the legacy table it pairs with. */
static void inline_route(struct matcher *m, struct want *w)
{
	const struct want *t = NULL;
	for (size_t i = 0; i < m->r->wants.n && !t; i++)
		if (strcmp(m->r->wants.v[i].addr, w->via) == 0)
			t = &m->r->wants.v[i];
	const struct node *routes = t && t->live ? adopt_attr(t->live->attrs, "route") : NULL;
	for (size_t i = 0; routes && routes->kind == NODE_SEQ && i < routes->n; i++) {
		const char *c = adopt_value(m->a, adopt_attr(routes->items[i], "cidr_block"));
		if (c && strcmp(c, "0.0.0.0/0") == 0) {
			w->import_id = arena_printf(m->a, "%s_0.0.0.0/0", w->id_value);
			w->note = arena_printf(m->a, "the default route inside %s", t->live->addr);
			m->r->imported++;
			return;
		}
	}
}

/* What exists live outside every state: the log group EKS makes when control-plane
 * logging is on; a route inline in a legacy route table. */
static void outside_state(struct matcher *m, struct want *w)
{
	if (strcmp(w->type, "aws_route") == 0 && w->via && w->id_value) {
		inline_route(m, w);
		return;
	}
	if (strcmp(w->type, "aws_cloudwatch_log_group") != 0)
		return;
	for (size_t i = 0; i < m->r->wants.n; i++) {
		const struct want *c = &m->r->wants.v[i];
		const struct node *logs = c->live && strcmp(c->type, "aws_eks_cluster") == 0
						  ? adopt_attr(c->live->attrs, "enabled_cluster_log_types")
						  : NULL;
		if (logs && logs->kind == NODE_SEQ && logs->n > 0) {
			w->import_id = w->id_value;
			w->note = "made by EKS for the control plane logs: in no state";
			m->r->imported++;
		}
	}
}

static void pair(struct matcher *m, struct want *w)
{
	const struct node *te = node_get(m->types, w->type);
	const struct node *ident = te ? node_get(te, "identity") : NULL;
	if (!ident || ident->kind != NODE_STR)
		return;
	const struct bucket *b = candidates(m, w, ident->str);
	size_t free = 0, pick = 0;
	for (size_t i = 0; b && i < b->n; i++)
		if (!m->r->lives.v[b->v[i]].paired)
			free++, pick = b->v[i];
	if (free > 1) {
		two_candidates(m, w, b);
		return;
	}
	if (free == 0)
		return;
	struct live *l = &m->r->lives.v[pick];
	l->paired = true;
	w->live = l;
	const struct node *tmpl = node_get(te, "import_id");
	w->import_id = import_id(m->a, tmpl && tmpl->kind == NODE_STR ? tmpl->str : "{id}", l->attrs);
	w->replaced = compare(m, w, te);
	if (w->replaced)
		m->r->replaced++;
	else
		m->r->imported++;
}

/* ---- the whole ----------------------------------------------------------------------- */

static const struct node *load_types(struct ctx *ctx)
{
	struct srcfile *f = srcfile_read_data(ctx, ADOPT_TYPES, NULL);
	const struct node *j = f ? srcfile_json(ctx, f) : NULL;
	const struct node *t = j && j->kind == NODE_MAP ? node_get(j, "types") : NULL;
	if (f && (!t || t->kind != NODE_MAP)) {
		diag_add(ctx, "SPEC012", NULL, (struct loc){ .file = f->id },
			 "'%s' is not a table of resource types (no object 'types')", ADOPT_TYPES);
		return NULL;
	}
	return t;
}

bool adopt_match(struct ctx *ctx, struct arena *a, const struct env *e, struct adopt_report *r)
{
	struct matcher m = { .ctx = ctx, .a = a, .e = e, .r = r, .ok = true };
	m.types = load_types(ctx);
	if (!m.types)
		return false;
	index_lives(&m);
	/* '*' pairs only a type the stacks have once */
	struct strmap count = { 0 };
	for (size_t i = 0; i < r->wants.n; i++) {
		const char *t = r->wants.v[i].type;
		long c = strmap_get(&count, t, strlen(t));
		strmap_put(a, &count, t, strlen(t), c < 0 ? 1 : (size_t)c + 1);
	}
	for (size_t i = 0; i < r->wants.n; i++) {
		struct want *w = &r->wants.v[i];
		const struct node *ident = node_get(node_get(m.types, w->type), "identity");
		if (!(ident && ident->kind == NODE_STR && strcmp(ident->str, "*") == 0 &&
		      strmap_get(&count, w->type, strlen(w->type)) > 1))
			pair(&m, w);
	}
	/* after every pairing: what is imported without a state entry needs its cluster */
	for (size_t i = 0; i < r->wants.n; i++) {
		struct want *w = &r->wants.v[i];
		if (!w->live && !w->import_id)
			outside_state(&m, w);
		r->created += !w->live && !w->import_id;
	}
	for (size_t i = 0; i < r->lives.n; i++)
		r->legacy += !r->lives.v[i].paired;
	return m.ok;
}

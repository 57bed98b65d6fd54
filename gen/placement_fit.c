/*
 * placement_fit.c - which node groups each row of the placement matrix lands on, found
 * without judging every (workload, group) pair: a spec may hold thousands of profiles and
 * of node groups, and the full matrix would grow with their product.
 *
 * Consumes the groups and rows placement.c built; fills each row's lands (ascending
 * group indexes). The candidates for a row come from indexes of the groups: those that
 * carry its rarest selector entry, or else (when it tolerates no taint without a key)
 * the untainted groups that carry it plus the groups with a taint one of its tolerations
 * names, whichever is fewer; each candidate is then judged (selector, then taints, with
 * the row's tolerations indexed). Rows that select and tolerate alike share one list.
 * Judging is bounded by PL_MAX_WORK per environment; rows beyond are left unjudged.
 */
#include "placement.h"

#include <stdlib.h>
#include <string.h>

/* ---- a table keyed by a pair of strings (value NULL: the key alone) ---- */

static uint64_t pair_hash(const char *k, const char *v)
{
	uint64_t h = str_hash(k, strlen(k));
	return v ? h ^ (str_hash(v, strlen(v)) * 0x9e3779b97f4a7c15u + 1) : h;
}

static bool pair_is(const struct pl_pair_ent *e, const char *k, const char *v)
{
	return strcmp(e->k, k) == 0 && (v ? e->v && strcmp(e->v, v) == 0 : !e->v);
}

static struct pl_pair_ent *pair_slot(const struct pl_pairs *m, const char *k, const char *v)
{
	size_t mask = m->cap - 1, i = (size_t)pair_hash(k, v) & mask;
	while (m->e[i].k && !pair_is(&m->e[i], k, v))
		i = (i + 1) & mask;
	return &m->e[i];
}

long pl_pairs_get(const struct pl_pairs *m, const char *k, const char *v)
{
	if (!m->cap)
		return -1;
	const struct pl_pair_ent *e = pair_slot(m, k, v);
	return e->k ? (long)e->val : -1;
}

void pl_pairs_put(struct arena *a, struct pl_pairs *m, const char *k, const char *v, size_t val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct pl_pairs old = *m;
		size_t cap = old.cap ? 2 * old.cap : 16;
		struct pl_pair_ent *ents = arena_alloc(a, cap * sizeof(*ents));
		m->e = ents;
		m->cap = cap;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].k)
				*pair_slot(m, old.e[i].k, old.e[i].v) = old.e[i];
	}
	struct pl_pair_ent *e = pair_slot(m, k, v);
	m->n += !e->k;
	*e = (struct pl_pair_ent){ k, v, val };
}

/* ---- the indexes of the groups ---- */

struct glist {
	size_t *v;
	size_t n, cap;
};

struct pl_index {
	struct pl_pairs label;		/* (key, value) and (key): every group carrying it */
	struct pl_pairs free_label;	/* the same, among the unblocked groups */
	struct pl_pairs taint;		/* blocking taints by (key, value) and (key) */
	struct glist *lists;
	size_t nlists, caplists;
	struct glist all, free;		/* every group; the unblocked ones */
	struct strmap rows;		/* a row's signature -> the row judged with it */
	uint32_t *stamp;		/* per group: the row that last took it as a candidate */
	uint32_t now;
};

/* Append g to the list m holds for (k, v); a list never holds a group twice. */
static void list_add(struct arena *a, struct pl_index *ix, struct pl_pairs *m, const char *k,
		     const char *v, size_t g)
{
	long at = pl_pairs_get(m, k, v);
	if (at < 0) {
		struct glist empty = { 0 };
		at = (long)ix->nlists;
		ARENA_PUSH(a, ix->lists, ix->nlists, ix->caplists, empty);
		pl_pairs_put(a, m, k, v, (size_t)at);
	}
	struct glist *l = &ix->lists[at];
	if (!l->n || l->v[l->n - 1] != g)
		ARENA_PUSH(a, l->v, l->n, l->cap, g);
}

static const struct glist *list_of(const struct pl_index *ix, const struct pl_pairs *m,
				   const char *k, const char *v)
{
	long at = pl_pairs_get(m, k, v);
	return at < 0 ? NULL : &ix->lists[at];
}

static bool blocking(const struct pl_taint *t)
{
	return strcmp(t->effect, "PreferNoSchedule") != 0;
}

void pl_index_groups(struct arena *a, struct placement *p)
{
	struct pl_index *ix = arena_alloc(a, sizeof(*ix));
	ix->stamp = arena_alloc(a, (p->ngroups + 1) * sizeof(*ix->stamp));
	for (size_t g = 0; g < p->ngroups; g++) {
		struct pl_group *grp = &p->groups[g];
		for (size_t i = 0; i < grp->ntaints; i++)
			grp->blocked |= blocking(&grp->taints[i]);
		ARENA_PUSH(a, ix->all.v, ix->all.n, ix->all.cap, g);
		if (!grp->blocked)
			ARENA_PUSH(a, ix->free.v, ix->free.n, ix->free.cap, g);
		for (size_t i = 0; i < grp->nlabels; i++) {
			const struct pl_label *l = &grp->labels[i];
			list_add(a, ix, &ix->label, l->key, l->value, g);
			list_add(a, ix, &ix->label, l->key, NULL, g);
			if (!grp->blocked)
				list_add(a, ix, &ix->free_label, l->key, l->value, g);
		}
		for (size_t i = 0; i < grp->ntaints; i++) {
			const struct pl_taint *t = &grp->taints[i];
			if (!blocking(t))
				continue;
			list_add(a, ix, &ix->taint, t->key, t->value, g);
			list_add(a, ix, &ix->taint, t->key, NULL, g);
		}
	}
	p->ix = ix;
}

/* ---- a row's tolerations ---- */

static unsigned effect_bits(const char *effect)
{
	if (!effect || !*effect)
		return PL_EFF_ALL;
	const char *e = taint_effect_norm(effect);
	if (!e)
		return 0;	/* tolerates nothing */
	return strcmp(e, "NoSchedule") == 0 ? PL_EFF_NOSCHEDULE
	       : strcmp(e, "NoExecute") == 0 ? PL_EFF_NOEXECUTE
					     : PL_EFF_PREFER;
}

static bool is_exists(const struct toleration *t)
{
	return t->op && strcmp(t->op, "Exists") == 0;
}

#define TOLS_INDEXED 8	/* fewer tolerations are tried in turn */

void pl_index_tols(struct arena *a, struct pl_workload *w)
{
	for (size_t i = 0; i < w->ntols; i++) {
		const struct toleration *t = &w->tols[i].t;
		unsigned bits = effect_bits(t->effect);
		if (!t->key || !*t->key) {
			if (is_exists(t))
				w->tol_any |= bits;	/* an empty key with Equal tolerates nothing */
			continue;
		}
		if (w->ntols <= TOLS_INDEXED)
			continue;
		const char *v = is_exists(t) ? NULL : t->value ? t->value : "";
		long had = pl_pairs_get(&w->tol_at, t->key, v);
		pl_pairs_put(a, &w->tol_at, t->key, v, (had < 0 ? 0 : (size_t)had) | bits);
	}
}

bool placement_tolerates(const struct pl_workload *w, const struct pl_taint *t)
{
	if (w->ntols <= TOLS_INDEXED) {
		for (size_t k = 0; k < w->ntols; k++)
			if (toleration_matches(&w->tols[k].t, t->key, t->value, t->effect))
				return true;
		return false;
	}
	unsigned bit = effect_bits(t->effect);
	if (w->tol_any & bit)
		return true;
	long key = pl_pairs_get(&w->tol_at, t->key, NULL);
	long pair = pl_pairs_get(&w->tol_at, t->key, t->value);
	return (key >= 0 && ((size_t)key & bit)) || (pair >= 0 && ((size_t)pair & bit));
}

/* ---- judging ---- */

bool placement_group_has(const struct pl_group *g, const char *key, const char *value)
{
	return pl_pairs_get(&g->label_at, key, value) >= 0;
}

struct pl_fit placement_fit(const struct placement *p, const struct pl_workload *w, size_t g)
{
	const struct pl_group *grp = &p->groups[g];
	struct pl_fit f = { -1, -1 };
	for (size_t i = 0; i < w->nselector && f.selector_miss < 0; i++)
		if (!placement_group_has(grp, w->selector[i].key, w->selector[i].value))
			f.selector_miss = (long)i;
	for (size_t i = 0; i < grp->ntaints && f.taint_miss < 0; i++)
		if (blocking(&grp->taints[i]) && !placement_tolerates(w, &grp->taints[i]))
			f.taint_miss = (long)i;
	return f;
}

bool placement_lands(const struct pl_workload *w, size_t g)
{
	size_t lo = 0, hi = w->judged ? w->nlands : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->lands[mid] < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (w->judged ? w->nlands : 0) && w->lands[lo] == g;
}

const size_t *placement_with_label(const struct placement *p, const char *key,
				   const char *value, size_t *n)
{
	const struct glist *l = p->ix ? list_of(p->ix, &p->ix->label, key, value) : NULL;
	*n = l ? l->n : 0;
	return l ? l->v : NULL;
}

/* The fewest groups that can hold every selector entry of w (from m: all groups or the
 * unblocked ones; all of them when w selects nothing); NULL when an entry is nowhere. */
static const struct glist *by_selector(const struct pl_index *ix, const struct pl_pairs *m,
				       const struct glist *all, const struct pl_workload *w)
{
	const struct glist *best = all;
	for (size_t i = 0; i < w->nselector; i++) {
		const struct glist *l = list_of(ix, m, w->selector[i].key, w->selector[i].value);
		if (!l)
			return NULL;
		if (l->n < best->n)
			best = l;
	}
	return best;
}

/* The groups a taint of which one of w's tolerations names, list by list (or their
 * number, with out NULL). */
static size_t by_tolerations(const struct pl_index *ix, const struct pl_workload *w,
			     const struct glist **out)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < w->ntols; i++) {
		const struct toleration *t = &w->tols[i].t;
		if (!t->key || !*t->key)
			continue;
		const struct glist *l = list_of(ix, &ix->taint, t->key,
						is_exists(t) ? NULL : t->value ? t->value : "");
		if (!l)
			continue;
		n += l->n;
		if (out)
			out[k++] = l;
	}
	return out ? k : n;
}

struct judging {
	struct placement *p;
	struct pl_workload *w;
	struct arena *a;
	struct glist lands;
	bool over;		/* PL_MAX_WORK reached */
};

static void try_group(struct judging *j, size_t g)
{
	struct pl_index *ix = j->p->ix;
	if (j->over || ix->stamp[g] == ix->now)
		return;
	ix->stamp[g] = ix->now;
	j->p->work += 1 + j->w->nselector + j->p->groups[g].ntaints;
	if (j->p->work > PL_MAX_WORK) {
		j->over = true;
		return;
	}
	struct pl_fit f = placement_fit(j->p, j->w, g);
	if (f.selector_miss < 0 && f.taint_miss < 0)
		ARENA_PUSH(j->a, j->lands.v, j->lands.n, j->lands.cap, g);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* Judge w's candidates into its lands; false when PL_MAX_WORK ran out. */
static bool judge_row(struct placement *p, struct arena *a, struct pl_workload *w)
{
	struct pl_index *ix = p->ix;
	struct judging j = { p, w, a, { 0 }, false };
	ix->now++;
	const struct glist *sel = by_selector(ix, &ix->label, &ix->all, w);
	const struct glist *free_sel = by_selector(ix, &ix->free_label, &ix->free, w);
	size_t nfree = free_sel ? free_sel->n : 0;
	bool by_taint = !w->tol_any && sel && nfree + by_tolerations(ix, w, NULL) < sel->n;
	if (by_taint) {
		for (size_t i = 0; i < nfree; i++)
			try_group(&j, free_sel->v[i]);
		const struct glist **lists = arena_alloc(a, (w->ntols + 1) * sizeof(*lists));
		size_t nl = by_tolerations(ix, w, lists);
		for (size_t l = 0; l < nl; l++)
			for (size_t i = 0; i < lists[l]->n; i++)
				try_group(&j, lists[l]->v[i]);
		if (j.lands.n > 1)
			qsort(j.lands.v, j.lands.n, sizeof(*j.lands.v), cmp_size);
	} else {
		for (size_t i = 0; sel && i < sel->n; i++)
			try_group(&j, sel->v[i]);
	}
	w->lands = j.lands.v;
	w->nlands = j.lands.n;
	return !j.over;
}

/* For a row that lands nowhere: the first groups its selector matches (SCHED002 names
 * them; none: SCHED003). */
static bool select_row(struct placement *p, struct arena *a, struct pl_workload *w)
{
	const struct glist *sel = by_selector(p->ix, &p->ix->label, &p->ix->all, w);
	size_t cap = 0;
	for (size_t i = 0; sel && i < sel->n && w->nselected < PL_MAX_SELECTED; i++) {
		size_t g = sel->v[i];
		p->work += 1 + w->nselector;
		if (p->work > PL_MAX_WORK)
			return false;
		if (placement_fit(p, w, g).selector_miss < 0)
			ARENA_PUSH(a, w->selected, w->nselected, cap, g);
	}
	return true;
}

const size_t *placement_selected(const struct placement *p, const struct pl_workload *w,
				 size_t max, size_t *n)
{
	(void)p;
	*n = w->nselected < max ? w->nselected : max;
	return w->selected;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The decimal digits of v at o; past them. */
static char *put_dec(char *o, size_t v)
{
	char tmp[24];
	size_t n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*o++ = tmp[--n];
	return o;
}

/* head, then "LEN:KEY" and "LEN:VALUE": what "%s%zu:%s%zu:%s" prints, built directly
 * (every row of every environment has its signature made). */
static const char *sig_part(struct arena *a, const char *head, const char *k, const char *v)
{
	size_t hl = strlen(head), kl = strlen(k), vl = strlen(v);
	char *out = arena_alloc(a, hl + kl + vl + 2 * 20 + 3), *o = out;
	memcpy(o, head, hl);
	o = put_dec(o + hl, kl);
	*o++ = ':';
	memcpy(o, k, kl);
	o = put_dec(o + kl, vl);
	*o++ = ':';
	memcpy(o, v, vl);
	o[vl] = '\0';
	return out;
}

/* What makes two rows land alike: their selector and their tolerations, in a canonical
 * order. */
static const char *signature(struct arena *a, const struct pl_workload *w)
{
	struct strbuf sb = SB_IN(a);
	const char **parts = arena_alloc(a, (w->nselector + w->ntols + 1) * sizeof(*parts));
	size_t n = 0;
	for (size_t i = 0; i < w->nselector; i++)
		parts[n++] = sig_part(a, "s", w->selector[i].key, w->selector[i].value);
	for (size_t i = 0; i < w->ntols; i++) {
		const struct toleration *t = &w->tols[i].t;
		const char *k = t->key ? t->key : "", *v = is_exists(t) ? "" : t->value ? t->value : "";
		char head[24] = { 't', is_exists(t) ? '1' : '0' };
		*put_dec(head + 2, effect_bits(t->effect)) = '\0';
		parts[n++] = sig_part(a, head, k, v);
	}
	qsort(parts, n, sizeof(*parts), cmp_str);
	for (size_t i = 0; i < n; i++) {
		sb_puts(&sb, parts[i]);
		sb_putc(&sb, '\n');
	}
	return sb.buf ? sb.buf : "";
}

void pl_judge_rows(struct placement *p, struct arena *a)
{
	bool over = false;
	for (size_t i = 0; i < p->nwls; i++) {
		struct pl_workload *w = &p->wls[i];
		if (!w->resolved)
			continue;
		if (over) {
			p->unjudged++;
			continue;
		}
		const char *sig = signature(a, w);
		long same = strmap_get(&p->ix->rows, sig, strlen(sig));
		if (same >= 0) {
			const struct pl_workload *o = &p->wls[same];
			w->lands = o->lands, w->nlands = o->nlands;
			w->selected = o->selected, w->nselected = o->nselected;
			w->judged = true;
			continue;
		}
		over = !judge_row(p, a, w) || (w->nlands == 0 && !select_row(p, a, w));
		if (over) {
			p->unjudged++;
			w->nlands = w->nselected = 0;
			continue;
		}
		w->judged = true;
		strmap_put(a, &p->ix->rows, sig, strlen(sig), i);
	}
}

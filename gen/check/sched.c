/*
 * check/sched.c - SCHED001-SCHED014: scheduling, judged on the placement matrix
 * (placement.h) of each environment and on each node group's own settings.
 *
 * Consumes env->model and the data tables (instance types for SCHED006, SCHED009 and
 * SCHED014: skipped quietly when the tables are missing). The matrix rules (SCHED001-006,
 * 011, 012) need a schema-valid spec; the node-group rules (SCHED007-010, 013, 014) check
 * the kinds of what they read and also run on a spec with schema errors. A finding about
 * a workload is reported at its placement (or profile) entry, with notes at the node-group
 * settings that make it so; inherited values are reported once, where they were set.
 */
#include "placement.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where to report n: its own line; a schema default or derived value has none, so the
 * fallback (e.g. the group's key), else the environment's file. */
static struct loc where(const struct env *e, const struct node *n, const struct node *fallback)
{
	if (n && n->loc.line && !(n->flags & (NODE_DEFAULT | NODE_DERIVED)))
		return n->loc;
	if (fallback && fallback->loc.line)
		return fallback->loc;
	return (struct loc){ .file = e->file ? e->file->id : 0 };
}

static bool has_line(const struct node *n)
{
	return n && n->loc.line && !(n->flags & (NODE_DEFAULT | NODE_DERIVED));
}

/* "'a'", "'a' and 'b'", "'a', 'b' and 'c'" */
static void quoted_list(struct strbuf *sb, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%s'%s'", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
}

/* ---- SCHED001: a node group that does not exist ---- */

/* Names listed in a help line at most, then how many more. */
#define LIST_MAX 20

static void check_missing_group(struct ctx *ctx, struct env *e, const struct placement *p,
				const struct pl_workload *w, size_t *searches)
{
	if (!w->group_at || w->group)
		return;
	const char *name = w->group_at->str;
	struct diag *d = diag_add(ctx, "SCHED001", e->name, where(e, w->group_at, w->at),
				  "%s is placed on node group '%s', which does not exist", w->name,
				  name);
	const char *near = NULL;
	if ((*searches)++ < NEAREST_SEARCHES) {
		struct nearest n = nearest_start(name, strlen(name), 2);
		for (size_t i = 0; i < p->ngroups; i++)
			nearest_offer(&n, p->groups[i].name);
		near = n.best;
	}
	if (near) {
		diag_help(ctx, d, "did you mean '%s'?", near);
	} else {
		struct strbuf sb = SB_IN(&ctx->perm);
		for (size_t g = 0; g < p->ngroups && g < LIST_MAX; g++)
			sb_printf(&sb, "%s'%s'", g ? ", " : "", p->groups[g].name);
		if (p->ngroups > LIST_MAX)
			sb_printf(&sb, " and %zu more", p->ngroups - LIST_MAX);
		diag_help(ctx, d, "name one of the node groups (%s), or add '%s' under node_groups",
			  sb.buf ? sb.buf : "none", name);
	}
}

/* ---- SCHED002 and SCHED003: placements that land nowhere ---- */

static const char *toleration_yaml(struct arena *a, const struct pl_taint *t)
{
	if (!*t->value)
		return arena_printf(a, "{key: %s, operator: Exists, effect: %s}", t->key,
				    t->effect);
	return arena_printf(a, "{key: %s, operator: Equal, value: %s, effect: %s}", t->key,
			    t->value, t->effect);
}

static bool blocking(const struct pl_taint *t)
{
	return strcmp(t->effect, "PreferNoSchedule") != 0;
}

/* The first taint of group g that keeps w away. */
static const struct pl_taint *miss_of(const struct placement *p, const struct pl_workload *w,
				      const struct pl_group *g)
{
	return &g->taints[placement_fit(p, w, (size_t)(g - p->groups)).taint_miss];
}

/* Taints of the selected groups a SCHED002 finding looks at, and notes it adds, at most. */
#define TAINTS_MAX 64
#define NOTES_MAX 16

static void check_untolerated(struct ctx *ctx, struct env *e, const struct placement *p,
			      const struct pl_workload *w)
{
	if (!w->resolved || !w->judged || w->nlands > 0)
		return;
	/* the groups its selector matches: each has a taint it does not tolerate */
	const struct pl_group *sel[PL_MAX_SELECTED];
	size_t nsel = 0;
	const size_t *gs = placement_selected(p, w, PL_MAX_SELECTED, &nsel);
	for (size_t i = 0; i < nsel; i++)
		sel[i] = &p->groups[gs[i]];
	if (nsel == 0)
		return;	/* SCHED003 */
	struct arena *a = &e->arena;
	struct strbuf msg = SB_IN(a), help = SB_IN(a);
	const struct pl_taint *first = miss_of(p, w, sel[0]);
	if (nsel == 1) {
		sb_printf(&msg, "node group '%s' is tainted '%s=%s:%s' but %s does not tolerate it",
			  sel[0]->name, first->key, first->value, first->effect, w->name);
	} else {
		sb_printf(&msg, "every node group %s selects is tainted against it:", w->name);
		for (size_t i = 0; i < nsel; i++) {
			const struct pl_taint *t = miss_of(p, w, sel[i]);
			sb_printf(&msg, "%s '%s' (%s=%s:%s)", i ? "," : "", sel[i]->name, t->key,
				  t->value, t->effect);
		}
	}
	struct diag *d = diag_add(ctx, "SCHED002", e->name, where(e, w->at, NULL), "%s", msg.buf);
	/* every taint it would need to tolerate, once */
	const struct pl_taint *need[64];
	size_t nneed = 0, nnotes = 0;
	for (size_t i = 0; i < nsel; i++) {
		for (size_t k = 0; k < sel[i]->ntaints && k < TAINTS_MAX; k++) {
			const struct pl_taint *t = &sel[i]->taints[k];
			if (!blocking(t) || placement_tolerates(w, t))
				continue;
			if (nnotes++ >= NOTES_MAX)
				;	/* enough places shown: the help names what is missing */
			else if (has_line(t->at) && nsel == 1)
				diag_note(ctx, d, t->at->loc, "taint declared here");
			else if (has_line(t->at))
				diag_note(ctx, d, t->at->loc, "taint of '%s' declared here",
					  sel[i]->name);
			bool dup = false;
			for (size_t j = 0; j < nneed; j++)
				dup = dup || (strcmp(need[j]->key, t->key) == 0 &&
					      strcmp(need[j]->value, t->value) == 0 &&
					      strcmp(need[j]->effect, t->effect) == 0);
			if (!dup && nneed < 64)
				need[nneed++] = t;
		}
	}
	for (size_t j = 0; j < nneed; j++)
		sb_printf(&help, "%s%s", j == 0 ? "" : j + 1 == nneed ? " and " : ", ",
			  toleration_yaml(a, need[j]));
	diag_help(ctx, d, "add %s to %s.tolerations", help.buf, w->path);
}

static void check_no_match(struct ctx *ctx, struct env *e, const struct placement *p,
			   const struct pl_workload *w)
{
	if (!w->resolved || !w->judged || w->nlands > 0 || w->nselected > 0)
		return;	/* lands, or SCHED002 */
	struct strbuf sel = SB_IN(&ctx->perm);
	for (size_t i = 0; i < w->nselector; i++)
		sb_printf(&sel, "%s%s=%s", i ? ", " : "", w->selector[i].key, w->selector[i].value);
	struct diag *d = diag_add(ctx, "SCHED003", e->name,
				  where(e, w->selector_at ? w->selector_at : w->at, w->at),
				  "node selector '%s' of %s matches no node group",
				  sel.buf ? sel.buf : "", w->name);

	/* an entry no group has: say what the groups have instead */
	const struct pl_label *lone = NULL;
	for (size_t i = 0; i < w->nselector && !lone; i++) {
		size_t n;
		placement_with_label(p, w->selector[i].key, w->selector[i].value, &n);
		if (n == 0)
			lone = &w->selector[i];
	}
	struct strbuf h = SB_IN(&ctx->perm);
	if (lone) {
		size_t shown = 0, nwith;
		const size_t *with = placement_with_label(p, lone->key, NULL, &nwith);
		for (size_t i = 0; i < nwith; i++) {
			const struct pl_group *g = &p->groups[with[i]];
			if (shown++ == 4) {
				sb_puts(&h, ", ...");
				break;
			}
			if (shown == 1)
				sb_printf(&h, "no node group has %s=%s: ", lone->key, lone->value);
			sb_printf(&h, "%s'%s' has %s=", shown > 1 ? ", " : "", g->name, lone->key);
			/* a group's labels of one key are next to each other */
			const char *sep = "";
			for (size_t l = (size_t)pl_pairs_get(&g->label_at, lone->key, NULL);
			     l < g->nlabels && strcmp(g->labels[l].key, lone->key) == 0; l++) {
				sb_printf(&h, "%s%s", sep, g->labels[l].value);
				sep = "|";
			}
		}
		if (!shown)
			sb_printf(&h, "no node group has a label '%s'", lone->key);
	} else {
		sb_puts(&h, "each label is on some node group, but no group has them all");
	}
	diag_help(ctx, d, "%s; to use a group's own labels, write {node_group: NAME}", h.buf);
}

/* ---- SCHED004, 005, 011, 012: where core workloads may land ---- */

enum group_prop { PROP_SPOT, PROP_ZERO, PROP_MULTI_AZ };

static bool group_is(const struct pl_group *g, enum group_prop prop)
{
	switch (prop) {
	case PROP_SPOT:
		return g->spot;
	case PROP_ZERO:
		return g->zero != NULL;
	case PROP_MULTI_AZ:
		return g->nazs > 1;
	}
	return false;
}

static const char *prop_text(struct arena *a, const struct pl_group *g, enum group_prop prop,
			     bool several)
{
	switch (prop) {
	case PROP_SPOT:
		return "";
	case PROP_ZERO:
		return several ? "can scale to zero" : arena_printf(a, "can scale to zero (%s: 0)",
			g->zero == g->spec->min.n ? g->spec->min.path
						  : g->spec->schedule.min_after.path);
	case PROP_MULTI_AZ:
		return several ? "span several AZs"
			       : arena_printf(a, "spans %zu AZs", g->nazs);
	}
	return "";
}

/* "node groups 'a', 'b', which ...: why" for the n groups hit. */
static const char *lands_on_text(struct arena *a, const char *rule, enum group_prop prop,
				 const struct pl_group *const *hit, const char *const *names,
				 size_t n)
{
	struct strbuf list = SB_IN(a);
	quoted_list(&list, names, n);
	const char *what;
	if (prop == PROP_SPOT)
		what = n == 1 ? arena_printf(a, "spot node group %s", list.buf)
			      : arena_printf(a, "spot node groups %s", list.buf);
	else
		what = arena_printf(a, "node group%s %s, which %s", n == 1 ? "" : "s", list.buf,
				    prop_text(a, hit[0], prop, n > 1));
	const char *why;
	if (prop == PROP_SPOT)
		why = ", whose nodes AWS may reclaim with two minutes' notice";
	else if (prop == PROP_MULTI_AZ)
		why = ": the hub's volume exists in one AZ only";
	else if (strcmp(rule, "SCHED005") == 0)
		why = ": it is evicted when the group scales down";
	else
		why = n == 1 ? ": its pods there keep the group from scaling down"
			     : ": its pods there keep those groups from scaling down";
	return arena_printf(a, "%s%s", what, why);
}

/* Where each group hit got prop, and what to do instead. */
static void lands_on_notes(struct ctx *ctx, struct diag *d, const struct placement *p,
			   const struct pl_workload *w, enum group_prop prop,
			   const struct pl_group *const *hit, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *at = prop == PROP_SPOT ? hit[i]->capacity
				      : prop == PROP_ZERO ? hit[i]->zero
							  : hit[i]->azs_at;
		if (!has_line(at))
			continue;
		if (prop == PROP_MULTI_AZ && at != hit[i]->spec->azs.n)
			diag_note(ctx, d, at->loc, "'%s' has no azs of its own: it uses aws.azs, "
						   "set here", hit[i]->name);
		else
			diag_note(ctx, d, at->loc, "%s of '%s' set here",
				  prop == PROP_SPOT		   ? "capacity: spot"
				  : prop == PROP_MULTI_AZ	   ? "azs"
				  : at == hit[i]->spec->min.n	   ? "min: 0"
								   : "schedule.min_after: 0",
				  hit[i]->name);
	}
	const struct pl_group *good = NULL;
	for (size_t g = 0; g < p->ngroups && !good; g++)
		if (!p->groups[g].spot && !p->groups[g].zero &&
		    (prop != PROP_MULTI_AZ || p->groups[g].nazs == 1))
			good = &p->groups[g];
	switch (prop) {
	case PROP_MULTI_AZ:
		diag_help(ctx, d, "pin the group to one AZ: azs: [%s]",
			  hit[0]->nazs ? hit[0]->azs[0] : "...");
		break;
	default:
		if (good)
			diag_help(ctx, d, "place it on %s (%s: {node_group: %s}), or taint %s "
					  "against it",
				  prop == PROP_SPOT ? "an on_demand group" : "a group that "
									 "always has a node",
				  w->path, good->name, n == 1 ? "that group" : "those groups");
		else
			diag_help(ctx, d, "add an on_demand group with min: 1 and place it there");
		break;
	}
}

/* One finding per workload that can land on groups with prop, naming them all. */
static void check_lands_on(struct ctx *ctx, struct env *e, const struct placement *p,
			   const struct pl_workload *w, const char *rule, enum group_prop prop)
{
	if (!w->resolved || !w->judged)
		return;
	const char *names[64];
	const struct pl_group *hit[64];
	size_t n = 0;
	for (size_t k = 0; k < w->nlands && n < 64; k++)
		if (group_is(&p->groups[w->lands[k]], prop)) {
			hit[n] = &p->groups[w->lands[k]];
			names[n] = hit[n]->name;
			n++;
		}
	if (n == 0)
		return;
	const char *text = lands_on_text(&e->arena, rule, prop, hit, names, n);
	struct diag *d = diag_add(ctx, rule, e->name, where(e, w->at, NULL), "%s can land on %s",
				  w->name, text);
	lands_on_notes(ctx, d, p, w, prop, hit, n);
}

/* ---- SCHED006: what does not fit the allocatable ---- */

struct misfit {
	const char *type;
	const struct node *at;
	double alloc;
	uint32_t size;		/* vCPU or memory MiB */
	uint32_t pods;
};

static void fmt_mib(struct strbuf *sb, double mib)
{
	if (mib >= 1024)
		sb_printf(sb, "%.0f MiB (%.2f GiB)", mib, mib / 1024);
	else
		sb_printf(sb, "%.0f MiB", mib);
}

static void fmt_cpu(struct strbuf *sb, double m)
{
	if (m == (double)(long long)m)
		sb_printf(sb, "%lldm", (long long)m);
	else
		sb_printf(sb, "%.1fm", m);
}

enum fit_unit { FIT_CORES, FIT_MEM_M, FIT_MEM_GIB };

/*
 * Values in order, with a tree of their minima: the first value below x from a position
 * on, and how many are below x, in O(log n). SCHED006 asks, for every profile, which of
 * the groups its row lands on have an instance type it does not fit, and which types: a
 * question per (profile, group) pair would grow with their product.
 */
struct minseq {
	double *min;		/* min[1] is the root; the values are min[size..size+n) */
	double *sorted;
	size_t n, size;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct minseq *minseq_new(struct arena *a, const double *v, size_t n)
{
	struct minseq *s = arena_alloc(a, sizeof(*s));
	s->n = n;
	for (s->size = 1; s->size < n; s->size *= 2)
		;
	s->min = arena_alloc(a, 2 * s->size * sizeof(*s->min));
	for (size_t i = 0; i < s->size; i++)
		s->min[s->size + i] = i < n ? v[i] : HUGE_VAL;
	for (size_t i = s->size - 1; i > 0; i--)
		s->min[i] = fmin(s->min[2 * i], s->min[2 * i + 1]);
	s->sorted = arena_alloc(a, (n + 1) * sizeof(*s->sorted));
	if (n)
		memcpy(s->sorted, v, n * sizeof(*v));
	qsort(s->sorted, n, sizeof(*s->sorted), cmp_double);
	return s;
}

static size_t first_below(const struct minseq *s, size_t node, size_t lo, size_t hi,
			  size_t from, double x)
{
	if (hi <= from || !(s->min[node] < x))
		return SIZE_MAX;
	if (hi - lo == 1)
		return lo;
	size_t mid = lo + (hi - lo) / 2;
	size_t r = first_below(s, 2 * node, lo, mid, from, x);
	return r != SIZE_MAX ? r : first_below(s, 2 * node + 1, mid, hi, from, x);
}

/* The first position at or after from whose value is below x, or n. */
static size_t minseq_next(const struct minseq *s, size_t from, double x)
{
	size_t r = first_below(s, 1, 0, s->size, from, x);
	return r < s->n ? r : s->n;
}

static size_t minseq_count(const struct minseq *s, double x)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->sorted[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* SCHED006's tables, built as it needs them: per group, its instance types' allocatable;
 * per lands list (rows that land alike share one), its groups' least allocatable. */
struct fitx {
	struct arena *a;
	const struct data *d;
	const struct placement *p;
	struct minseq **group[2];	/* [cpu][group index] */
	struct strmap row_at;		/* a lands list (its address) -> its tables */
	struct minseq **rows[2];
	size_t nrows, caprows[2];
};

static double type_alloc(const struct fitx *fx, const char *type, bool cpu)
{
	const struct instance_info *it = data_instance(fx->d, type);
	if (!it)
		return HUGE_VAL;	/* SCHED009 */
	return cpu ? alloc_cpu_m(it->vcpu) : alloc_mem_mib(it->mem_mib, it->max_pods);
}

static const struct minseq *group_seq(struct fitx *fx, size_t g, bool cpu)
{
	if (!fx->group[cpu][g]) {
		const struct pl_group *grp = &fx->p->groups[g];
		double *v = arena_alloc(fx->a, (grp->ntypes + 1) * sizeof(*v));
		for (size_t t = 0; t < grp->ntypes; t++)
			v[t] = type_alloc(fx, grp->types[t], cpu);
		fx->group[cpu][g] = minseq_new(fx->a, v, grp->ntypes);
	}
	return fx->group[cpu][g];
}

static const struct minseq *row_seq(struct fitx *fx, const struct pl_workload *w, bool cpu)
{
	const char *key = (const char *)&w->lands;
	long at = strmap_get(&fx->row_at, key, sizeof(w->lands));
	if (at < 0) {
		at = (long)fx->nrows;
		for (int r = 0; r < 2; r++)
			arena_grow(fx->a, (void **)&fx->rows[r], &fx->caprows[r], fx->nrows + 1,
				   sizeof(*fx->rows[r]));
		fx->rows[0][at] = fx->rows[1][at] = NULL;
		fx->nrows++;
		strmap_put(fx->a, &fx->row_at, arena_strndup(fx->a, key, sizeof(w->lands)),
			   sizeof(w->lands), (size_t)at);
	}
	if (!fx->rows[cpu][at]) {
		double *v = arena_alloc(fx->a, (w->nlands + 1) * sizeof(*v));
		for (size_t k = 0; k < w->nlands; k++)
			v[k] = group_seq(fx, w->lands[k], cpu)->min[1];
		fx->rows[cpu][at] = minseq_new(fx->a, v, w->nlands);
	}
	return fx->rows[cpu][at];
}

/* What a SCHED006 finding is about: the pod, its need, where it is set. */
struct fit_need {
	const struct pl_workload *w;
	bool cpu;
	double need;		/* millicores (cpu) or MiB (memory) a pod asks for */
	const char *what;	/* the pod, for the message ("a dask worker of 4 cores") */
	const struct node *at;	/* the value that sets it, at path, written in unit */
	const char *path;
	enum fit_unit unit;
};

/* One SCHED006 finding: the pod does not fit some instance types of group g. */
static struct diag *report_misfit(struct ctx *ctx, struct env *e, struct fitx *fx,
				  const struct fit_need *fn, size_t g)
{
	const struct pl_group *grp = &fx->p->groups[g];
	const struct minseq *gs = group_seq(fx, g, fn->cpu);
	struct misfit bad[32];
	size_t nbad = 0;
	for (size_t t = minseq_next(gs, 0, fn->need); t < grp->ntypes && nbad < 32;
	     t = minseq_next(gs, t + 1, fn->need)) {
		const struct instance_info *it = data_instance(fx->d, grp->types[t]);
		bad[nbad++] = (struct misfit){ grp->types[t], grp->types_at[t],
					       gs->min[gs->size + t],
					       fn->cpu ? it->vcpu : it->mem_mib, it->max_pods };
	}
	struct strbuf list = SB_IN(&ctx->perm);
	const char *names[32];
	double least = HUGE_VAL;	/* nbad >= 1: the row's table found a misfit here */
	for (size_t i = 0; i < nbad; i++) {
		names[i] = bad[i].type;
		if (bad[i].alloc < least)
			least = bad[i].alloc;
	}
	quoted_list(&list, names, nbad);
	struct diag *dg = diag_add(ctx, "SCHED006", e->name, where(e, fn->at, fn->w->at),
				   "%s does not fit instance type%s %s of node group '%s'",
				   fn->what, nbad == 1 ? "" : "s", list.buf ? list.buf : "",
				   grp->name);
	for (size_t i = 0; i < nbad; i++) {
		struct strbuf n = SB_IN(&ctx->perm);
		if (fn->cpu) {
			sb_printf(&n, "'%s' has %u vCPU, ", bad[i].type, bad[i].size);
			fmt_cpu(&n, bad[i].alloc);
			sb_puts(&n, " allocatable");
		} else {
			sb_printf(&n, "'%s' has %u MiB, ", bad[i].type, bad[i].size);
			fmt_mib(&n, bad[i].alloc);
			sb_printf(&n, " allocatable (%u pods)", bad[i].pods);
		}
		diag_note(ctx, dg, has_line(bad[i].at) ? bad[i].at->loc : (struct loc){ 0 },
			  "%s", n.buf);
	}
	const char *types_word = nbad == 1 ? "this instance type" : "these instance types";
	if (least <= 0) {
		diag_help(ctx, dg, "remove %s from '%s': nothing is left to allocate on it",
			  types_word, grp->name);
		return dg;
	}
	/* the largest value that fits every type, rounded down */
	const char *most;
	if (fn->unit == FIT_CORES)
		most = arena_printf(&e->arena, "%g", (double)(long long)(least / 10) / 100);
	else if (fn->unit == FIT_MEM_M)
		most = arena_printf(&e->arena, "%lldM", (long long)least);
	else
		most = arena_printf(&e->arena, "%g", (double)(long long)(least / 1024 * 100) / 100);
	diag_help(ctx, dg, "lower %s to %s or less, or remove %s from '%s'", fn->path, most,
		  types_word, grp->name);
	return dg;
}

/* Findings of SCHED006 per pod and need, at most; then a note says how many more. */
#define FITS_MAX 16

/* The groups fn's row lands on whose instance types do not all fit it, in order. */
static void check_fit(struct ctx *ctx, struct env *e, struct fitx *fx, const struct fit_need *fn)
{
	const struct pl_workload *w = fn->w;
	if (!fx->d || !w->resolved || !w->judged)
		return;
	const struct minseq *rs = row_seq(fx, w, fn->cpu);
	struct diag *last = NULL;
	size_t shown = 0;
	for (size_t k = minseq_next(rs, 0, fn->need); k < w->nlands && shown < FITS_MAX;
	     k = minseq_next(rs, k + 1, fn->need), shown++)
		last = report_misfit(ctx, e, fx, fn, w->lands[k]);
	size_t more = minseq_count(rs, fn->need) - shown;
	if (last && more)
		diag_note(ctx, last, (struct loc){ 0 },
			  "and %zu more node group%s it can land on, whose instance types it does "
			  "not all fit either", more, more == 1 ? "" : "s");
}

static void check_fits(struct ctx *ctx, struct env *e, const struct placement *p)
{
	struct arena *a = &e->arena;
	struct fitx fx = { .a = &ctx->scratch, .d = data_get(ctx), .p = p };
	for (int r = 0; r < 2; r++)
		fx.group[r] = arena_alloc(fx.a, (p->ngroups + 1) * sizeof(*fx.group[r]));
	const struct m_hub *hub = &e->model->hub;
	for (size_t i = 0; i < p->nprofiles; i++) {
		const struct m_profile *pr = &hub->profiles.v[i];
		const struct pl_workload *w = p->profile_rows[i];
		const char *slug = pr->slug.s;
		const struct m_num *cg = &pr->cpu.guarantee;
		if (cg->set && cg->v > 0) {
			struct fit_need fn = {
				w, true, cg->v * 1000,
				arena_printf(a, "cpu guarantee %s of profile '%s'",
					     node_display(a, cg->n), slug ? slug : "?"),
				cg->n,
				arena_printf(a, "%s[%zu].%s", hub->profiles.path, i, cg->path),
				FIT_CORES
			};
			check_fit(ctx, e, &fx, &fn);
		}
		const struct m_qty *mg = &pr->memory.guarantee;
		if (mg->set) {
			struct fit_need fn = {
				w, false, mg->bytes / (1024.0 * 1024.0),
				arena_printf(a, "memory guarantee %s of profile '%s'",
					     node_display(a, mg->n), slug ? slug : "?"),
				mg->n,
				arena_printf(a, "%s[%zu].%s", hub->profiles.path, i, mg->path),
				FIT_MEM_M
			};
			check_fit(ctx, e, &fx, &fn);
		}
	}
	const struct pl_workload *dw = &p->wls[WL_DASK_WORKER];
	const struct m_num *cores = &e->model->dask.worker_cores_max;
	if (cores->set && cores->v > 0) {
		struct fit_need fn = {
			dw, true, cores->v * 1000,
			arena_printf(a, "a dask worker of %s core%s (dask.worker_cores_max)",
				     node_display(a, cores->n), cores->v == 1 ? "" : "s"),
			cores->n, cores->path, FIT_CORES
		};
		check_fit(ctx, e, &fx, &fn);
	}
	const struct m_num *mem = &e->model->dask.worker_memory_max_gb;
	if (mem->set && mem->v > 0) {
		struct fit_need fn = {
			dw, false, mem->v * 1024,
			arena_printf(a, "a dask worker of %s GiB (dask.worker_memory_max_gb)",
				     node_display(a, mem->n)),
			mem->n, mem->path, FIT_MEM_GIB
		};
		check_fit(ctx, e, &fx, &fn);
	}
}

/* ---- the node groups' own settings: SCHED007-010, 013, 014 ---- */

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return !*a && !*b;
}

/* The node of an integer, NULL when absent or not an integer. */
static const struct node *int_node(const struct m_int *f)
{
	return f->set ? f->n : NULL;
}

static void check_sizes(struct ctx *ctx, struct env *e, const char *name, const struct node *key,
			const struct m_group *g)
{
	const struct node *min = int_node(&g->min), *max = int_node(&g->max);
	const struct node *des = int_node(&g->desired);
	if (max && max->v.i < 1) {
		struct diag *d = diag_add(ctx, "SCHED008", e->name, where(e, max, key),
					  "node group '%s' has max %lld: EKS requires at least 1",
					  name, (long long)max->v.i);
		diag_help(ctx, d, "to park the group, keep max at 1 or more and set min to 0");
	} else if (min && max && min->v.i > max->v.i) {
		struct diag *d = diag_add(ctx, "SCHED008", e->name, where(e, min, key),
					  "node group '%s' has min %lld above max %lld", name,
					  (long long)min->v.i, (long long)max->v.i);
		if (has_line(max))
			diag_note(ctx, d, max->loc, "max set here");
		diag_help(ctx, d, "keep min <= desired <= max");
	}
	if (!des || (des->flags & NODE_DERIVED))
		return;	/* derived from min: judged above */
	if (min && des->v.i < min->v.i) {
		struct diag *d = diag_add(ctx, "SCHED008", e->name, where(e, des, key),
					  "node group '%s' has desired %lld below min %lld", name,
					  (long long)des->v.i, (long long)min->v.i);
		if (has_line(min))
			diag_note(ctx, d, min->loc, "min set here");
		diag_help(ctx, d, "keep min <= desired <= max, or remove desired (it defaults "
				  "to min)");
	} else if (max && max->v.i >= 1 && des->v.i > max->v.i) {
		struct diag *d = diag_add(ctx, "SCHED008", e->name, where(e, des, key),
					  "node group '%s' has desired %lld above max %lld", name,
					  (long long)des->v.i, (long long)max->v.i);
		if (has_line(max))
			diag_note(ctx, d, max->loc, "max set here");
		diag_help(ctx, d, "keep min <= desired <= max, or remove desired (it defaults "
				  "to min)");
	}
}

static bool says_on_demand(const char *v)
{
	return ieq(v, "on-demand") || ieq(v, "ondemand") || ieq(v, "on_demand");
}

static void check_taints(struct ctx *ctx, struct env *e, const char *name, const struct node *key,
			 const struct m_group *g)
{
	const struct node *cap = g->capacity.n;
	bool spot = g->capacity.v == CAPACITY_SPOT;
	/* a capacity that is neither (SPEC006) says nothing a taint could contradict */
	bool known = !g->capacity.s || g->capacity.v;
	bool keeps_away = false;
	if (!g->capacity.v)
		return;	/* a capacity the schema refused (SPEC006): nothing to compare */
	for (size_t i = 0; i < g->taints.count; i++) {
		const struct m_taint *t = &g->taints.v[i];
		if (t->effect.v && t->effect.v != EFFECT_PREFER_NO_SCHEDULE)
			keeps_away = true;
		const struct node *v = t->value.n;
		if (!t->value.s || !known)
			continue;
		bool lie = spot ? says_on_demand(v->str) : ieq(v->str, "spot");
		if (!lie)
			continue;
		struct diag *d = diag_add(ctx, "SCHED010", e->name, where(e, v, key),
					  "taint value '%s' on node group '%s', whose capacity is %s",
					  v->str, name, spot ? "spot" : "on_demand");
		if (has_line(cap))
			diag_note(ctx, d, cap->loc, "capacity set here");
		diag_help(ctx, d, "make the taint match the capacity, or the capacity the taint");
	}
	if (spot && !keeps_away) {
		struct diag *d = diag_add(ctx, "SCHED007", e->name, where(e, cap, key),
					  "spot node group '%s' has no NoSchedule or NoExecute taint",
					  name);
		diag_help(ctx, d, "add taints: [{key: lifecycle, value: spot, effect: NoExecute}] "
				  "and tolerate it only where interruption is fine");
	}
}

static void check_labels(struct ctx *ctx, struct env *e, const char *name, const struct m_group *g)
{
	const struct node *ls = g->labels.n;
	for (size_t i = 0; i < g->labels.count; i++) {
		const struct node *k = g->labels.v[i].key;
		if (!label_key_forbidden(k->str))
			continue;
		struct diag *d = diag_add(ctx, "SCHED013", e->name, where(e, k, ls),
					  "label '%s' of node group '%s' is in the kubernetes.io/k8s.io "
					  "namespace, which the kubelet refuses to set",
					  k->str, name);
		diag_help(ctx, d, "use a key in your own namespace, e.g. 'example.org/%s'",
			  strchr(k->str, '/') + 1);
	}
}

static void check_types(struct ctx *ctx, struct env *e, const char *name, const struct node *key,
			const struct m_group *g, size_t *searches)
{
	const struct data *d = data_get(ctx);
	if (!d || d->ninstances == 0)
		return;
	const struct m_strs *types = &g->instance_types;
	const struct node *ami = g->ami_type.n;
	const char *ami_s = g->ami_type.s ? g->ami_type.s : "AL2023_x86_64_STANDARD";
	bool gpu_ami = ami_type_gpu(ami_s);
	for (size_t i = 0; i < types->count; i++) {
		const struct node *t = types->v[i].n;
		if (!types->v[i].s)
			continue;
		const struct instance_info *it = data_instance(d, t->str);
		if (!it) {
			struct diag *dg = diag_add(ctx, "SCHED009", e->name, where(e, t, key),
						   "unknown EC2 instance type '%s' in node group '%s'",
						   t->str, name);
			if ((*searches)++ >= NEAREST_SEARCHES)
				continue;
			struct nearest n = nearest_start(t->str, t->len, 2);
			for (size_t k = 0; k < d->ninstances; k++)
				nearest_offer(&n, d->instances[k].name);
			if (n.best)
				diag_help(ctx, dg, "did you mean '%s'?", n.best);
			continue;
		}
		if (it->gpu && !gpu_ami) {
			struct diag *dg = diag_add(ctx, "SCHED014", e->name, where(e, t, key),
						   "instance type '%s' of node group '%s' has a GPU, "
						   "but ami_type '%s' has no NVIDIA driver",
						   t->str, name, ami_s);
			if (has_line(ami))
				diag_note(ctx, dg, ami->loc, "ami_type set here");
			diag_help(ctx, dg, "set ami_type: %s",
				  it->arch && strcmp(it->arch, "arm64") == 0 ? "AL2023_ARM_64_NVIDIA"
									     : "AL2023_x86_64_NVIDIA");
		} else if (!it->gpu && gpu_ami) {
			struct diag *dg = diag_add(ctx, "SCHED014", e->name, where(e, ami, t),
						   "ami_type '%s' of node group '%s' is a GPU AMI, "
						   "but instance type '%s' has no GPU",
						   ami_s, name, t->str);
			if (has_line(t))
				diag_note(ctx, dg, t->loc, "instance type listed here");
			diag_help(ctx, dg, "use a standard ami_type, or only GPU instance types");
		}
	}
}

static void check_groups(struct ctx *ctx, struct env *e)
{
	size_t searches = 0;
	for (size_t i = 0; i < e->model->node_groups.count; i++) {
		const struct m_group *g = &e->model->node_groups.v[i];
		if (!g->set)
			continue;
		check_taints(ctx, e, g->name, g->key, g);
		check_sizes(ctx, e, g->name, g->key, g);
		check_types(ctx, e, g->name, g->key, g, &searches);
		check_labels(ctx, e, g->name, g);
	}
}

static void sched_matrix(struct ctx *ctx, struct env *e, const struct placement *p);

static void sched_env(struct ctx *ctx, struct env *e)
{
	if (!e->resolved || e->abstract || e->resolved->kind != NODE_MAP)
		return;
	check_groups(ctx, e);
	/* the matrix lives as long as this environment's checks */
	const struct placement *p = placement_build(ctx, e, &ctx->scratch, true);
	if (p)	/* else schema errors: the matrix needs a well-typed spec */
		sched_matrix(ctx, e, p);
	arena_release(&ctx->scratch);
}

static void sched_matrix(struct ctx *ctx, struct env *e, const struct placement *p)
{
	if (p->unjudged) {
		struct diag *d = diag_add(ctx, "SPEC012", e->name,
					  (struct loc){ .file = e->file ? e->file->id : 0 },
					  "the placement matrix is too large to judge: %zu workload%s "
					  "and profile%s were not checked against the node groups",
					  p->unjudged, p->unjudged == 1 ? "" : "s",
					  p->unjudged == 1 ? "" : "s");
		diag_help(ctx, d, "fewer profiles with a placement of their own, or node groups "
				  "whose labels tell them apart, keep the matrix small");
	}
	size_t searches = 0;
	for (size_t i = 0; i < p->nwls; i++) {
		const struct pl_workload *w = &p->wls[i];
		if (w->off)
			continue;
		/* kubecost on the hub's entry: the hub's findings say what the group and the
		 * selector do wrong; only its tolerations differ (the chart adds none) */
		if (!w->same_as)
			check_missing_group(ctx, e, p, w, &searches);
		check_untolerated(ctx, e, p, w);
		if (!w->same_as)
			check_no_match(ctx, e, p, w);
	}
	for (int wl = WL_HUB; wl <= WL_GATEWAY; wl++)
		check_lands_on(ctx, e, p, &p->wls[wl], "SCHED004", PROP_SPOT);
	for (int wl = WL_HUB; wl <= WL_PROXY; wl++)
		check_lands_on(ctx, e, p, &p->wls[wl], "SCHED005", PROP_ZERO);
	check_lands_on(ctx, e, p, &p->wls[WL_HUB], "SCHED011", PROP_MULTI_AZ);
	for (int wl = WL_USER_SCHEDULER; wl <= WL_DASK_SCHEDULER; wl++)
		check_lands_on(ctx, e, p, &p->wls[wl], "SCHED012", PROP_ZERO);
	check_fits(ctx, e, p);
}

/* ---- the SCHED rules (their explain texts: docs/rules/<ID>.txt) ------------------ */

static const struct rule sched_rules[] = {
	{ .id = "SCHED001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "placement or profile names a node group that does not exist" },
	{ .id = "SCHED002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a workload can land only on groups with a NoSchedule/NoExecute taint it "
		     "does not tolerate" },
	{ .id = "SCHED003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a node selector matches no node group" },
	{ .id = "SCHED004", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "hub, proxy, user_scheduler or gateway can land on a spot group" },
	{ .id = "SCHED005", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "hub or proxy can land on a group that can scale to zero (min: 0 or "
		     "schedule.min_after: 0)" },
	{ .id = "SCHED006", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a profile's guarantee, or a dask worker of the maximum size, does not fit "
		     "the allocatable of some instance type of its group (kubelet/system "
		     "reservation and DaemonSet overhead deducted)" },
	{ .id = "SCHED007", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "spot group without a NoSchedule/NoExecute taint" },
	{ .id = "SCHED008", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "not min <= desired <= max, or max < 1" },
	{ .id = "SCHED009", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "unknown EC2 instance type" },
	{ .id = "SCHED010", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "a taint value says spot on an on_demand group (or the reverse)" },
	{ .id = "SCHED011", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "hub (it has a PVC) can land on a group spanning several AZs" },
	{ .id = "SCHED012", .sev = SEV_WARNING, .suppressible = true,
	  .summary = "user_scheduler, gateway or dask_scheduler can land on a group that can "
		     "scale to zero, keeping it from scaling down" },
	{ .id = "SCHED013", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "a node-group label under kubernetes.io/ or k8s.io/ outside the kubelet's "
		     "allowed set" },
	{ .id = "SCHED014", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "GPU instance type without a GPU AMI type (or the reverse)" },
};

const struct check check_sched = {
	.name = "sched",
	.run_env = sched_env,
	.rules = sched_rules,
	.nrules = sizeof(sched_rules) / sizeof(sched_rules[0]),
};

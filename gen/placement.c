/*
 * placement.c - the placement matrix (DESIGN 5), built from a resolved, schema-valid spec
 * and the data tables: node groups with the labels their nodes carry and their taints,
 * workloads with their node selectors and tolerations, and which groups each can land on.
 * Also the pure helpers the SCHED rules share, and the text of `show --placement`.
 *
 * Consumes env->model (read only) and data_get(); produces a struct placement in
 * the caller's arena (which groups each row lands on: placement_fit.c). Without the data
 * tables, instance types are unknown (arch amd64) and the chart adds no tolerations; the
 * matrix is still built. `show --placement` lists at most PL_SHOW_MAX groups a row lands
 * on, and as many it does not, then how many more.
 */
#include "identity.h"
#include "placement.h"

#include <ctype.h>
#include <string.h>

/* ---- pure helpers ---- */

/* a equals b ignoring case and '_' (NO_SCHEDULE, NoSchedule, noschedule). */
static bool loose_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			a++;
		while (*b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++, b++;
	}
}

const char *taint_effect_norm(const char *s)
{
	static const char *const effects[] = { "NoSchedule", "NoExecute", "PreferNoSchedule",
					       NULL };
	if (!s)
		return NULL;
	for (const char *const *e = effects; *e; e++)
		if (loose_eq(s, *e))
			return *e;
	return NULL;
}

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool toleration_matches(const struct toleration *t, const char *key, const char *value,
			const char *effect)
{
	if (t->effect && *t->effect) {
		const char *te = taint_effect_norm(t->effect);
		const char *ne = taint_effect_norm(effect);
		if (!te || !ne || strcmp(te, ne) != 0)
			return false;
	}
	bool exists = t->op && strcmp(t->op, "Exists") == 0;
	if (!t->key || !*t->key)
		return exists;	/* an empty key with Exists tolerates everything */
	if (!str_eq(t->key, key))
		return false;
	return exists || str_eq(t->value, value);
}

const char *toleration_text(struct arena *a, const struct toleration *t)
{
	bool exists = t->op && strcmp(t->op, "Exists") == 0;
	const char *eff = t->effect && *t->effect ? t->effect : NULL;
	if (!t->key || !*t->key)
		return exists ? (eff ? arena_printf(a, "*:%s", eff) : "*") : "(nothing)";
	if (exists)
		return eff ? arena_printf(a, "%s:%s", t->key, eff) : arena_strdup(a, t->key);
	return arena_printf(a, "%s=%s%s%s", t->key, t->value ? t->value : "", eff ? ":" : "",
			    eff ? eff : "");
}

double alloc_cpu_m(uint32_t vcpu)
{
	double reserved = 0;
	for (uint32_t core = 1; core <= vcpu; core++)
		reserved += core == 1 ? 60 : core == 2 ? 10 : core <= 4 ? 5 : 2.5;
	return (double)vcpu * 1000 - reserved - PL_DAEMONSET_CPU_M;
}

double alloc_mem_mib(uint32_t mem_mib, uint32_t max_pods)
{
	double kube_reserved = 255 + 11.0 * max_pods, eviction = 100;
	return (double)mem_mib - kube_reserved - eviction - PL_DAEMONSET_MEM_MIB;
}

bool memory_bytes(const struct node *n, double *bytes)
{
	if (!n)
		return false;
	if (n->kind == NODE_INT || n->kind == NODE_FLOAT) {
		*bytes = node_num(n);
		return *bytes > 0;
	}
	if (n->kind != NODE_STR || n->len == 0)
		return false;
	double v = 0, scale = 1;
	size_t i = 0;
	bool digits = false;
	for (; i < n->len && isdigit((unsigned char)n->str[i]); i++, digits = true)
		v = v * 10 + (n->str[i] - '0');
	if (i < n->len && n->str[i] == '.') {
		double f = 0.1;
		bool frac = false;
		for (i++; i < n->len && isdigit((unsigned char)n->str[i]); i++, frac = true) {
			v += (n->str[i] - '0') * f;
			f /= 10;
		}
		if (!frac)
			return false;
	}
	if (!digits)
		return false;
	if (i < n->len) {
		const char *units = "KMGT";
		const char *u = strchr(units, n->str[i]);
		if (!u || !*u || i + 1 != n->len)
			return false;
		for (const char *p = units; p <= u; p++)
			scale *= 1024;
	}
	*bytes = v * scale;
	return *bytes > 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* ns is the namespace itself or a subdomain of it. */
static bool in_namespace(const char *ns, size_t n, const char *dom)
{
	size_t m = strlen(dom);
	if (n == m && memcmp(ns, dom, n) == 0)
		return true;
	return n > m && ns[n - m - 1] == '.' && ends_with(ns, n, dom);
}

bool label_key_forbidden(const char *key)
{
	static const char *const allowed[] = {
		"kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os",
		"node.kubernetes.io/instance-type", "topology.kubernetes.io/region",
		"topology.kubernetes.io/zone", NULL,
	};
	const char *slash = strchr(key, '/');
	if (!slash)
		return false;
	size_t n = (size_t)(slash - key);
	if (!in_namespace(key, n, "kubernetes.io") && !in_namespace(key, n, "k8s.io"))
		return false;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(key, *a) == 0)
			return false;
	static const char *const allowed_ns[] = { "beta.kubernetes.io",
						  "failure-domain.beta.kubernetes.io", NULL };
	for (const char *const *a = allowed_ns; *a; a++)
		if (strlen(*a) == n && memcmp(key, *a, n) == 0)
			return false;
	return !in_namespace(key, n, "kubelet.kubernetes.io") &&
	       !in_namespace(key, n, "node.kubernetes.io");
}

bool ami_type_gpu(const char *ami)
{
	return ami && (strstr(ami, "NVIDIA") || strcmp(ami, "AL2_x86_64_GPU") == 0);
}

/* ---- building the matrix ---- */

/* The strings of a list (other items skipped), arena-owned; *at: their nodes. */
static const char *const *str_list(struct arena *a, const struct m_strs *l, size_t *n,
				   const struct node *const **at)
{
	*n = 0;
	if (at)
		*at = NULL;
	if (l->count == 0)
		return NULL;
	const char **v = arena_alloc(a, l->count * sizeof(*v));
	const struct node **nodes = arena_alloc(a, l->count * sizeof(*nodes));
	for (size_t i = 0; i < l->count; i++)
		if (l->v[i].s) {
			nodes[*n] = l->v[i].n;
			v[(*n)++] = l->v[i].s;
		}
	if (at)
		*at = nodes;
	return v;
}

struct builder {
	struct arena *a;
	const struct data *d;
	struct pl_group *g;		/* the group whose labels are being added */
	struct pl_label *labels;
	size_t nlabels, caplabels;
};

static void add_label(struct builder *b, const char *key, const char *value,
		      const struct node *at)
{
	if (placement_group_has(b->g, key, value))
		return;
	struct pl_label l = { key, value, at };
	ARENA_PUSH(b->a, b->labels, b->nlabels, b->caplabels, l);
	pl_pairs_put(b->a, &b->g->label_at, key, value, b->nlabels - 1);
	if (!placement_group_has(b->g, key, NULL))
		pl_pairs_put(b->a, &b->g->label_at, key, NULL, b->nlabels - 1);
}

static bool has_label_key(const struct builder *b, const char *key)
{
	return placement_group_has(b->g, key, NULL);
}

static void build_group(struct builder *b, const struct placement *p, const struct model *m,
			struct pl_group *g)
{
	struct arena *a = b->a;
	const struct m_group *spec = g->spec;
	g->spot = spec->capacity.v == CAPACITY_SPOT;
	g->capacity = spec->capacity.n;

	if (spec->min.set && spec->min.v == 0)
		g->zero = spec->min.n;
	else if (spec->schedule.min_after.set && spec->schedule.min_after.v == 0)
		g->zero = spec->schedule.min_after.n;

	/* its own azs, else aws.azs */
	const struct m_strs *azs = &spec->azs;
	if (!azs->n || azs->n->kind != NODE_SEQ)
		azs = &m->aws.azs;
	g->azs_at = azs->n;
	g->azs = str_list(a, azs, &g->nazs, NULL);
	g->types = str_list(a, &spec->instance_types, &g->ntypes, &g->types_at);

	if (spec->taints.count)
		g->taints = arena_alloc(a, spec->taints.count * sizeof(*g->taints));
	for (size_t i = 0; i < spec->taints.count; i++) {
		const struct m_taint *t = &spec->taints.v[i];
		const char *eff = effect_name(t->effect.v);
		if (!t->key.s || !eff)
			continue;
		const char *val = t->value.s;
		g->taints[g->ntaints++] = (struct pl_taint){ t->key.s, val ? val : "", eff, t->n };
	}

	/* the labels every node of the group carries: its own first, then those EKS and
	 * the kubelet add (a spec label of the same key wins: kubelet flags come last) */
	b->g = g;
	b->labels = NULL;
	b->nlabels = b->caplabels = 0;
	const struct m_labels *ls = &spec->labels;
	for (size_t i = 0; i < ls->count; i++)
		if (ls->v[i].value.s)
			add_label(b, ls->v[i].key->str, ls->v[i].value.s, ls->v[i].value.n);
	g->nspec_labels = b->nlabels;
	struct {
		const char *key, *value;
	} eks[] = {
		{ "eks.amazonaws.com/capacityType", g->spot ? "SPOT" : "ON_DEMAND" },
		{ "eks.amazonaws.com/nodegroup", m->cluster.name.s
							 ? identity_node_group(a, m, g->name)
							 : arena_printf(a, "%s-%s", p->cluster, g->name) },
		{ "kubernetes.io/os", "linux" },
	};
	for (size_t i = 0; i < sizeof(eks) / sizeof(eks[0]); i++)
		if (!has_label_key(b, eks[i].key))
			add_label(b, eks[i].key, eks[i].value, NULL);
	bool own_type = has_label_key(b, "node.kubernetes.io/instance-type");
	bool own_zone = has_label_key(b, "topology.kubernetes.io/zone");
	bool own_arch = has_label_key(b, "kubernetes.io/arch");
	for (size_t i = 0; i < g->ntypes && !own_type; i++)
		add_label(b, "node.kubernetes.io/instance-type", g->types[i], NULL);
	for (size_t i = 0; i < g->nazs && !own_zone; i++)
		add_label(b, "topology.kubernetes.io/zone", g->azs[i], NULL);
	for (size_t i = 0; i < g->ntypes && !own_arch; i++) {
		const struct instance_info *it = data_instance(b->d, g->types[i]);
		add_label(b, "kubernetes.io/arch",
			  it && it->arch && strcmp(it->arch, "arm64") == 0 ? "arm64" : "amd64", NULL);
	}
	if (!own_arch && g->ntypes == 0)
		add_label(b, "kubernetes.io/arch", "amd64", NULL);
	g->labels = b->labels;
	g->nlabels = b->nlabels;
}

const struct pl_group *placement_group(const struct placement *p, const char *name)
{
	long i = name ? strmap_get(&p->group_at, name, strlen(name)) : -1;
	return i < 0 ? NULL : &p->groups[i];
}

static void add_tol(struct arena *a, struct pl_workload *w, size_t *cap, struct toleration t,
		    enum pl_source from, const struct node *at, const struct m_toleration *own)
{
	struct pl_toleration pt = { t, from, at, own };
	ARENA_PUSH(a, w->tols, w->ntols, *cap, pt);
}

/* Selector and tolerations of a workload or profile from its placement fields pl. */
static void build_row(struct arena *a, struct placement *p, const struct chart_info *chart,
		      struct pl_workload *w, const struct m_place *pl)
{
	const struct m_labels *sel = pl->node_selector.set ? &pl->node_selector : NULL;
	const struct node *tol = pl->tolerations.n;
	if (tol && tol->kind != NODE_SEQ)
		tol = NULL;
	w->group_at = m_str_node(&pl->node_group);
	w->group = w->group_at ? placement_group(p, w->group_at->str) : NULL;
	w->resolved = sel || w->group || !w->group_at;

	size_t cap = 0;
	if (sel) {
		w->selector_at = sel->n;
		w->selector = arena_alloc(a, (sel->count + 1) * sizeof(*w->selector));
		for (size_t i = 0; i < sel->count; i++)
			if (sel->v[i].value.s)
				w->selector[w->nselector++] = (struct pl_label){
					sel->v[i].key->str, sel->v[i].value.s, sel->v[i].value.n
				};
	} else if (w->group) {
		const struct pl_group *g = w->group;
		w->selector = g->labels;	/* the spec labels come first */
		w->nselector = g->nspec_labels;
	}
	if (tol) {
		w->tols_at = tol;
		for (size_t i = 0; i < pl->tolerations.count; i++) {
			const struct m_toleration *t = &pl->tolerations.v[i];
			struct toleration tt = { t->key.s, t->operator.s, t->value.s, t->effect.s };
			if (!tt.op)
				tt.op = "Equal";
			if (t->effect.v)
				tt.effect = effect_name(t->effect.v);
			add_tol(a, w, &cap, tt, PL_OWN, t->n, t);
		}
	} else if (w->group) {
		for (size_t i = 0; i < w->group->ntaints; i++) {
			const struct pl_taint *t = &w->group->taints[i];
			struct toleration tt = { t->key, "Equal", t->value, t->effect };
			add_tol(a, w, &cap, tt, PL_DERIVED, t->at, NULL);
		}
	}
	for (size_t i = 0; chart && i < chart->ntolerations[w->wl]; i++)
		add_tol(a, w, &cap, chart->tolerations[w->wl][i], PL_CHART, NULL, NULL);
	pl_index_tols(a, w);
}

static bool has_own_placement(const struct m_profile *profile)
{
	const struct m_place *pl = &profile->place;
	return pl->node_group.n || pl->node_selector.n || pl->tolerations.n;
}

/* The workloads, from the placement map, in enum order. Kubecost without an entry of its
 * own runs where the hub does: its row is built from the hub's entry (with the tolerations
 * its own chart adds: none), marked same_as; without the feature it is off. */
static void build_workloads(struct arena *a, struct placement *p, const struct chart_info *chart,
			    const struct model *m)
{
	for (int wl = 0; wl < WL_COUNT; wl++) {
		const struct m_place *pl = &m->placement.wl[wl];
		struct pl_workload *w = &p->wls[p->nwls++];
		if (wl == WL_KUBECOST && !pl->n) {
			pl = &m->placement.wl[WL_HUB];
			w->same_as = &p->wls[WL_HUB];
			w->off = !m->features.kubecost.v;
		}
		w->wl = (enum workload)wl;
		w->label = workload_names[wl];
		w->name = arena_printf(a, "'%s'", workload_names[wl]);
		w->path = arena_printf(a, "placement.%s", workload_names[wl]);
		/* findings point at the entry: the flow map after "hub:", else the key */
		w->at = m->placement.n ? m->placement.n : m->spec;
		if (pl->n)
			w->at = pl->n->loc.line == pl->key->loc.line ? pl->n : pl->key;
		if (pl->n && pl->n->kind == NODE_MAP)
			build_row(a, p, chart, w, pl);
	}
}

/* The profiles with a placement of their own get rows; the others use notebook's. */
static void build_profiles(struct arena *a, struct placement *p, const struct chart_info *chart,
			   const struct model *m)
{
	p->profile_rows = arena_alloc(a, (p->nprofiles + 1) * sizeof(*p->profile_rows));
	for (size_t i = 0; i < p->nprofiles; i++) {
		const struct m_profile *pr = &m->hub.profiles.v[i];
		p->profile_rows[i] = &p->wls[WL_NOTEBOOK];
		if (!pr->set || !has_own_placement(pr))
			continue;
		const char *slug = pr->slug.s;
		struct pl_workload *w = &p->wls[p->nwls++];
		w->wl = WL_NOTEBOOK;
		w->label = arena_printf(a, "profile %s", slug ? slug : "?");
		w->name = arena_printf(a, "profile '%s'", slug ? slug : "?");
		w->path = arena_printf(a, "%s[%zu]", m->hub.profiles.path, i);
		w->at = pr->n;
		w->profile = pr;
		build_row(a, p, chart, w, &pr->place);
		p->profile_rows[i] = w;
	}
}

const struct placement *placement_build(struct ctx *ctx, struct env *env, struct arena *a,
					bool judge)
{
	const struct node *spec = env->resolved;
	if (!spec || env->invalid || env->abstract || spec->kind != NODE_MAP)
		return NULL;
	const struct model *m = env->model;
	struct placement *p = arena_alloc(a, sizeof(*p));
	p->env = env;
	p->cluster = m->cluster.name.s;
	if (!p->cluster)
		p->cluster = arena_printf(a, "%s-%s", m->app.s ? m->app.s : "jupyterhub", env->name);
	p->chart = m->hub.chart_version.s;
	const struct data *d = data_get(ctx);
	const struct chart_info *chart = p->chart ? data_chart(d, p->chart) : NULL;
	p->chart_known = chart != NULL;

	struct builder b = { a, d, NULL, NULL, 0, 0 };
	if (m->node_groups.count)
		p->groups = arena_alloc(a, m->node_groups.count * sizeof(*p->groups));
	for (size_t i = 0; i < m->node_groups.count; i++) {
		const struct m_group *mg = &m->node_groups.v[i];
		if (!mg->set)
			continue;
		struct pl_group *g = &p->groups[p->ngroups];
		g->name = mg->name;
		g->key = mg->key;
		g->spec = mg;
		build_group(&b, p, m, g);
		if (strmap_get(&p->group_at, g->name, strlen(g->name)) < 0)
			strmap_put(a, &p->group_at, g->name, strlen(g->name), p->ngroups);
		p->ngroups++;
	}

	p->nprofiles = m->hub.profiles.count;
	p->wls = arena_alloc(a, (WL_COUNT + p->nprofiles) * sizeof(*p->wls));
	build_workloads(a, p, chart, m);
	build_profiles(a, p, chart, m);
	if (judge) {
		pl_index_groups(a, p);
		pl_judge_rows(p, a);
	}
	return p;
}

/* ---- show --placement ---- */

static void pad(struct strbuf *sb, size_t have, size_t want)
{
	for (; have < want; have++)
		sb_putc(sb, ' ');
}

#define PL_SHOW_MAX 20

/* The values a group has for key, comma-separated; NULL if none. A group's labels of one
 * key are next to each other (add_label adds the values of a key at once). */
static const char *group_values(struct arena *a, const struct pl_group *g, const char *key)
{
	struct strbuf v = SB_IN(a);
	long first = pl_pairs_get(&g->label_at, key, NULL);
	for (size_t i = first < 0 ? g->nlabels : (size_t)first;
	     i < g->nlabels && strcmp(g->labels[i].key, key) == 0; i++)
		sb_printf(&v, "%s%s", v.len ? ", " : "", g->labels[i].value);
	return v.len ? v.buf : NULL;
}

static bool eks_label(const char *key)
{
	static const char *const keys[] = {
		"eks.amazonaws.com/capacityType", "eks.amazonaws.com/nodegroup",
		"node.kubernetes.io/instance-type", "topology.kubernetes.io/zone",
		"kubernetes.io/arch", "kubernetes.io/os", NULL,
	};
	for (const char *const *k = keys; *k; k++)
		if (strcmp(key, *k) == 0)
			return true;
	return false;
}

static void show_group(struct arena *a, struct strbuf *sb, const struct pl_group *g)
{
	sb_printf(sb, "  %s\n", g->name);
	sb_printf(sb, "    capacity  %s, min %s, max %s", g->spot ? "spot" : "on_demand",
		  node_display(a, g->spec->min.n), node_display(a, g->spec->max.n));
	if (g->zero)
		sb_printf(sb, ", can scale to zero (%s: 0)",
			  g->zero == g->spec->min.n ? g->spec->min.path
						    : g->spec->schedule.min_after.path);
	sb_puts(sb, "\n    labels    ");
	if (g->nspec_labels == 0)
		sb_puts(sb, "(none of its own)");
	for (size_t i = 0; i < g->nspec_labels; i++)
		sb_printf(sb, "%s%s=%s", i ? ", " : "", g->labels[i].key, g->labels[i].value);
	sb_puts(sb, "\n    from EKS  ");
	const char *seen[8];
	size_t nseen = 0;
	for (size_t i = g->nspec_labels; i < g->nlabels; i++) {
		const char *key = g->labels[i].key;
		bool done = false;
		for (size_t k = 0; k < nseen; k++)
			done = done || strcmp(seen[k], key) == 0;
		if (done || nseen == 8)
			continue;
		seen[nseen++] = key;
		sb_printf(sb, "%s%s=%s", nseen > 1 ? "\n              " : "", key,
			  group_values(a, g, key));
	}
	sb_puts(sb, "\n    taints    ");
	if (g->ntaints == 0)
		sb_puts(sb, "none");
	for (size_t i = 0; i < g->ntaints; i++)
		sb_printf(sb, "%s%s=%s:%s", i ? ", " : "", g->taints[i].key, g->taints[i].value,
			  g->taints[i].effect);
	sb_putc(sb, '\n');
}

/* Why w cannot land on group gi: the selector's reason and the taint's, joined by sep. */
static const char *why_not(struct arena *a, const struct placement *p,
			   const struct pl_workload *w, size_t gi, const char *sep)
{
	const struct pl_group *g = &p->groups[gi];
	struct pl_fit fit = placement_fit(p, w, gi);
	const struct pl_fit *f = &fit;
	struct strbuf why = SB_IN(a);
	if (f->selector_miss >= 0) {
		const struct pl_label *s = &w->selector[f->selector_miss];
		const char *has = group_values(a, g, s->key);
		sb_printf(&why, "selector %s=%s does not match", s->key, s->value);
		if (has)
			sb_printf(&why, " (here: %s)", has);
		else
			sb_printf(&why, " (no label %s here)", s->key);
	}
	if (f->taint_miss >= 0) {
		const struct pl_taint *t = &g->taints[f->taint_miss];
		sb_printf(&why, "%sno toleration for %s=%s:%s", why.len ? sep : "", t->key,
			  t->value, t->effect);
	}
	return why.buf ? why.buf : "";
}

/* The groups w lands on: the first PL_SHOW_MAX by name, then how many more. */
static void put_lands(struct strbuf *sb, const struct placement *p, const struct pl_workload *w)
{
	size_t n = w->judged ? w->nlands : 0;
	for (size_t k = 0; k < n && k < PL_SHOW_MAX; k++)
		sb_printf(sb, "%s%s", k ? ", " : "", p->groups[w->lands[k]].name);
	if (n > PL_SHOW_MAX)
		sb_printf(sb, " and %zu more", n - PL_SHOW_MAX);
}

static const char *source_text(struct arena *a, const struct pl_workload *w,
			       enum pl_source from)
{
	switch (from) {
	case PL_OWN:
		return arena_printf(a, "%s.tolerations", w->path);
	case PL_DERIVED:
		return arena_printf(a, "from node group '%s'", w->group ? w->group->name : "?");
	case PL_CHART:
		return "added by the chart";
	}
	return "";
}

/* The "selector" lines of a workload's row. */
static void show_selector(struct arena *a, struct strbuf *sb, const struct pl_workload *w)
{
	sb_puts(sb, "    selector     ");
	if (w->nselector == 0)
		sb_puts(sb, "(none: any node)");
	for (size_t i = 0; i < w->nselector; i++)
		sb_printf(sb, "%s%s=%s", i ? ", " : "", w->selector[i].key, w->selector[i].value);
	if (w->nselector)
		sb_printf(sb, "  (%s)", w->selector_at ? arena_printf(a, "%s.node_selector", w->path)
						       : arena_printf(a, "labels of '%s'",
								      w->group->name));
	sb_putc(sb, '\n');
	bool only_eks = w->nselector > 0;
	for (size_t i = 0; i < w->nselector; i++)
		only_eks = only_eks && eks_label(w->selector[i].key);
	if (only_eks) {
		sb_printf(sb, "                 no label of the spec: %s set by EKS or the "
			      "kubelet, so any node\n"
			      "                 group with ", w->nselector == 1 ? "it is" : "they are");
		for (size_t i = 0; i < w->nselector; i++)
			sb_printf(sb, "%s%s=%s", i ? ", " : "", w->selector[i].key,
				  w->selector[i].value);
		sb_puts(sb, ", present or future, qualifies\n");
	}
}

/* The "not on" lines: the first groups it does not land on, walking the groups past
 * its lands, each with why. */
static void show_not_on(struct arena *a, struct strbuf *sb, const struct placement *p,
			const struct pl_workload *w)
{
	size_t *not_on = arena_alloc(a, PL_SHOW_MAX * sizeof(*not_on)), nnot = 0, width = 0;
	for (size_t g = 0, k = 0; g < p->ngroups && nnot < PL_SHOW_MAX; g++) {
		if (k < w->nlands && w->lands[k] == g) {
			k++;
			continue;
		}
		not_on[nnot++] = g;
		if (strlen(p->groups[g].name) > width)
			width = strlen(p->groups[g].name);
	}
	for (size_t i = 0; i < nnot; i++) {
		size_t g = not_on[i];
		const char *name = p->groups[g].name;
		sb_puts(sb, i == 0 ? "    not on       " : "                 ");
		sb_printf(sb, "%s:", name);
		pad(sb, strlen(name), width);
		struct strbuf sep = SB_IN(a);
		sb_putc(&sep, '\n');
		pad(&sep, 0, 17 + width + 2);
		sb_printf(sb, " %s\n", why_not(a, p, w, g, sep.buf));
	}
	size_t more = p->ngroups - w->nlands - nnot;
	if (more)
		sb_printf(sb, "                 and %zu more node group%s\n", more, more == 1 ? "" : "s");
}

static void show_row(struct arena *a, struct strbuf *sb, const struct placement *p,
		     const struct pl_workload *w)
{
	sb_printf(sb, "  %s", w->label);
	if (w->group_at)
		sb_printf(sb, "  (node_group: %s)", w->group_at->str);
	sb_putc(sb, '\n');
	if (!w->resolved) {
		sb_printf(sb, "    node group '%s' does not exist: it cannot be placed\n",
			  w->group_at->str);
		return;
	}
	show_selector(a, sb, w);
	sb_puts(sb, "    tolerations  ");
	if (w->ntols == 0)
		sb_puts(sb, "none");
	for (size_t i = 0; i < w->ntols; i++)
		sb_printf(sb, "%s%s  (%s)", i ? "\n                 " : "",
			  toleration_text(a, &w->tols[i].t), source_text(a, w, w->tols[i].from));
	sb_putc(sb, '\n');
	sb_puts(sb, "    lands on     ");
	if (!w->judged) {
		sb_puts(sb, "(not judged: the matrix is too large)\n");
		return;
	}
	if (w->nlands == 0)
		sb_puts(sb, "NO node group: its pods stay Pending");
	put_lands(sb, p, w);
	sb_putc(sb, '\n');
	show_not_on(a, sb, p, w);
}

void placement_show(const struct ctx *ctx, const struct placement *p, struct strbuf *sb)
{
	(void)ctx;
	struct arena a;
	arena_init(&a);
	sb_printf(sb, "placement of '%s' (cluster %s, daskhub chart %s%s)\n\n", p->env->name,
		  p->cluster, p->chart ? p->chart : "?",
		  p->chart_known ? "" : ": its own tolerations are not known");

	/* the summary: one line per workload */
	size_t width = 8;
	for (size_t i = 0; i < p->nwls; i++)
		if (!p->wls[i].off && strlen(p->wls[i].label) > width)
			width = strlen(p->wls[i].label);
	sb_puts(sb, "WORKLOAD");
	pad(sb, 8, width + 2);
	sb_puts(sb, "LANDS ON\n");
	for (size_t i = 0; i < p->nwls; i++) {
		const struct pl_workload *w = &p->wls[i];
		if (w->off)
			continue;
		sb_puts(sb, w->label);
		pad(sb, strlen(w->label), width + 2);
		if (!w->resolved)
			sb_puts(sb, "(unknown node group)");
		else if (!w->judged)
			sb_puts(sb, "(not judged)");
		else if (w->nlands == 0)
			sb_puts(sb, "-");
		put_lands(sb, p, w);
		sb_putc(sb, '\n');
	}
	bool shared = false;
	for (size_t i = 0; i < p->nprofiles; i++)
		shared = shared || p->profile_rows[i] == &p->wls[WL_NOTEBOOK];
	if (p->nprofiles && shared) {
		sb_puts(sb, "(profiles without a placement of their own use notebook's:");
		const struct m_profile *profiles = p->env->model->hub.profiles.v;
		for (size_t i = 0; i < p->nprofiles; i++)
			if (p->profile_rows[i] == &p->wls[WL_NOTEBOOK])
				sb_printf(sb, " %s", profiles[i].slug.s ? profiles[i].slug.s : "?");
		sb_puts(sb, ")\n");
	}

	sb_puts(sb, "\nnode groups\n");
	for (size_t g = 0; g < p->ngroups; g++)
		show_group(&a, sb, &p->groups[g]);

	sb_puts(sb, "\nworkloads\n");
	for (size_t i = 0; i < p->nwls; i++) {
		if (p->wls[i].off)
			continue;
		if (i)
			sb_putc(sb, '\n');
		show_row(&a, sb, p, &p->wls[i]);
	}
	arena_release(&a);
}

/*
 * import_map.c - the mapping of schemas/tofu-era-variables.json applied to a tfvars
 * file (import.h): the values tofu_era's modules fix first, then every variable in the
 * mapping's order, each from the tfvars or its default, checked against its declared
 * type, converted and written to its spec paths with its origin.
 *
 * Refused (SPEC012 at the value): a variable tofu_era does not declare, a value of the
 * wrong type, a value the mapping requires to be another (a layout eragen does not
 * generate), an 'environment' that is not ENV. The mapping itself is data: one that is
 * not the expected shape is reported at its file and nothing is written.
 */
#include "data.h"
#include "import.h"

#include <stdlib.h>

struct mapper {
	struct ctx *ctx;
	struct arena *a;
	struct import_job *job;
	const struct node *vars;	/* the mapping's "variables" */
	const char *cluster, *region;
	const char *const *azs;		/* of region, from schemas/regions.json */
	size_t nazs;
	bool ok;
};

static struct node *mk_str(struct arena *a, const char *s, struct loc at)
{
	struct node *n = node_str(a, s, strlen(s), at);
	n->flags |= NODE_QUOTED;
	return n;
}

/* The last component of a path: comments name the file the header names in full. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool is_true(const struct node *n)
{
	return n && n->kind == NODE_BOOL && n->v.b;
}

/* The value of variable name: the tfvars' (not null), else its default (NULL when it
 * has none); *why says which. */
static const struct node *var_value(const struct mapper *m, const char *name, const char **why)
{
	const struct node *v = node_get(m->job->vars, name);
	const struct node *e = node_get(m->vars, name);
	if (v && v->kind != NODE_NULL) {
		if (why)
			*why = arena_printf(m->a, "%s:%u %s", base_name(m->job->tfvars_shown),
					    v->loc.line, name);
		return v;
	}
	const struct node *line = e ? node_get(e, "line") : NULL;
	if (why)
		*why = arena_printf(m->a, "default of %s (variables.tf:%s)", name,
				    line && line->str ? line->str : "?");
	return e ? node_get(e, "default") : NULL;
}

/* "x": variable x is true; "!x": it is not; NULL: always. */
static bool when_ok(const struct mapper *m, const struct node *when)
{
	if (!when || when->kind != NODE_STR)
		return true;
	bool neg = when->str[0] == '!';
	return is_true(var_value(m, when->str + neg, NULL)) != neg;
}

/* ---- values -------------------------------------------------------------------------- */

/* s with {cluster}, {account} and {region} replaced; NULL when one is unknown. */
static const char *subst(const struct mapper *m, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &sb);
	const char *names[] = { "{cluster}", "{account}", "{region}" };
	const char *vals[] = { m->cluster, m->job->account, m->region };
	bool ok = true;
	for (const char *p = s; *p && ok;) {
		size_t k = 0;
		while (k < 3 && strncmp(p, names[k], strlen(names[k])) != 0)
			k++;
		if (k == 3) {
			sb_putc(&sb, *p++);
			continue;
		}
		ok = vals[k] != NULL;
		if (ok)
			sb_puts(&sb, vals[k]);
		p += strlen(names[k]);
	}
	const char *r = ok ? arena_strdup(m->a, sb.buf ? sb.buf : "") : NULL;
	oom_guard_pop(&g);
	sb_release(&sb);
	return r;
}

/* A copy of a mapping value with its strings substituted; NULL when one cannot be. */
static const struct node *fixed_value(const struct mapper *m, const struct node *n, int depth)
{
	if (!n || depth > YAML_MAX_DEPTH)
		return NULL;
	if (n->kind == NODE_STR) {
		const char *s = subst(m, n->str);
		return s ? mk_str(m->a, s, n->loc) : NULL;
	}
	if (n->kind != NODE_SEQ && n->kind != NODE_MAP)
		return n;
	struct node *c = node_new(m->a, n->kind, n->loc);
	c->n = n->n;
	c->items = arena_alloc(m->a, (n->n + 1) * sizeof(*c->items));
	c->keys = n->keys;
	for (size_t i = 0; i < n->n; i++)
		if (!(c->items[i] = (struct node *)fixed_value(m, n->items[i], depth + 1)))
			return NULL;
	return c;
}

/* The text a "values" table is keyed by: a scalar's. */
static const struct node *value_for(const struct node *values, const struct node *v)
{
	if (!values || !v || !v->str || v->kind == NODE_SEQ || v->kind == NODE_MAP)
		return NULL;
	long i = node_find(values, v->str, v->len);
	return i >= 0 ? values->items[i] : NULL;
}

static bool empty(const struct node *v)
{
	return !v || v->kind == NODE_NULL || ((v->kind == NODE_STR || v->kind == NODE_SEQ ||
					       v->kind == NODE_MAP) && v->n == 0 && v->len == 0);
}

/* ---- the conversions ("how") ------------------------------------------------------- */

static void refuse(struct mapper *m, const struct node *at, const char *fmt, ...) ATTR_PRINTF(3, 4);
static void refuse(struct mapper *m, const struct node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct loc l = at && at->loc.file == m->job->tfvars->id ? at->loc
								 : (struct loc){ .file = m->job->tfvars->id };
	diag_vadd(m->ctx, "SPEC012", m->job->env, l, fmt, ap);
	va_end(ap);
	m->ok = false;
}

/* additional_image_choices: name -> image, the other keys as they are. */
static const struct node *image_choices(struct mapper *m, const struct node *v)
{
	struct node *s = node_new(m->a, NODE_SEQ, v->loc);
	s->n = v->n;
	s->items = arena_alloc(m->a, (v->n + 1) * sizeof(*s->items));
	for (size_t i = 0; i < v->n; i++) {
		const struct node *it = v->items[i];
		struct node *c = node_new(m->a, NODE_MAP, it->loc);
		c->n = it->n;
		c->keys = arena_alloc(m->a, (it->n + 1) * sizeof(*c->keys));
		c->items = it->items;
		for (size_t k = 0; k < it->n; k++)
			c->keys[k] = strcmp(it->keys[k]->str, "name") == 0
					     ? mk_str(m->a, "image", it->keys[k]->loc)
					     : it->keys[k];
		s->items[i] = c;
	}
	return s;
}

/* singleuser_image_name with its tag; through the account's ECR pull-through cache
 * when tofu_era uses it (the image the live pods run). */
static const struct node *image(struct mapper *m, const struct node *v, const char **why)
{
	const struct node *tag = var_value(m, "singleuser_image_tag", NULL);
	const char *s = v->str;
	if (is_true(var_value(m, "use_ecr_pull_through_cache", NULL)) && m->job->account &&
	    m->region && strncmp(s, "ghcr.io/", 8) == 0) {
		s = arena_printf(m->a, "%s.dkr.ecr.%s.amazonaws.com/ghcr/%s", m->job->account,
				 m->region, s + 8);
		*why = arena_printf(m->a, "%s (+ singleuser_image_tag, through the ECR pull-through "
					  "cache: use_ecr_pull_through_cache)", *why);
	} else {
		*why = arena_printf(m->a, "%s (+ singleuser_image_tag)", *why);
	}
	if (tag && tag->kind == NODE_STR && tag->len)
		s = arena_printf(m->a, "%s:%s", s, tag->str);
	return mk_str(m->a, s, v->loc);
}

/* The region of a Cognito domain "<prefix>.auth.<region>.amazoncognito.com", or NULL. */
static const char *cognito_region(struct arena *a, const char *d)
{
	const char *p = strstr(d, ".auth.");
	const char *e = p ? strstr(p + 6, ".amazoncognito.com") : NULL;
	return e && e > p + 6 ? arena_strndup(a, p + 6, (size_t)(e - p - 6)) : NULL;
}

/* Both seqs' items, in order. */
static const struct node *append(struct mapper *m, const struct node *old, const struct node *v)
{
	size_t n0 = old && old->kind == NODE_SEQ ? old->n : 0;
	struct node *s = node_new(m->a, NODE_SEQ, v->loc);
	s->n = (uint32_t)(n0 + v->n);
	s->items = arena_alloc(m->a, (s->n + 1) * sizeof(*s->items));
	for (size_t i = 0; i < n0; i++)
		s->items[i] = old->items[i];
	for (size_t i = 0; i < v->n; i++)
		s->items[n0 + i] = v->items[i];
	return s;
}

/* One write of variable name (value v) to path, converted by how; i: the target's index. */
static void convert(struct mapper *m, const char *name, const char *how, const char *path,
		    size_t i, const struct node *v, const char *why)
{
	struct arena *a = m->a;
	struct ispec *root = m->job->root;
	if (!how) {
		ispec_set(a, root, path, v, why);
	} else if (strcmp(how, "omit_empty") == 0) {
		if (!empty(v))
			ispec_set(a, root, path, v, why);
	} else if (strcmp(how, "env_name") == 0) {
		if (v->kind == NODE_STR && strcmp(v->str, m->job->env) != 0)
			refuse(m, v, "'%s' is '%s', not the environment imported ('%s')", name,
			       v->str, m->job->env);
		ispec_set(a, root, path, mk_str(a, m->job->env, v->loc), why);
	} else if (strcmp(how, "region") == 0) {
		ispec_set(a, root, path, v, why);
		if (!m->nazs)
			return;
		struct node *s = node_new(a, NODE_SEQ, v->loc);
		s->n = (uint32_t)m->nazs;
		s->items = arena_alloc(a, m->nazs * sizeof(*s->items));
		for (size_t k = 0; k < m->nazs; k++)
			s->items[k] = mk_str(a, m->azs[k], v->loc);
		ispec_set(a, root, "aws.azs", s, arena_printf(a, "every AZ of %s (schemas/"
			  "regions.json), as tofu_era takes them: check them with 'aws ec2 "
			  "describe-availability-zones'", m->region));
	} else if (strcmp(how, "cluster_name") == 0) {
		if (strcmp(m->cluster, arena_printf(a, "jupyterhub-%s", m->job->env)) != 0)
			ispec_set(a, root, path, mk_str(a, m->cluster, v->loc),
				  arena_printf(a, "%s + '-' + environment", why));
	} else if (strcmp(how, "first_az") == 0) {
		if (is_true(v) && m->nazs) {
			struct node *s = node_new(a, NODE_SEQ, v->loc);
			s->n = 1;
			s->items = arena_alloc(a, sizeof(*s->items));
			s->items[0] = mk_str(a, m->azs[0], v->loc);
			ispec_set(a, root, path, s, arena_printf(a, "%s: the first AZ", why));
		}
	} else if (strcmp(how, "image") == 0) {
		const struct node *img = image(m, v, &why);
		ispec_set(a, root, path, img, why);
	} else if (strcmp(how, "cognito_domain") == 0) {
		const char *r = i == 1 ? cognito_region(a, v->str) : NULL;
		if (i == 0)
			ispec_set(a, root, path, v, why);
		else if (r)
			ispec_set(a, root, path, mk_str(a, r, v->loc),
				  arena_printf(a, "%s: the region in it", why));
	} else if (strcmp(how, "append") == 0) {
		if (v->n)
			ispec_set(a, root, path, append(m, ispec_get(root, path), v), why);
	} else if (strcmp(how, "image_choices") == 0) {
		ispec_set(a, root, path, image_choices(m, v), why);
	} else {
		refuse(m, NULL, "%s: unknown conversion '%s' of '%s'", IMPORT_MAP, how, name);
	}
}

/* ---- types ------------------------------------------------------------------------- */

/* Is v of the declared tofu type t (bool, number, string, list(string), list(object...))? */
static bool type_ok(const char *t, const struct node *v)
{
	if (strcmp(t, "bool") == 0)
		return v->kind == NODE_BOOL;
	if (strcmp(t, "number") == 0)
		return v->kind == NODE_INT || v->kind == NODE_FLOAT;
	if (strcmp(t, "string") == 0)
		return v->kind == NODE_STR;
	if (strncmp(t, "list(", 5) != 0 || v->kind != NODE_SEQ)
		return false;
	bool obj = strncmp(t + 5, "object(", 7) == 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i]->kind != (obj ? NODE_MAP : NODE_STR))
			return false;
	return true;
}

/* ---- the variables ------------------------------------------------------------------- */

static void apply_targets(struct mapper *m, const char *name, const struct node *e,
			  const struct node *v, const char *why)
{
	const struct node *to = node_get(e, "to"), *how = node_get(e, "how");
	for (size_t i = 0; to && i < to->n; i++) {
		const struct node *t = to->items[i], *val = v;
		const struct node *path = t->kind == NODE_MAP ? node_get(t, "path") : t;
		if (!path || path->kind != NODE_STR || !when_ok(m, node_get(t, "when")))
			continue;
		const struct node *values = t->kind == NODE_MAP ? node_get(t, "values") : NULL;
		if (values && !(val = fixed_value(m, value_for(values, v), 0)))
			continue;
		convert(m, name, how && how->kind == NODE_STR ? how->str : NULL, path->str, i, val,
			why);
	}
}

static void apply_var(struct mapper *m, const char *name, const struct node *e)
{
	const char *why;
	const struct node *v = var_value(m, name, &why);
	const struct node *given = node_get(m->job->vars, name);
	const struct node *type = node_get(e, "type"), *req = node_get(e, "require");
	const struct node *reason = node_get(e, "unmapped");
	if (!v) {
		refuse(m, NULL, "'%s' is not set, and tofu_era gives it no default", name);
		return;
	}
	if (type && type->kind == NODE_STR && !type_ok(type->str, v)) {
		refuse(m, v, "'%s' must be of type %s (variables.tf:%s), not a %s", name,
		       type->str, node_get(e, "line") ? node_get(e, "line")->str : "?",
		       node_kind_name(v->kind));
		return;
	}
	if (req && !node_equal(req, v)) {
		const char *what = reason ? reason->str : "another value is required";
		if (given && given->kind != NODE_NULL)
			refuse(m, v, "'%s' = %s cannot be imported: %s", name,
			       node_display(m->a, v), what);
		else
			refuse(m, NULL, "'%s' is not set, and its default %s (variables.tf:%s) "
					"cannot be imported: %s", name, node_display(m->a, v),
			       node_get(e, "line") ? node_get(e, "line")->str : "?", what);
		return;
	}
	if (reason && !node_get(e, "to") && given && given->kind != NODE_NULL) {
		struct iunmapped u = { name, given, reason->str };
		ARENA_PUSH(m->a, m->job->unmapped, m->job->nunmapped, m->job->capunmapped, u);
	}
	if (when_ok(m, node_get(e, "when")))
		apply_targets(m, name, e, v, why);
}

/* Every attribute of the tfvars must be a variable of tofu_era. */
static void check_names(struct mapper *m)
{
	const struct node *vars = m->job->vars;
	size_t searches = 0;
	for (size_t i = 0; i < vars->n; i++) {
		const struct node *k = vars->keys[i];
		if (node_get(m->vars, k->str))
			continue;
		struct diag *d = diag_add(m->ctx, "SPEC012", m->job->env, k->loc,
					  "'%s' is not a variable of tofu_era (%s)", k->str,
					  IMPORT_MAP);
		m->ok = false;
		if (searches++ >= NEAREST_SEARCHES)
			continue;
		struct nearest nr = nearest_start(k->str, k->len, 3);
		for (size_t j = 0; j < m->vars->n; j++)
			nearest_offer(&nr, m->vars->keys[j]->str);
		if (nr.best)
			diag_help(m->ctx, d, "did you mean '%s'?", nr.best);
	}
}

/* The values the rest depends on: the cluster's name and the region's AZs. */
static void basics(struct mapper *m)
{
	const struct node *cn = var_value(m, "cluster_name", NULL);
	const struct node *rg = var_value(m, "region", NULL);
	const char *c = cn && cn->kind == NODE_STR ? cn->str : "jupyterhub";
	m->cluster = arena_printf(m->a, "%s-%s", c, m->job->env);
	m->region = rg && rg->kind == NODE_STR ? rg->str : NULL;
	const struct data *d = m->region ? data_get(m->ctx) : NULL;
	const struct region_info *r = d ? data_region(d, m->region) : NULL;
	if (r) {
		m->azs = r->azs;
		m->nazs = r->nazs;
	}
}

static void apply_fixed(struct mapper *m, const struct node *fixed)
{
	for (size_t i = 0; fixed && i < fixed->n; i++) {
		const struct node *f = fixed->items[i];
		const struct node *path = node_get(f, "path"), *why = node_get(f, "why");
		if (!path || path->kind != NODE_STR || !when_ok(m, node_get(f, "when")))
			continue;
		const struct node *v = fixed_value(m, node_get(f, "value"), 0);
		if (v)
			ispec_set(m->a, m->job->root, path->str, v,
				  arena_printf(m->a, "tofu_era: %s",
					       why && why->kind == NODE_STR ? why->str : "fixed"));
	}
}

/* The mapping file, or NULL after a diagnostic. */
static const struct node *load_map(struct ctx *ctx)
{
	struct srcfile *f = srcfile_read_data(ctx, IMPORT_MAP, NULL);
	const struct node *j = f ? srcfile_json(ctx, f) : NULL;
	const struct node *vars = j && j->kind == NODE_MAP ? node_get(j, "variables") : NULL;
	if (f && (!vars || vars->kind != NODE_MAP)) {
		diag_add(ctx, "SPEC012", NULL, (struct loc){ .file = f->id },
			 "'%s' is not a mapping of variables (no object 'variables')", IMPORT_MAP);
		return NULL;
	}
	return vars ? j : NULL;
}

bool import_map(struct ctx *ctx, struct arena *a, struct import_job *job)
{
	const struct node *map = load_map(ctx);
	if (!map)
		return false;
	struct mapper m = { ctx, a, job, node_get(map, "variables"), NULL, NULL, NULL, 0, true };
	job->root = arena_alloc(a, sizeof(*job->root));
	const struct node *order = node_get(map, "order");
	for (size_t i = 0; order && order->kind == NODE_SEQ && i < order->n; i++)
		if (order->items[i]->kind == NODE_STR)	/* an empty branch, until written */
			ispec_set(a, job->root, order->items[i]->str, NULL, NULL);
	check_names(&m);
	basics(&m);
	struct loc at = { .file = job->tfvars->id };
	struct node *one = node_new(a, NODE_INT, at);
	one->str = "1", one->len = 1, one->v.i = 1;
	ispec_set(a, job->root, "eragen", one, NULL);
	ispec_set(a, job->root, "tier", mk_str(a, job->tier, at),
		  "--tier: the policy tier (tofu_era has none)");
	if (job->account)
		ispec_set(a, job->root, "aws.account_id", mk_str(a, job->account, at),
			  job->account_why);
	apply_fixed(&m, node_get(map, "fixed"));
	for (size_t i = 0; i < m.vars->n; i++)
		if (m.vars->items[i]->kind == NODE_MAP)
			apply_var(&m, m.vars->keys[i]->str, m.vars->items[i]);
	/* no domain name: no domain at all (enable_acm alone says nothing) */
	if (!ispec_get(job->root, "domain.name"))
		ispec_drop(job->root, "domain");
	return m.ok;
}

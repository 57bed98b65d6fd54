/*
 * emit/helm.c - the helm back end: out/<env>/helm/values.yaml, the values of the daskhub
 * chart (DESIGN 6), and out/<env>/helm/kubecost.yaml (features.kubecost), from the model
 * of the spec (env->model) and the placement matrix. This file holds the tree helpers,
 * the hub (authentication, what KubeSpawner adds to every server, logout), the proxy and
 * the back end itself; the parts are helm_user.c (notebook servers, user-scheduler, image
 * pullers, culling), helm_dask.c (dask-gateway), helm_kubecost.c, and the writers
 * helm_yaml.c.
 *
 * The values are built in C as a tree (the view's helm.values) because hub.extra_values
 * is deep-merged over them last (maps merge key by key, lists and scalars replace, a null
 * removes a key), which a template cannot do. helm_yaml.c renders the tree as block YAML
 * (every string through tmpl_escape(ESC_YAML); no null is ever written: the real
 * deployment crashed on one). The rendered sections are fragments in the view
 * (helm.yaml.*) that templates/helm/values.yaml.mustache lays out.
 *
 * Secrets never reach the file: the view lists in helm.set_sensitive the Helm paths the
 * platform stack must set from the SOPS data (set_sensitive), and in helm.set those it
 * must set from its own resources (the ACM certificate ARN of the NLB listener).
 */
#include "helm_int.h"
#include "helm_proxy.h"
#include "identity.h"

#include <string.h>

/* ---- building the values tree ------------------------------------------------------ */

long h_index(const struct node *map, const char *key)
{
	return node_index(map, key);
}

/* map[key] = val, replacing an existing entry (maps built here only). */
struct node *h_put(struct arena *a, struct node *map, const char *key, struct node *val)
{
	long i = h_index(map, key);
	if (i >= 0) {
		map->items[i] = val;
		return val;
	}
	return v_set(a, map, key, val);
}

/* map[key], a map, created when absent. */
struct node *h_map(struct arena *a, struct node *map, const char *key)
{
	long i = h_index(map, key);
	if (i >= 0 && map->items[i]->kind == NODE_MAP)
		return map->items[i];
	return h_put(a, map, key, v_map(a));
}

/* Drop the entries whose value is NULL. */
static void h_compact(struct arena *a, struct node *map)
{
	size_t o = 0;
	for (size_t i = 0; i < map->n; i++) {
		if (!map->items[i])
			continue;
		map->keys[o] = map->keys[i];
		map->items[o++] = map->items[i];
	}
	if (o == map->n)
		return;
	map->n = (uint32_t)o;
	map->v.index = NULL;	/* the keys moved */
	node_map_index(a, map);
}

void h_del(struct arena *a, struct node *map, long i)
{
	map->items[i] = NULL;
	h_compact(a, map);
}

/* A copy of a spec subtree in view nodes, without nulls (null map values and items are
 * dropped: they can only mean "absent" in our output). */
static struct node *h_copy(struct arena *a, struct node *n)
{
	if (n->kind == NODE_MAP) {
		struct node *m = v_map(a);
		for (size_t i = 0; i < n->n; i++)
			if (y_present(n->items[i]))
				h_put(a, m, n->keys[i]->str, h_copy(a, n->items[i]));
		return m;
	}
	if (n->kind == NODE_SEQ) {
		struct node *s = v_seq(a);
		for (size_t i = 0; i < n->n; i++)
			if (y_present(n->items[i]))
				v_push(a, s, h_copy(a, n->items[i]));
		return s;
	}
	return n;
}

struct node *h_str(struct hb *b, const char *s)
{
	return v_str(b->a, s);
}

void put_str(struct hb *b, struct node *map, const char *key, const char *s)
{
	h_put(b->a, map, key, h_str(b, s));
}

/* A string list from a spec list of strings. */
struct node *str_list(struct hb *b, const struct m_strs *seq)
{
	struct node *l = v_seq(b->a);
	for (size_t i = 0; i < seq->count; i++)
		if (seq->v[i].s)
			v_push(b->a, l, (struct node *)seq->v[i].n);
	return l;
}

/* ---- placement ---- */

struct node *selector_map(struct hb *b, const struct pl_workload *w)
{
	struct node *m = v_map(b->a);
	for (size_t i = 0; w && i < w->nselector; i++)
		h_put(b->a, m, w->selector[i].key, h_str(b, w->selector[i].value));
	return m;
}

static bool tol_wanted(const struct pl_toleration *t)
{
	return t->from != PL_CHART;
}

/* A toleration as Kubernetes writes it (key, operator, value, effect,
 * tolerationSeconds), absent fields omitted. */
static struct node *toleration_map(struct hb *b, const struct pl_toleration *t)
{
	struct node *m = v_map(b->a);
	if (t->t.key && *t->t.key)
		put_str(b, m, "key", t->t.key);
	put_str(b, m, "operator", t->t.op ? t->t.op : "Equal");
	if (t->t.value && *t->t.value)
		put_str(b, m, "value", t->t.value);
	if (t->t.effect && *t->t.effect)
		put_str(b, m, "effect", t->t.effect);
	const struct m_int *secs = t->from == PL_OWN && t->own ? &t->own->toleration_seconds : NULL;
	if (secs && secs->set)
		h_put(b->a, m, "tolerationSeconds", (struct node *)secs->n);
	return m;
}

/* The workload's own or derived tolerations (never those the chart adds itself). */
struct node *toleration_list(struct hb *b, const struct pl_workload *w)
{
	struct node *l = v_seq(b->a);
	for (size_t i = 0; w && i < w->ntols; i++)
		if (tol_wanted(&w->tols[i]))
			v_push(b->a, l, toleration_map(b, &w->tols[i]));
	return l;
}

/* nodeSelector / tolerations (under the given key names) of workload w into map,
 * omitted when empty. */
void place(struct hb *b, struct node *map, const struct pl_workload *w,
		  const char *sel_key, const char *tol_key)
{
	struct node *sel = selector_map(b, w);
	struct node *tol = toleration_list(b, w);
	if (sel->n)
		h_put(b->a, map, sel_key, sel);
	if (tol->n)
		h_put(b->a, map, tol_key, tol);
}

const struct pl_workload *wl_row(const struct placement *p, enum workload wl)
{
	return p && p->nwls > (size_t)wl ? &p->wls[wl] : NULL;
}

/* ---- images ---- */

/* Split an image reference into the chart's {name, tag}: "repo:tag" -> repo, tag;
 * "repo:tag@sha256:..." -> repo, "tag@sha256:..."; "repo@sha256:..." and "repo" keep
 * the whole reference as the name with an empty tag (z2jh then uses the name alone). */
struct node *image_map(struct hb *b, const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *last = slash ? slash + 1 : ref;
	const char *at = strchr(last, '@');
	const char *colon = memchr(last, ':', at ? (size_t)(at - last) : strlen(last));
	struct node *m = v_map(b->a);
	if (colon) {
		h_put(b->a, m, "name", v_strn(b->a, ref, (size_t)(colon - ref)));
		put_str(b, m, "tag", colon + 1);
	} else {
		put_str(b, m, "name", ref);
		put_str(b, m, "tag", "");
	}
	return m;
}

/* ---- singleuser: profiles and image choices ---- */

int64_t int_or(const struct m_int *f, int64_t dflt)
{
	return f->set ? f->v : dflt;
}

bool bool_or(const struct m_bool *f, bool dflt)
{
	return f->set ? f->v : dflt;
}

double num_or(const struct m_num *f, double dflt)
{
	return f->set ? f->v : dflt;
}

/* ---- authentication ---- */

static void sensitive(struct hb *b, const char *helm_path, const struct node *ref)
{
	if (!ref || ref->kind != NODE_STR || strncmp(ref->str, "sops:", 5) != 0)
		return;
	struct node *e = v_map(b->a);
	put_str(b, e, "name", helm_path);
	put_str(b, e, "sops_key", ref->str + 5);
	v_push(b->a, b->sensitive, e);
}

/* Percent-encoding of a URL query value (RFC 3986 unreserved characters kept). */
static void url_query(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			sb_putc(sb, (char)c);
		else
			sb_printf(sb, "%%%02X", c);
	}
}

/* the platform stack's service account, bound to the scratch-bucket role (identity.h) */
const char *user_service_account(struct hb *b)
{
	return identity_of(b->a, b->spec).user_service_account;
}

static const char *hub_url(struct hb *b)
{
	const char *name = b->spec->domain.name.s;
	if (!name || !*name)
		return NULL;
	return arena_printf(b->a, "%s://%s", model_https(b->spec) ? "https" : "http",
			    name);
}

static void auth_config(struct hb *b, struct node *config)
{
	struct arena *a = b->a;
	const struct m_auth *spec = &b->spec->auth;
	const char *url = hub_url(b);
	const char *callback = url ? arena_printf(a, "%s/hub/oauth_callback", url) : NULL;
	if (!spec->mode.s)
		return;

	struct node *jh = h_map(a, config, "JupyterHub");
	struct node *au = h_map(a, config, "Authenticator");
	struct node *admins = str_list(b, &spec->admins);
	struct node *allowed = str_list(b, &spec->allowed_users);
	if (admins->n)
		h_put(a, au, "admin_users", admins);
	if (allowed->n)
		h_put(a, au, "allowed_users", allowed);
	h_put(a, au, "allow_all", v_bool(a, spec->allow_all_users.v));

	if (spec->mode.v == AUTH_DUMMY) {
		put_str(b, jh, "authenticator_class", "dummy");
		sensitive(b, "jupyterhub.hub.config.DummyAuthenticator.password",
			  spec->dummy.password.n);
	} else if (spec->mode.v == AUTH_GITHUB) {
		put_str(b, jh, "authenticator_class", "github");
		struct node *gh = h_map(a, config, "GitHubOAuthenticator");
		if (callback)
			put_str(b, gh, "oauth_callback_url", callback);
		const struct node *org = m_str_node(&spec->github.org);
		if (org) {
			struct node *orgs = v_seq(a);
			v_push(a, orgs, (struct node *)org);
			h_put(a, gh, "allowed_organizations", orgs);
			struct node *scope = v_seq(a);
			v_push(a, scope, h_str(b, "read:org"));
			h_put(a, gh, "scope", scope);
		}
		sensitive(b, "jupyterhub.hub.config.GitHubOAuthenticator.client_id",
			  spec->github.client_id.n);
		sensitive(b, "jupyterhub.hub.config.GitHubOAuthenticator.client_secret",
			  spec->github.client_secret.n);
	} else if (spec->mode.v == AUTH_COGNITO) {
		put_str(b, jh, "authenticator_class", "generic-oauth");
		struct node *g = h_map(a, config, "GenericOAuthenticator");
		const char *domain = spec->cognito.domain.s;
		const char *client = spec->cognito.client_id.s;
		if (client)
			put_str(b, g, "client_id", client);
		if (callback)
			put_str(b, g, "oauth_callback_url", callback);
		if (domain) {
			put_str(b, g, "authorize_url",
				arena_printf(a, "https://%s/oauth2/authorize", domain));
			put_str(b, g, "token_url", arena_printf(a, "https://%s/oauth2/token", domain));
			put_str(b, g, "userdata_url",
				arena_printf(a, "https://%s/oauth2/userInfo", domain));
		}
		if (domain && client && url) {
			struct strbuf sb = STRBUF_INIT;
			struct oom_guard sb_guard;
			oom_guard_strbuf(&sb_guard, &sb);
			sb_printf(&sb, "https://%s/logout?client_id=", domain);
			url_query(&sb, client);
			sb_puts(&sb, "&logout_uri=");
			url_query(&sb, url);	/* as registered: no trailing slash */
			put_str(b, g, "logout_redirect_url", sb.buf);
			oom_guard_pop(&sb_guard);
			sb_release(&sb);
		}
		put_str(b, g, "login_service", "AWS Cognito");
		put_str(b, g, "username_claim", "email");
		struct node *scope = v_seq(a);
		v_push(a, scope, h_str(b, "openid"));
		v_push(a, scope, h_str(b, "email"));
		h_put(a, g, "scope", scope);
		sensitive(b, "jupyterhub.hub.config.GenericOAuthenticator.client_secret",
			  spec->cognito.client_secret.n);
	}
}

/* ---- the sections ---- */

/* Kernel culling is the notebook server's job: arguments of every server. */
static void kernel_culling(struct hb *b, struct node *config)
{
	struct arena *a = b->a;
	const struct m_hub *h = &b->spec->hub;
	int64_t kidle = int_or(&h->culling.kernel_idle_s, 1200);
	if (kidle <= 0)
		return;
	const struct {
		const char *trait;
		const char *value;
	} args[] = {
		{ "cull_idle_timeout", arena_printf(a, "%lld", (long long)kidle) },
		{ "cull_interval",
		  arena_printf(a, "%lld", (long long)int_or(&h->culling.kernel_interval_s, 120)) },
		{ "cull_connected", bool_or(&h->culling.kernel_cull_connected, false) ? "True" : "False" },
		{ "cull_busy", bool_or(&h->culling.kernel_cull_busy, false) ? "True" : "False" },
	};
	struct node *l = v_seq(a);
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		v_push(a, l, h_str(b, arena_printf(a, "--MappingKernelManager.%s=%s", args[i].trait,
						   args[i].value)));
	h_put(a, h_map(a, config, "KubeSpawner"), "args", l);
}

/* jupyterhub.hub: where it runs, the authenticator, what KubeSpawner gives every server
 * beyond the singleuser keys (kernel culling, the primary group), logout. */
static void hub_values(struct hb *b, struct node *jh)
{
	struct arena *a = b->a;
	const struct m_hub *h = &b->spec->hub;
	struct node *hub = h_map(a, jh, "hub");
	place(b, hub, wl_row(b->p, WL_HUB), "nodeSelector", "tolerations");
	struct node *config = h_map(a, hub, "config");
	auth_config(b, config);
	kernel_culling(b, config);
	/* z2jh has no singleuser.gid: KubeSpawner's own trait */
	if (h->singleuser.gid.set)
		h_put(a, h_map(a, config, "KubeSpawner"), "gid", v_int(a, h->singleuser.gid.v));
	if (h->shutdown_on_logout.set)
		h_put(a, hub, "shutdownOnLogout", v_bool(a, h->shutdown_on_logout.v));
}

static struct node *jupyterhub_values(struct hb *b)
{
	struct arena *a = b->a;
	struct node *jh = v_map(a);
	hub_values(b, jh);

	/* proxy: the load balancer and TLS (helm_proxy.c), the proxy pods' placement */
	struct node *proxy = h_put(a, jh, "proxy", helm_proxy_values(a, b->spec, b->set));
	struct node *chp = h_map(a, proxy, "chp");
	place(b, chp, wl_row(b->p, WL_PROXY), "nodeSelector", "tolerations");
	if (!chp->n)
		h_del(b->a, proxy, h_index(proxy, "chp"));

	user_values(b, jh);
	return jh;
}

/* The whole values tree, extra_values merged last. */
static struct node *helm_values(struct hb *b)
{
	struct arena *a = b->a;
	struct node *v = v_map(a);
	h_put(a, h_map(a, v, "rbac"), "enabled", v_bool(a, true));
	h_put(a, v, "jupyterhub", jupyterhub_values(b));
	h_put(a, v, "dask-gateway", dask_gateway_values(b));
	h_put(a, h_map(a, v, "dask-kubernetes"), "enabled", v_bool(a, false));
	const struct node *extra = b->spec->hub.extra_values;	/* free-form */
	if (extra && extra->kind == NODE_MAP)
		v = node_merge(a, v, (struct node *)extra, MERGE_BASE_ORDER, h_copy);
	return v;
}

/* ---- the back end ------------------------------------------------------------------ */

static struct node *helm_view(struct ctx *ctx, struct env *env, struct arena *a,
			      const struct node *common)
{
	struct hb b = { ctx, env, a, env->model, placement_build(ctx, env, a, false), v_seq(a),
			v_seq(a), spec_str(common, "scratch_bucket.name") };
	struct node *view = v_map(a);

	const char *chart = b.spec->hub.chart_version.s;
	const struct data *d = data_get(ctx);
	const struct chart_info *ci = chart && d ? data_chart(d, chart) : NULL;
	struct node *cv = v_set(a, view, "chart", v_map(a));
	v_set(a, cv, "version", v_str(a, chart));
	if (ci) {
		v_set(a, cv, "z2jh", v_str(a, ci->z2jh));
		v_set(a, cv, "dask_gateway", v_str(a, ci->dask_gateway));
	}
	v_set(a, view, "path", v_str(a, arena_printf(a, "out/%s/helm/values.yaml", env->name)));

	struct node *values = helm_values(&b);
	v_set(a, view, "values", values);

	/* the rendered sections, in the chart's order; keys extra_values added go last */
	static const struct {
		const char *key, *name;
	} known[] = {
		{ "rbac", "rbac" },
		{ "jupyterhub", "jupyterhub" },
		{ "dask-gateway", "dask_gateway" },
		{ "dask-kubernetes", "dask_kubernetes" },
	};
	struct node *yaml = v_set(a, view, "yaml", v_map(a));
	struct node *rest = v_map(a);
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		long i = h_index(values, known[k].key);
		if (i >= 0 && y_present(values->items[i]))
			v_set(a, yaml, known[k].name, y_fragment(a, known[k].key, values->items[i]));
	}
	for (size_t i = 0; i < values->n; i++) {
		bool is_known = false;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			is_known |= strcmp(values->keys[i]->str, known[k].key) == 0;
		if (!is_known && y_present(values->items[i]))
			v_set(a, rest, values->keys[i]->str, values->items[i]);
	}
	if (rest->n) {
		struct strbuf sb = STRBUF_INIT;
		struct oom_guard sb_guard;
		oom_guard_strbuf(&sb_guard, &sb);
		y_block(&sb, rest, 0);
		if (sb.len)
			sb.len--;
		v_set(a, yaml, "other", v_fragment(a, sb.buf, sb.len));
		oom_guard_pop(&sb_guard);
		sb_release(&sb);
	}
	v_mark_last(a, b.sensitive);
	v_mark_last(a, b.set);
	v_set(a, view, "set_sensitive", b.sensitive);
	v_set(a, view, "set", b.set);
	v_set(a, view, "platform_sets", v_bool(a, b.sensitive->n || b.set->n));
	struct node *kubecost = kubecost_view(&b);
	if (kubecost)
		v_set(a, view, "kubecost", kubecost);
	return view;
}

/* One values file: its sources, its template. */
static void render_values(struct ctx *ctx, struct env *env, const struct node *view,
			  struct tmpl_set *t, struct outset *set, const char *name)
{
	struct outfile *f = out_add(ctx, set, arena_printf(&set->arena, "out/%s/helm/%s.yaml",
							    env->name, name),
				    COMMENT_HASH, env->name);
	for (const struct env *e = env; e; e = e->parent)
		out_source(ctx, f, arena_printf(&set->arena, "%s/env.yaml", e->dir));
	if (ctx->defaults)
		out_source(ctx, f, "environments/_defaults.yaml");
	const char *tmpl = arena_printf(&set->arena, "helm/%s.yaml.mustache", name);
	out_source(ctx, f, arena_printf(&set->arena, "templates/%s", tmpl));
	tmpl_set_render(t, tmpl, view, ESC_YAML, &f->body);
}

static void helm_emit_env(struct ctx *ctx, struct env *env, const struct node *view,
			  struct tmpl_set *t, struct outset *set)
{
	const struct node *helm = node_get(view, "helm");
	if (!helm)
		return;
	render_values(ctx, env, view, t, set, "values");
	if (node_get(helm, "kubecost"))
		render_values(ctx, env, view, t, set, "kubecost");
}

static const char *const helm_env_paths[] = { "out/*/helm/values.yaml",
					      "out/*/helm/kubecost.yaml", NULL };

const struct backend backend_helm = {
	.name = "helm",
	.view = helm_view,
	.emit_env = helm_emit_env,
	.owns = { .env = helm_env_paths },
};

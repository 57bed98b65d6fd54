/*
 * emit/helm_user.c - the notebook servers' part of the daskhub values: jupyterhub.singleuser
 * (image, placement, storage, hub.singleuser's settings, the profiles and their image
 * choices) and what serves it: the user-scheduler, the image pullers, idle-server culling.
 */
#include "helm_int.h"

#include <string.h>

/*
 * The image option of a profile: the profile's default image first (keyed "default",
 * or a free variant of it when a choice took that slug), then every image choice keyed
 * by its slug, and an unlisted (free-text) choice when hub.custom_images. NULL when
 * there is nothing to choose.
 */
static struct node *image_option(struct hb *b, const char *dflt_image)
{
	struct arena *a = b->a;
	const struct m_image_choice *choices = b->spec->hub.image_choices.v;
	bool custom = bool_or(&b->spec->hub.custom_images, false);
	size_t nchoices = b->spec->hub.image_choices.count;
	if (!nchoices && !custom)
		return NULL;

	struct node *opt = v_map(a);
	put_str(b, opt, "display_name", "Image");
	struct node *ch = h_map(a, opt, "choices");

	bool listed = false, marked = false;
	struct strmap slugs = { 0 };
	for (size_t i = 0; i < nchoices; i++) {
		const char *img = choices[i].image.s;
		const char *slug = choices[i].slug.s;
		listed |= img && strcmp(img, dflt_image) == 0;
		marked |= bool_or(&choices[i].is_default, false);
		if (slug)
			strmap_put(a, &slugs, slug, strlen(slug), i);
	}
	if (!listed) {
		const char *key = "default";
		for (int k = 1; strmap_get(&slugs, key, strlen(key)) >= 0; k++)
			key = arena_printf(a, "default-%d", k);
		struct node *c = h_map(a, ch, key);
		put_str(b, c, "display_name", arena_printf(a, "Default (%s)", dflt_image));
		if (!marked)
			h_put(a, c, "default", v_bool(a, true));
		put_str(b, h_map(a, c, "kubespawner_override"), "image", dflt_image);
	}
	for (size_t i = 0; i < nchoices; i++) {
		const struct m_image_choice *cs = &choices[i];
		const char *slug = cs->slug.s;
		const char *img = cs->image.s;
		if (!slug || !img)
			continue;
		struct node *c = h_map(a, ch, slug);
		if (cs->display_name.s)
			h_put(a, c, "display_name", (struct node *)cs->display_name.n);
		if (cs->description.s)
			h_put(a, c, "description", (struct node *)cs->description.n);
		if (bool_or(&cs->is_default, false) || (!marked && listed &&
							 strcmp(img, dflt_image) == 0))
			h_put(a, c, "default", v_bool(a, true));
		put_str(b, h_map(a, c, "kubespawner_override"), "image", img);
	}
	if (custom) {
		struct node *u = h_map(a, opt, "unlisted_choice");
		h_put(a, u, "enabled", v_bool(a, true));
		put_str(b, u, "display_name", "Other image");
		put_str(b, u, "validation_regex", "^[^\\s]+[:@][^\\s]+$");
		put_str(b, u, "validation_message",
			"an image reference with a tag or digest, e.g. quay.io/jupyter/scipy-notebook:2024-12-09");
		put_str(b, h_map(a, u, "kubespawner_override"), "image", "{value}");
	}
	return opt;
}

static void resources(struct hb *b, struct node *ko, const struct m_profile *prof)
{
	const struct {
		const struct node *v;
		const char *key;
	} res[] = {
		{ prof->cpu.guarantee.n, "cpu_guarantee" },
		{ prof->cpu.limit.n, "cpu_limit" },
		{ prof->memory.guarantee.n, "mem_guarantee" },
		{ prof->memory.limit.n, "mem_limit" },
	};
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		const struct node *v = res[i].v;
		if (v && (v->kind == NODE_INT || v->kind == NODE_FLOAT || v->kind == NODE_STR))
			h_put(b->a, ko, res[i].key, (struct node *)v);
	}
}

static struct node *profile_list(struct hb *b, const char *image)
{
	struct arena *a = b->a;
	struct node *list = v_seq(a);
	size_t n = b->spec->hub.profiles.count;
	for (size_t i = 0; i < n; i++) {
		const struct m_profile *pr = &b->spec->hub.profiles.v[i];
		const struct pl_workload *row =
			b->p && i < b->p->nprofiles ? b->p->profile_rows[i] : NULL;
		struct node *e = v_map(a);
		const char *own = pr->image.s;
		const char *img = own ? own : image;
		const struct {
			const char *key;
			const struct m_str *f;
		} keys[] = {
			{ "display_name", &pr->display_name },
			{ "slug", &pr->slug },
			{ "description", &pr->description },
		};
		for (size_t k = 0; k < 3; k++)
			if (keys[k].f->s)
				h_put(a, e, keys[k].key, (struct node *)keys[k].f->n);
		if (bool_or(&pr->is_default, false))
			h_put(a, e, "default", v_bool(a, true));
		struct node *ko = h_map(a, e, "kubespawner_override");
		if (own)
			put_str(b, ko, "image", own);
		resources(b, ko, pr);
		h_put(a, ko, "node_selector", selector_map(b, row));
		h_put(a, ko, "tolerations", toleration_list(b, row));
		struct node *opt = image_option(b, img);
		if (opt)
			h_put(a, h_map(a, e, "profile_options"), "image", opt);
		v_push(a, list, e);
	}
	if (!n) {
		/* no sizes, but images to choose: one profile carries the choice */
		struct node *opt = image_option(b, image);
		if (opt) {
			const struct pl_workload *row = wl_row(b->p, WL_NOTEBOOK);
			struct node *e = v_map(a);
			put_str(b, e, "display_name", "Default");
			put_str(b, e, "slug", "default");
			h_put(a, e, "default", v_bool(a, true));
			struct node *ko = h_map(a, e, "kubespawner_override");
			h_put(a, ko, "node_selector", selector_map(b, row));
			h_put(a, ko, "tolerations", toleration_list(b, row));
			h_put(a, h_map(a, e, "profile_options"), "image", opt);
			v_push(a, list, e);
		}
	}
	return list;
}

/*
 * singleuser.nodeSelector and extraTolerations: what every user pod shares. Profiles
 * override both with their own; the image pullers use these, so the selector is the
 * labels common to every row user pods use (notebook's when there are no profiles), and
 * the tolerations the union of their own/derived ones.
 */
static void singleuser_placement(struct hb *b, struct node *su)
{
	struct arena *a = b->a;
	const struct placement *p = b->p;
	const struct pl_workload *rows[64];
	size_t nrows = 0;
	if (p && p->nprofiles) {
		for (size_t i = 0; i < p->nprofiles && nrows < 64; i++)
			if (p->profile_rows[i])
				rows[nrows++] = p->profile_rows[i];
	} else if (wl_row(p, WL_NOTEBOOK)) {
		rows[nrows++] = wl_row(p, WL_NOTEBOOK);
	}
	if (!nrows)
		return;
	/* the entries of the first row's selector that every other row has too: counted
	 * row by row through a table of the other row's entries */
	size_t *common = arena_alloc(a, (rows[0]->nselector + 1) * sizeof(*common));
	for (size_t r = 1; r < nrows; r++) {
		struct pl_pairs has = { 0 };
		for (size_t j = 0; j < rows[r]->nselector; j++)
			pl_pairs_put(a, &has, rows[r]->selector[j].key, rows[r]->selector[j].value, 0);
		for (size_t i = 0; i < rows[0]->nselector; i++)
			common[i] += pl_pairs_get(&has, rows[0]->selector[i].key,
						  rows[0]->selector[i].value) >= 0;
	}
	struct node *sel = v_map(a);
	for (size_t i = 0; i < rows[0]->nselector; i++) {
		const struct pl_label *l = &rows[0]->selector[i];
		if (common[i] == nrows - 1)
			h_put(a, sel, l->key, h_str(b, l->value));
	}
	struct node *tols = v_seq(a);
	struct nodeset seen = { 0 };
	for (size_t r = 0; r < nrows; r++) {
		struct node *l = toleration_list(b, rows[r]);
		for (size_t i = 0; i < l->n; i++)
			if (nodeset_add(a, &seen, l->items[i], tols->n) < 0)
				v_push(a, tols, l->items[i]);
	}
	if (sel->n)
		h_put(a, su, "nodeSelector", sel);
	if (tols->n)
		h_put(a, su, "extraTolerations", tols);
}

/* ---- the notebook servers' settings ---- */

/* singleuser.extraEnv: the spec's variables, then those derived from other settings unless
 * the spec sets them: the user's folder of the scratch bucket, and (dask.worker_image
 * notebook) the server's own image as the default of the 'image' cluster option. */
static void extra_env(struct hb *b, struct node *su)
{
	struct arena *a = b->a;
	const struct node *own = b->spec->hub.singleuser.extra_env;
	struct node *env = v_map(a);
	for (size_t i = 0; own && own->kind == NODE_MAP && i < own->n; i++)
		if (own->items[i]->kind == NODE_STR)
			h_put(a, env, own->keys[i]->str, (struct node *)own->items[i]);
	const char *bucket = b->scratch_bucket;
	if (bucket && *bucket && h_index(env, "SCRATCH_BUCKET") < 0)
		put_str(b, env, "SCRATCH_BUCKET",
			arena_printf(a, "s3://%s/$(JUPYTERHUB_USER)", bucket));
	/* KubeSpawner reads "{{" as "{", and the dask-gateway client fills option defaults
	 * from the environment: clusters default to the image of the server they start from */
	if (b->spec->dask.worker_image.v != WORKER_IMAGE_DEFAULT &&
	    h_index(env, "DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE") < 0)
		put_str(b, env, "DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE", "{{JUPYTER_IMAGE_SPEC}}");
	if (env->n)
		h_put(a, su, "extraEnv", env);
}

/* hub.singleuser: who the server runs as, how long it may take to start, its
 * environment and its start hook. */
static void singleuser_settings(struct hb *b, struct node *su)
{
	struct arena *a = b->a;
	const struct m_hub *h = &b->spec->hub;
	const struct {
		const char *key;
		const struct m_int *f;
	} ints[] = {
		{ "uid", &h->singleuser.uid },
		{ "fsGid", &h->singleuser.fs_gid },
		{ "startTimeout", &h->singleuser.start_timeout_s },
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (ints[i].f->set)
			h_put(a, su, ints[i].key, v_int(a, ints[i].f->v));
	const struct m_bool *esc = &h->singleuser.allow_privilege_escalation;
	if (esc->set)
		h_put(a, su, "allowPrivilegeEscalation", v_bool(a, esc->v));
	extra_env(b, su);
	if (h->singleuser.post_start.count) {
		struct node *exec = h_map(a, h_map(a, h_map(a, su, "lifecycleHooks"), "postStart"),
					  "exec");
		h_put(a, exec, "command", str_list(b, &h->singleuser.post_start));
	}
}

/* The image pullers: the notebook image (singleuser.image) onto new user nodes, never the
 * image choices (pullProfileListImages off): every node pulling every choice filled small
 * nodes' disks in the real deployment. A choice is pulled when a server starts with it. */
static void image_pullers(struct hb *b, struct node *jh)
{
	struct arena *a = b->a;
	bool prepull = bool_or(&b->spec->hub.prepull, true);
	struct node *pp = h_map(a, jh, "prePuller");
	h_put(a, h_map(a, pp, "hook"), "enabled", v_bool(a, prepull));
	h_put(a, h_map(a, pp, "continuous"), "enabled", v_bool(a, prepull));
	h_put(a, pp, "pullProfileListImages", v_bool(a, false));
}

/* Idle servers: stopped after server_idle_s, checked every server_interval_s; users and
 * named servers are never removed (z2jh's defaults, written out). */
static void server_culling(struct hb *b, struct node *jh)
{
	struct arena *a = b->a;
	const struct m_hub *h = &b->spec->hub;
	int64_t idle = int_or(&h->culling.server_idle_s, 3600);
	struct node *cull = h_map(a, jh, "cull");
	h_put(a, cull, "enabled", v_bool(a, idle > 0));
	if (idle <= 0)
		return;
	h_put(a, cull, "timeout", v_int(a, idle));
	h_put(a, cull, "every", v_int(a, int_or(&h->culling.server_interval_s, 120)));
	h_put(a, cull, "users", v_bool(a, false));
	h_put(a, cull, "removeNamedServers", v_bool(a, false));
}

void user_values(struct hb *b, struct node *jh)
{
	struct arena *a = b->a;
	const struct model *spec = b->spec;
	const char *image = spec->hub.image.s;
	struct node *su = h_map(a, jh, "singleuser");
	if (image)
		h_put(a, su, "image", image_map(b, image));
	const char *url = spec->hub.default_url.s;
	if (url)
		put_str(b, su, "defaultUrl", url);
	singleuser_placement(b, su);
	/* the platform stack's service account, bound to the scratch-bucket role */
	put_str(b, su, "serviceAccountName", user_service_account(b));
	struct node *st = h_map(a, su, "storage");
	put_str(b, st, "capacity",
		arena_printf(a, "%lldGi", (long long)int_or(&spec->storage.home_gb, 10)));
	const char *sc = spec->storage.class.s;
	put_str(b, h_map(a, st, "dynamic"), "storageClass", sc ? sc : "gp3");
	singleuser_settings(b, su);
	struct node *profiles = profile_list(b, image ? image : "");
	if (profiles->n)
		h_put(a, su, "profileList", profiles);

	/* scheduling: the user-scheduler packs user pods so idle nodes can scale down */
	struct node *us = h_map(a, h_map(a, jh, "scheduling"), "userScheduler");
	h_put(a, us, "enabled", v_bool(a, true));
	place(b, us, wl_row(b->p, WL_USER_SCHEDULER), "nodeSelector", "tolerations");

	image_pullers(b, jh);
	server_culling(b, jh);
}

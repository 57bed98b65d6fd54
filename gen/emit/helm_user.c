/*
 * emit/helm_user.c - the notebook servers' part of the daskhub values (jupyterhub.singleuser
 * and what serves it): the profiles and their image choices, where user pods run.
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

struct node *profile_list(struct hb *b, const char *image)
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
void singleuser_placement(struct hb *b, struct node *su)
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

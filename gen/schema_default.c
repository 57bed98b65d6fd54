/*
 * schema_default.c - schema defaults filled into a node tree, copy-on-write.
 *
 * Consumes a compiled schema and an instance; produces the instance with the "default" of
 * every absent property filled in, recursively through properties, patternProperties,
 * additionalProperties, items, additionalItems, allOf and $ref. The instance is never
 * modified: the maps and lists on the way to a change are copied into the caller's arena,
 * the rest is shared. A default is converted to nodes on first use, into the schema's
 * arena (NODE_DEFAULT, at line 0 of the default file), and cached in its struct prop for
 * every later instance. Nesting deeper than DEFAULTS_MAX_DEPTH is left as it is.
 */
#include "schema_int.h"

#include <string.h>

#define DEFAULTS_MAX_DEPTH 128

struct dflt {
	struct arena *a;	/* copies of instance maps and sequences */
	struct arena *keep;	/* converted defaults, shared for the whole run */
	uint32_t file;
};

/* The default for a property whose schema is s: its own "default" (honoured beside a
 * "$ref" too: it is an annotation), else that of the schema it refers to. */
static const cJSON *default_of(const struct sch *s)
{
	for (int hops = 0; s && hops < 64; hops++, s = s->ref)
		if (s->default_json)
			return s->default_json;
	return NULL;
}

/* A copy of map with room for extra more keys: the copy-on-write step. */
static struct node *map_copy(struct arena *a, const struct node *map, size_t extra)
{
	struct node *m = node_new(a, NODE_MAP, map->loc);
	*m = *map;
	m->keys = arena_alloc(a, (map->n + extra + 1) * sizeof(*m->keys));
	m->items = arena_alloc(a, (map->n + extra + 1) * sizeof(*m->items));
	if (map->n) {
		memcpy(m->keys, map->keys, map->n * sizeof(*m->keys));
		memcpy(m->items, map->items, map->n * sizeof(*m->items));
	}
	node_map_index(a, m);	/* the defaults added later are few: searched linearly */
	return m;
}

static struct node *d_apply(const struct dflt *d, const struct sch *s, struct node *inst,
			    int depth);

static struct node *d_map(const struct dflt *d, const struct sch *s, struct node *inst,
			  int depth)
{
	struct node *out = inst;
	struct loc dloc = {d->file, 0, 0, 0, 0};
	for (size_t i = 0; i < s->nprops; i++) {
		struct prop *p = &s->props[i];
		long at = node_index(out, p->name);
		if (at >= 0) {
			struct node *v = d_apply(d, p->s, out->items[at], depth + 1);
			if (v != out->items[at]) {
				if (out == inst)
					out = map_copy(d->a, inst, s->nprops);
				out->items[at] = v;
			}
			continue;
		}
		if (!p->dflt_key || p->dflt_file != d->file) {
			const cJSON *dj = default_of(p->s);
			if (!dj)
				continue;
			/* immutable once built: every instance shares it */
			struct dflt keep = { d->keep, d->keep, d->file };
			struct node *v = sch_cjson_to_node(d->keep, dj, dloc, NODE_DEFAULT);
			p->dflt_val = d_apply(&keep, p->s, v, depth + 1);
			p->dflt_key = node_str(d->keep, p->name, p->len, dloc);
			p->dflt_key->flags |= NODE_DEFAULT | NODE_QUOTED;
			p->dflt_file = d->file;
		}
		if (out == inst)
			out = map_copy(d->a, inst, s->nprops);
		out->keys[out->n] = p->dflt_key;
		out->items[out->n++] = p->dflt_val;
	}
	if (!s->npprops && !s->additional_props)
		return out;
	for (size_t i = 0; i < out->n; i++) {
		const struct node *key = out->keys[i];
		if (sch_prop_find(s, key))
			continue;
		struct node *v = out->items[i];
		bool matched = false;
		for (size_t j = 0; j < s->npprops; j++) {
			if (rx_search(s->pprops[j].rx, key->str, key->len) == 1) {
				matched = true;
				v = d_apply(d, s->pprops[j].s, v, depth + 1);
			}
		}
		if (!matched && s->additional_props)
			v = d_apply(d, s->additional_props, v, depth + 1);
		if (v != out->items[i]) {
			if (out == inst)
				out = map_copy(d->a, inst, 0);
			out->items[i] = v;
		}
	}
	return out;
}

static struct node *d_seq(const struct dflt *d, const struct sch *s, struct node *inst,
			  int depth)
{
	struct node *out = inst;
	for (size_t i = 0; i < inst->n; i++) {
		const struct sch *is = s->items;
		if (s->items_is_list)
			is = i < s->nitems_list ? s->items_list[i] : s->additional_items;
		if (!is)
			continue;
		struct node *v = d_apply(d, is, inst->items[i], depth + 1);
		if (v == inst->items[i])
			continue;
		if (out == inst) {
			out = node_new(d->a, NODE_SEQ, inst->loc);
			*out = *inst;
			out->items = arena_alloc(d->a, inst->n * sizeof(*out->items));
			memcpy(out->items, inst->items, inst->n * sizeof(*out->items));
		}
		out->items[i] = v;
	}
	return out;
}

static struct node *d_apply(const struct dflt *d, const struct sch *s, struct node *inst,
			    int depth)
{
	if (!s || !inst || s->is_bool || depth > DEFAULTS_MAX_DEPTH)
		return inst;
	if (s->ref)
		return d_apply(d, s->ref, inst, depth + 1);
	for (size_t i = 0; i < s->nall_of; i++)
		inst = d_apply(d, s->all_of[i], inst, depth + 1);
	if (inst->kind == NODE_MAP)
		return d_map(d, s, inst, depth);
	if (inst->kind == NODE_SEQ)
		return d_seq(d, s, inst, depth);
	return inst;
}

struct node *schema_apply_defaults(struct schema *s, struct arena *a, struct node *inst,
				   uint32_t default_file)
{
	struct dflt d = { a, &s->arena, default_file };
	return d_apply(&d, s->root, inst, 0);
}

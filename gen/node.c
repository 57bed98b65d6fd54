/*
 * node.c - constructors and accessors for the node tree that load.c (YAML) and
 * json.c (JSON) build. Nodes live in an arena; maps keep keys in source order.
 */
#include "eragen.h"

#include <math.h>
#include <string.h>

struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	n->kind = kind;
	n->loc = loc;
	return n;
}

struct node *node_str(struct arena *a, const char *s, size_t len, struct loc loc)
{
	struct node *n = node_new(a, NODE_STR, loc);
	n->str = arena_strndup(a, s, len);
	n->len = len;
	return n;
}

struct node *node_map(struct arena *a, struct loc loc, size_t cap)
{
	struct node *n = node_new(a, NODE_MAP, loc);
	if (cap) {
		n->keys = arena_alloc(a, cap * sizeof(*n->keys));
		n->items = arena_alloc(a, cap * sizeof(*n->items));
	}
	return n;
}

/* Maps built here are sized by their builder; node_map_set grows them by copying,
 * which is fine for the small maps layering creates. */
void node_map_set(struct arena *a, struct node *map, struct node *key, struct node *val)
{
	long i = node_index(map, key->str);
	if (i >= 0) {
		map->items[i] = val;
		return;
	}
	struct node **keys = arena_alloc(a, (map->n + 1) * sizeof(*keys));
	struct node **items = arena_alloc(a, (map->n + 1) * sizeof(*items));
	if (map->n) {
		memcpy(keys, map->keys, map->n * sizeof(*keys));
		memcpy(items, map->items, map->n * sizeof(*items));
	}
	keys[map->n] = key;
	items[map->n] = val;
	map->keys = keys;
	map->items = items;
	map->n++;
}

long node_index(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return -1;
	size_t klen = strlen(key);
	for (size_t i = 0; i < map->n; i++) {
		const struct node *k = map->keys[i];
		if (k->len == klen && memcmp(k->str, key, klen) == 0)
			return (long)i;
	}
	return -1;
}

struct node *node_get(const struct node *map, const char *key)
{
	long i = node_index(map, key);
	return i < 0 ? NULL : map->items[i];
}

struct node *node_path(const struct node *root, const char *dotted)
{
	char part[128];
	const struct node *n = root;
	while (n && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, dotted, len);
		part[len] = '\0';
		n = node_get(n, part);
		dotted += len + (dot != NULL);
	}
	return (struct node *)n;
}

bool node_is_masked(const struct node *n)
{
	/* a sops: reference names a secret, it is not one */
	return (n->flags & NODE_SECRET) &&
	       !(n->kind == NODE_STR && n->len >= 5 && memcmp(n->str, "sops:", 5) == 0);
}

bool node_is_num(const struct node *n)
{
	return n && (n->kind == NODE_INT || n->kind == NODE_FLOAT);
}

double node_num(const struct node *n)
{
	return n->kind == NODE_INT ? (double)n->v.i : n->v.f;
}

bool node_equal(const struct node *a, const struct node *b)
{
	if (node_is_num(a) && node_is_num(b)) {
		if (a->kind == NODE_INT && b->kind == NODE_INT)
			return a->v.i == b->v.i;
		return node_num(a) == node_num(b);
	}
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case NODE_NULL:
		return true;
	case NODE_BOOL:
		return a->v.b == b->v.b;
	case NODE_STR:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case NODE_SEQ:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if (!node_equal(a->items[i], b->items[i]))
				return false;
		return true;
	case NODE_MAP:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++) {
			const struct node *v = node_get(b, a->keys[i]->str);
			if (!v || !node_equal(a->items[i], v))
				return false;
		}
		return true;
	default:
		return false;
	}
}

const char *node_kind_name(enum node_kind k)
{
	switch (k) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "boolean";
	case NODE_INT: return "integer";
	case NODE_FLOAT: return "number";
	case NODE_STR: return "string";
	case NODE_SEQ: return "list";
	case NODE_MAP: return "mapping";
	}
	return "?";
}

const char *node_display(struct arena *a, const struct node *n)
{
	if (node_is_masked(n))
		return "***";
	switch (n->kind) {
	case NODE_STR: {
		/* long values are shortened: messages stay on one line */
		size_t len = n->len > 60 ? 57 : n->len;
		return arena_printf(a, "'%.*s%s'", (int)len, n->str, n->len > 60 ? "..." : "");
	}
	case NODE_INT:
	case NODE_FLOAT:
	case NODE_BOOL:
	case NODE_NULL:
		if (n->str)
			return arena_strndup(a, n->str, n->len);
		if (n->kind == NODE_INT)
			return arena_printf(a, "%lld", (long long)n->v.i);
		if (n->kind == NODE_FLOAT)
			return arena_printf(a, "%g", n->v.f);
		if (n->kind == NODE_BOOL)
			return n->v.b ? "true" : "false";
		return "null";
	case NODE_SEQ:
		return "a list";
	case NODE_MAP:
		return "a mapping";
	}
	return "?";
}

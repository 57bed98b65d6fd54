/*
 * node.c - constructors and accessors for the node tree that load.c (YAML) and
 * json.c (JSON) build. Nodes live in an arena; maps keep keys in source order.
 *
 * Lookups by key are linear on small maps and constant-time on big ones through the
 * index that whoever builds a map attaches once it is complete (node_map_index): a spec
 * may hold maps of hundreds of thousands of keys, and every stage looks keys up.
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

/* ---- the key index of a big map ---- */

/* Maps smaller than this are searched linearly: an index costs 64 slots at least, and
 * the layered trees copy their maps a few times per environment (5 MB at 1,000
 * environments with 16), while a scan of under 64 keys costs no more than hashing. */
#define INDEX_MIN 64

/* Open addressing over key positions (+1; 0 is empty) with 32 bits of the key's hash
 * above them (most probes need not read the key), at most half full. It covers
 * keys[0..n) of the keys array it was built for. */
struct node_index {
	struct node *const *keys;
	uint32_t n, mask;
	uint64_t slot[];
};

static bool key_is(const struct node *k, const char *s, size_t len)
{
	return k->len == len && memcmp(k->str, s, len) == 0;
}

/* The position of s (hash h) among the indexed keys, or -1; *empty: the free slot it
 * would take. */
static long index_find(const struct node_index *ix, const char *s, size_t len, uint32_t h,
		       size_t *empty)
{
	size_t i = h & ix->mask;
	for (; ix->slot[i]; i = (i + 1) & ix->mask) {
		size_t at = (size_t)(uint32_t)ix->slot[i] - 1;
		if ((uint32_t)(ix->slot[i] >> 32) == h && key_is(ix->keys[at], s, len))
			return (long)at;
	}
	if (empty)
		*empty = i;
	return -1;
}

/* Index keys[ix->n..n): a repeated key (JSON allows them) keeps its first position. */
static void index_extend(struct node_index *ix, const struct node *map)
{
	for (uint32_t i = ix->n; i < map->n; i++) {
		size_t empty;
		const struct node *k = map->keys[i];
		uint32_t h = (uint32_t)str_hash(k->str, k->len);
		if (index_find(ix, k->str, k->len, h, &empty) < 0)
			ix->slot[empty] = (uint64_t)h << 32 | (i + 1);
		ix->n = i + 1;
	}
}

void node_map_index(struct arena *a, struct node *map)
{
	if (map->kind != NODE_MAP)
		return;
	struct node_index *ix = map->v.index;
	if (ix && ix->keys == map->keys && ix->n <= map->n && 2 * (size_t)map->n <= ix->mask + 1u) {
		index_extend(ix, map);	/* what was appended since */
		return;
	}
	map->v.index = NULL;
	if (map->n < INDEX_MIN)
		return;
	size_t nslot = 4 * INDEX_MIN;
	while (nslot < 4 * (size_t)map->n)	/* room to grow to twice its size */
		nslot *= 2;
	ix = arena_alloc(a, sizeof(*ix) + nslot * sizeof(ix->slot[0]));
	ix->keys = map->keys;
	ix->mask = (uint32_t)(nslot - 1);
	index_extend(ix, map);
	map->v.index = ix;
}

/* The first position of s[0..len) among map's keys, or -1. */
static long map_find(const struct node *map, const char *s, size_t len)
{
	size_t from = 0;
	const struct node_index *ix = map->v.index;
	if (ix && ix->keys == map->keys && ix->n <= map->n) {
		long at = index_find(ix, s, len, (uint32_t)str_hash(s, len), NULL);
		if (at >= 0)
			return at;
		from = ix->n;
	}
	for (size_t i = from; i < map->n; i++)
		if (key_is(map->keys[i], s, len))
			return (long)i;
	return -1;
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
	return node_find(map, key, strlen(key));
}

long node_find(const struct node *map, const char *key, size_t len)
{
	if (!map || map->kind != NODE_MAP)
		return -1;
	return map_find(map, key, len);
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

struct merge {
	struct arena *a;
	enum merge_order order;
	merge_take_fn take;
};

static struct node *merge(const struct merge *m, struct node *base, struct node *over);

/* A value of over taken whole (no map of base under it). */
static struct node *take(const struct merge *m, struct node *o)
{
	return m->take ? m->take(m->a, o) : o;
}

/* The merged value of a key base and over may both have (either NULL when absent). */
static struct node *merge_value(const struct merge *m, struct node *b, struct node *o)
{
	return !o ? b : !b ? take(m, o) : merge(m, b, o);
}

static struct node *merge(const struct merge *m, struct node *base, struct node *over)
{
	if (base->kind != NODE_MAP || over->kind != NODE_MAP)
		return take(m, over);
	struct node *r = node_map(m->a, over->loc, base->n + over->n);
	bool over_first = m->order == MERGE_OVER_ORDER;
	const struct node *first = over_first ? over : base;
	const struct node *second = over_first ? base : over;
	for (size_t j = 0; j < first->n; j++) {
		struct node *k = first->keys[j];
		struct node *o = over_first ? first->items[j] : node_get(over, k->str);
		struct node *b = over_first ? node_get(base, k->str) : first->items[j];
		if (o && o->kind == NODE_NULL)
			continue;	/* removes what base had */
		r->keys[r->n] = k;
		r->items[r->n++] = merge_value(m, b, o);
	}
	for (size_t i = 0; i < second->n; i++) {
		struct node *v = second->items[i];
		if (node_index(first, second->keys[i]->str) >= 0 ||
		    (!over_first && v->kind == NODE_NULL))
			continue;
		r->keys[r->n] = second->keys[i];
		r->items[r->n++] = over_first ? v : take(m, v);
	}
	node_map_index(m->a, r);
	return r;
}

struct node *node_merge(struct arena *a, struct node *base, struct node *over,
			enum merge_order order, merge_take_fn take_fn)
{
	struct merge m = { a, order, take_fn };
	return !base ? over : !over ? base : merge(&m, base, over);
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

/* A float with an integral value that an int64 holds exactly: *i is that value. */
static bool float_int(double f, int64_t *i)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0) || f != floor(f))
		return false;
	*i = (int64_t)f;
	return true;
}

/* Numbers compare as the values they denote: an int and a float are equal only when
 * the float is that very integer (comparing as doubles would make 2^53 + 1 equal to
 * 2^53, and equality intransitive). */
static bool num_equal(const struct node *a, const struct node *b)
{
	if (a->kind == NODE_INT && b->kind == NODE_INT)
		return a->v.i == b->v.i;
	if (a->kind == NODE_FLOAT && b->kind == NODE_FLOAT)
		return a->v.f == b->v.f;
	const struct node *i = a->kind == NODE_INT ? a : b, *f = a->kind == NODE_INT ? b : a;
	int64_t fi;
	return float_int(f->v.f, &fi) && fi == i->v.i;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53u;
	x ^= x >> 33;
	return x;
}

uint64_t node_hash(const struct node *n)
{
	int64_t i;
	uint64_t h;
	switch (n->kind) {
	case NODE_INT:
		return mix((uint64_t)n->v.i ^ 0x100);
	case NODE_FLOAT:
		if (float_int(n->v.f, &i))
			return mix((uint64_t)i ^ 0x100);
		memcpy(&h, &n->v.f, sizeof(h));
		return mix(h ^ 0x200);
	case NODE_BOOL:
		return mix(n->v.b ? 0x301 : 0x300);
	case NODE_STR:
		return str_hash(n->str, n->len) ^ 0x400;
	case NODE_SEQ:
		h = mix(0x500 + n->n);
		for (size_t k = 0; k < n->n; k++)
			h = mix(h ^ node_hash(n->items[k]));
		return h;
	case NODE_MAP:
		/* the sum of the entries' hashes: the order of keys does not matter */
		h = mix(0x600 + n->n);
		for (size_t k = 0; k < n->n; k++)
			h += mix(str_hash(n->keys[k]->str, n->keys[k]->len) ^
				 (node_hash(n->items[k]) * 31));
		return h;
	default:
		return mix(0x700);
	}
}

static struct nodeset_ent *nodeset_slot(const struct nodeset *s, const struct node *n,
					uint64_t h)
{
	size_t mask = s->cap - 1, i = (size_t)h & mask;
	while (s->e[i].n && !(s->e[i].h == h && node_equal(s->e[i].n, n)))
		i = (i + 1) & mask;
	return &s->e[i];
}

long nodeset_get(const struct nodeset *s, const struct node *n)
{
	if (!s->cap)
		return -1;
	const struct nodeset_ent *e = nodeset_slot(s, n, node_hash(n));
	return e->n ? (long)e->val : -1;
}

long nodeset_add(struct arena *a, struct nodeset *s, const struct node *n, size_t val)
{
	if (2 * (s->n + 1) > s->cap) {
		struct nodeset old = *s;
		size_t cap = old.cap ? 2 * old.cap : 16;
		struct nodeset_ent *ents = arena_alloc(a, cap * sizeof(*ents));
		s->e = ents;
		s->cap = cap;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].n)
				*nodeset_slot(s, old.e[i].n, old.e[i].h) = old.e[i];
	}
	uint64_t h = node_hash(n);
	struct nodeset_ent *e = nodeset_slot(s, n, h);
	if (e->n)
		return (long)e->val;
	*e = (struct nodeset_ent){ h, n, val };
	s->n++;
	return -1;
}

bool node_equal(const struct node *a, const struct node *b)
{
	if (node_is_num(a) && node_is_num(b))
		return num_equal(a, b);
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
			long j = map_find(b, a->keys[i]->str, a->keys[i]->len);
			if (j < 0 || !node_equal(a->items[i], b->items[j]))
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

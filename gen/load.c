/*
 * load.c - libyaml events -> node tree with 1-based spans (the only file including
 * <yaml.h>).
 *
 * Consumes one srcfile; produces a tree of struct node in the caller's arena, or NULL
 * with diagnostics. The tree is built with an explicit stack, so nesting depth costs no C
 * stack; it is capped at YAML_MAX_DEPTH anyway (SPEC012). Aliases share the anchored node
 * (nodes are immutable), and the expanded size they stand for is counted against
 * YAML_MAX_ALIAS_NODES, so "billion laughs" stops after a few hundred events (SPEC009).
 * Scalars are typed by the YAML 1.2 core schema; only plain scalars get non-string types.
 *
 * libyaml marks are 0-based and count characters; they are converted here, once.
 *
 * Memory: the parser, the current event and the heap vectors of the stack are guarded
 * (oom_guard) while the tree is built, so running out of memory in eragen's arenas
 * releases them. libyaml itself fails with YAML_MEMORY_ERROR, which unwinds here once
 * the parser is deleted.
 */
#include "alloc.h"
#include "eragen.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct frame {
	struct node *node;		/* the map or seq being built */
	struct node **keys, **items;	/* heap vectors, copied to the arena at the end */
	size_t n, capk, capi;
	uint64_t *slot;			/* a big map's keys by hash (heap; see find_key) */
	size_t nslot;
	struct node *pending_key;	/* map: a key waiting for its value */
	size_t size;			/* expanded node count of the subtree */
	const char *anchor;
};

struct anchor {
	const char *name;
	struct node *node;
	size_t size;
};

struct loader {
	struct ctx *ctx;
	struct arena *a;
	const struct srcfile *f;
	struct frame *stack;
	size_t depth, capstack;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	size_t expanded;		/* nodes added through aliases */
	struct node *root;
	size_t ndocs;
	bool failed;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool ev_live;			/* ev holds an event not yet deleted */
};

/* Marks: libyaml's line/column are 0-based, columns in characters. The end mark is the
 * position after the node, so as a 1-based inclusive column it keeps its number. */
static struct loc mark_loc(const struct loader *ld, yaml_mark_t start, yaml_mark_t end)
{
	struct loc l = {
		.file = ld->f->id,
		.line = (uint32_t)start.line + 1,
		.col = (uint32_t)start.column + 1,
		.end_line = (uint32_t)end.line + 1,
		.end_col = (uint32_t)end.column,
	};
	if (l.end_col == 0 && l.end_line > l.line) {
		/* ends at the start of a line: the node ended on the line before */
		l.end_line--;
		l.end_col = srcfile_line_cols(ld->f, l.end_line);
	}
	if (l.end_line == l.line && l.end_col < l.col)
		l.end_col = l.col;
	return l;
}

static struct loc point_loc(const struct loader *ld, yaml_mark_t m)
{
	return mark_loc(ld, m, m);
}

/* ---- YAML 1.2 core schema ---- */

static bool all_chars(const char *s, size_t n, const char *set)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]))
			return false;
	return true;
}

static bool is_one_of(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return true;
	return false;
}

static bool parse_int(const char *s, size_t n, int64_t *out, bool *overflow)
{
	const char *p = s;
	size_t len = n;
	int base = 10;
	bool neg = false;
	*overflow = false;
	if (len > 2 && p[0] == '0' && (p[1] == 'o' || p[1] == 'x')) {
		base = p[1] == 'o' ? 8 : 16;
		if (!all_chars(p + 2, len - 2, base == 8 ? "01234567" : "0123456789abcdefABCDEF"))
			return false;
		p += 2;
		len -= 2;
	} else {
		if (len && (p[0] == '-' || p[0] == '+')) {
			neg = p[0] == '-';
			p++;
			len--;
		}
		if (!all_chars(p, len, "0123456789"))
			return false;
	}
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (size_t i = 0; i < len; i++) {
		char c = p[i];
		unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		if (v > (limit - d) / (uint64_t)base) {
			*overflow = true;
			return true;
		}
		v = v * (uint64_t)base + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool is_float(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t exp = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, exp++;
		if (!exp)
			return false;
	}
	return i == n;
}

static void type_plain(struct node *nd)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	static const char *const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
					    NULL };
	static const char *const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };
	static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
	const char *s = nd->str;
	size_t n = nd->len;
	int64_t i;
	bool overflow;

	if (n == 0 || is_one_of(s, n, nulls)) {
		nd->kind = NODE_NULL;
	} else if (is_one_of(s, n, trues) || is_one_of(s, n, falses)) {
		nd->kind = NODE_BOOL;
		nd->v.b = s[0] == 't' || s[0] == 'T';
	} else if (parse_int(s, n, &i, &overflow)) {
		if (overflow) {
			nd->kind = NODE_FLOAT;
			nd->v.f = strtod(s, NULL);
		} else {
			nd->kind = NODE_INT;
			nd->v.i = i;
		}
	} else if (is_float(s, n)) {
		nd->kind = NODE_FLOAT;
		nd->v.f = strtod(s, NULL);
	} else if (is_one_of(s, n, infs)) {
		nd->kind = NODE_FLOAT;
		nd->v.f = HUGE_VAL;
	} else if (is_one_of(s, n, ninfs)) {
		nd->kind = NODE_FLOAT;
		nd->v.f = -HUGE_VAL;
	} else if (is_one_of(s, n, nans)) {
		nd->kind = NODE_FLOAT;
		nd->v.f = NAN;
	}
}

#define CORE_TAG "tag:yaml.org,2002:"

/* Apply an explicit core tag; false if the tag is not one of the core ones or the
 * scalar does not fit it. */
static bool apply_tag(struct node *nd, const char *tag, bool is_scalar)
{
	if (!tag || strcmp(tag, "!") == 0)
		return true;
	if (strncmp(tag, CORE_TAG, strlen(CORE_TAG)) != 0)
		return false;
	const char *t = tag + strlen(CORE_TAG);
	if (!is_scalar)
		return strcmp(t, nd->kind == NODE_MAP ? "map" : "seq") == 0;
	if (strcmp(t, "str") == 0) {
		nd->kind = NODE_STR;
		nd->flags |= NODE_QUOTED;
		return true;
	}
	struct node probe = *nd;
	probe.kind = NODE_STR;
	type_plain(&probe);
	enum node_kind want = strcmp(t, "int") == 0	? NODE_INT
			      : strcmp(t, "float") == 0 ? NODE_FLOAT
			      : strcmp(t, "bool") == 0	? NODE_BOOL
			      : strcmp(t, "null") == 0	? NODE_NULL
							: NODE_MAP;
	if (want == NODE_MAP)
		return false;
	if (want == NODE_FLOAT && probe.kind == NODE_INT) {
		probe.kind = NODE_FLOAT;
		probe.v.f = (double)probe.v.i;
	}
	if (probe.kind != want)
		return false;
	*nd = probe;
	return true;
}

/* ---- building ---- */

static void fail(struct loader *ld)
{
	ld->failed = true;
}

static struct frame *top(struct loader *ld)
{
	return ld->depth ? &ld->stack[ld->depth - 1] : NULL;
}

/* ---- duplicate keys: a linear search in small maps, a hash table in big ones ---- */

#define KEYS_HASHED 16		/* a map of this many keys gets its table */

static bool same_key(const struct node *a, const struct node *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* A slot holds a key's position + 1 and, above it, 32 bits of its hash: most probes
 * are told apart without reading the key. */
static uint32_t key_hash(const struct node *key)
{
	return (uint32_t)str_hash(key->str, key->len);
}

static size_t slot_at(uint64_t slot)
{
	return (size_t)(uint32_t)slot - 1;
}

/* The slot of key (hash h) in fr's table: the one that holds it, or the empty one it
 * would take. */
static size_t key_slot(const struct frame *fr, const struct node *key, uint32_t h)
{
	size_t mask = fr->nslot - 1, i = h & mask;
	while (fr->slot[i] && !((uint32_t)(fr->slot[i] >> 32) == h &&
				same_key(fr->keys[slot_at(fr->slot[i])], key)))
		i = (i + 1) & mask;
	return i;
}

/* Keep the table at most half full: twice as big, the entries moved by their hash. */
static void hash_keys(struct frame *fr)
{
	if (fr->n < KEYS_HASHED || 2 * (fr->n + 1) <= fr->nslot)
		return;
	size_t n = fr->nslot ? 2 * fr->nslot : 4 * KEYS_HASHED;
	uint64_t *slot = xcalloc(n, sizeof(*slot));
	if (!fr->nslot) {
		fr->slot = slot;
		fr->nslot = n;
		for (size_t i = 0; i < fr->n; i++) {
			uint32_t h = key_hash(fr->keys[i]);
			size_t s = key_slot(fr, fr->keys[i], h);
			if (!fr->slot[s])
				fr->slot[s] = (uint64_t)h << 32 | (uint32_t)(i + 1);
		}
		return;
	}
	for (size_t i = 0; i < fr->nslot; i++) {
		if (!fr->slot[i])
			continue;
		size_t s = (size_t)(fr->slot[i] >> 32) & (n - 1);
		while (slot[s])
			s = (s + 1) & (n - 1);
		slot[s] = fr->slot[i];
	}
	free(fr->slot);
	fr->slot = slot;
	fr->nslot = n;
}

static const struct node *find_key(const struct frame *fr, const struct node *key)
{
	if (fr->nslot) {
		size_t i = key_slot(fr, key, key_hash(key));
		return fr->slot[i] ? fr->keys[slot_at(fr->slot[i])] : NULL;
	}
	for (size_t i = 0; i < fr->n; i++)
		if (same_key(fr->keys[i], key))
			return fr->keys[i];
	return NULL;
}

/* Append the pending key and its value. A duplicate key keeps the first in the table. */
static void add_entry(struct frame *fr, struct node *val)
{
	vec_grow((void **)&fr->keys, &fr->capk, fr->n + 1, sizeof(*fr->keys));
	vec_grow((void **)&fr->items, &fr->capi, fr->n + 1, sizeof(*fr->items));
	hash_keys(fr);
	fr->keys[fr->n] = fr->pending_key;
	fr->items[fr->n] = val;
	fr->n++;
	fr->pending_key = NULL;
	if (fr->nslot) {
		uint32_t h = key_hash(fr->keys[fr->n - 1]);
		size_t i = key_slot(fr, fr->keys[fr->n - 1], h);
		if (!fr->slot[i])
			fr->slot[i] = (uint64_t)h << 32 | (uint32_t)fr->n;
	}
}

static void remember_anchor(struct loader *ld, const char *name, struct node *nd, size_t size)
{
	if (!name)
		return;
	struct anchor an = { arena_strdup(ld->a, name), nd, size };
	VEC_PUSH(ld->anchors, ld->nanchors, ld->capanchors, an);
}

/* Attach a finished value (of expanded size) to the enclosing collection. */
static void attach(struct loader *ld, struct node *nd, size_t size)
{
	struct frame *fr = top(ld);
	if (!fr) {
		ld->root = nd;
		return;
	}
	fr->size += size;
	if (fr->node->kind == NODE_SEQ) {
		VEC_PUSH(fr->items, fr->n, fr->capi, nd);
		return;
	}
	if (!fr->pending_key) {
		/* a key */
		if (nd->kind == NODE_SEQ || nd->kind == NODE_MAP) {
			diag_add(ld->ctx, "SPEC009", NULL, nd->loc,
				 "a %s as a mapping key is not supported: keys must be scalars",
				 node_kind_name(nd->kind));
			fail(ld);
			nd = node_str(ld->a, "", 0, nd->loc);
		}
		if (!nd->str) {
			/* alias to a scalar, or a typed scalar: keys are their text */
			nd = node_str(ld->a, "", 0, nd->loc);
		}
		if (nd->len == 2 && memcmp(nd->str, "<<", 2) == 0 && !(nd->flags & NODE_QUOTED)) {
			diag_add(ld->ctx, "SPEC009", NULL, nd->loc,
				 "merge keys '<<' are not supported: write the keys out, or use "
				 "'extends' or _defaults.yaml to share values");
			fail(ld);
		}
		const struct node *prev = find_key(fr, nd);
		if (prev) {
			struct diag *d = diag_add(ld->ctx, "SPEC002", NULL, nd->loc,
						  "duplicate key '%.*s'", (int)nd->len, nd->str);
			diag_note(ld->ctx, d, prev->loc, "first defined here");
			fail(ld);
		}
		struct node *key = nd;
		if (key->kind != NODE_STR) {
			key = node_str(ld->a, nd->str, nd->len, nd->loc);
			key->flags = nd->flags;
		}
		fr->pending_key = key;
		return;
	}
	add_entry(fr, nd);
}

static bool push(struct loader *ld, enum node_kind kind, struct loc loc, const char *anchor)
{
	if (ld->depth >= YAML_MAX_DEPTH) {
		diag_add(ld->ctx, "SPEC012", NULL, loc,
			 "nesting is too deep (more than %d levels)", YAML_MAX_DEPTH);
		return false;
	}
	vec_grow((void **)&ld->stack, &ld->capstack, ld->depth + 1, sizeof(*ld->stack));
	struct frame *fr = &ld->stack[ld->depth++];
	memset(fr, 0, sizeof(*fr));
	fr->node = node_new(ld->a, kind, loc);
	fr->size = 1;
	fr->anchor = anchor ? arena_strdup(ld->a, anchor) : NULL;
	return true;
}

/* The frame stays on the stack (its vectors guarded) until they are freed. */
static void pop(struct loader *ld, yaml_mark_t end)
{
	struct frame *fr = &ld->stack[ld->depth - 1];
	struct node *nd = fr->node;
	struct loc l = mark_loc(ld, (yaml_mark_t){ 0, nd->loc.line - 1, nd->loc.col - 1 }, end);
	nd->loc.end_line = l.end_line;
	nd->loc.end_col = l.end_col;
	nd->n = fr->n;
	if (fr->n) {
		nd->items = arena_alloc(ld->a, fr->n * sizeof(*nd->items));
		memcpy(nd->items, fr->items, fr->n * sizeof(*nd->items));
		if (nd->kind == NODE_MAP) {
			nd->keys = arena_alloc(ld->a, fr->n * sizeof(*nd->keys));
			memcpy(nd->keys, fr->keys, fr->n * sizeof(*nd->keys));
			node_map_index(ld->a, nd);
		}
	}
	free(fr->keys);
	free(fr->items);
	free(fr->slot);
	fr->keys = fr->items = NULL;
	fr->slot = NULL;
	const char *anchor = fr->anchor;
	size_t size = fr->size;
	ld->depth--;
	remember_anchor(ld, anchor, nd, size);
	attach(ld, nd, size);
}

static void on_scalar(struct loader *ld, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct node *nd = node_str(ld->a, value, len,
				   mark_loc(ld, ev->start_mark, ev->end_mark));
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (!plain)
		nd->flags |= NODE_QUOTED;
	else if (!tag)
		type_plain(nd);
	if (tag && !apply_tag(nd, tag, true)) {
		diag_add(ld->ctx, "SPEC009", NULL, nd->loc,
			 "tag '%s' is not supported here: only the YAML core tags are", tag);
		fail(ld);
	}
	remember_anchor(ld, (const char *)ev->data.scalar.anchor, nd, 1);
	attach(ld, nd, 1);
}

static void on_alias(struct loader *ld, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct loc l = mark_loc(ld, ev->start_mark, ev->end_mark);
	for (size_t i = ld->nanchors; i-- > 0;) {
		if (strcmp(ld->anchors[i].name, name) != 0)
			continue;
		size_t size = ld->anchors[i].size;
		ld->expanded += size;
		if (ld->expanded > YAML_MAX_ALIAS_NODES) {
			diag_add(ld->ctx, "SPEC009", NULL, l,
				 "aliases expand to more than %d nodes: refusing to expand "
				 "further",
				 YAML_MAX_ALIAS_NODES);
			fail(ld);
			return;
		}
		attach(ld, ld->anchors[i].node, size);
		return;
	}
	/* libyaml's parser reports unknown anchors itself; keep the tree whole anyway */
	diag_add(ld->ctx, "SPEC001", NULL, l, "unknown anchor '%s'", name);
	fail(ld);
}

static void report_parser_error(struct loader *ld, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "invalid YAML";
	struct loc l = point_loc(ld, m);
	if (p->context) {
		struct diag *d = diag_add(ld->ctx, "SPEC001", NULL, l, "%s %s", problem, p->context);
		if (p->context_mark.line != m.line || p->context_mark.column != m.column)
			diag_note(ld->ctx, d, point_loc(ld, p->context_mark), "%s", p->context);
	} else {
		diag_add(ld->ctx, "SPEC001", NULL, l, "%s", problem);
	}
}

static int handle(struct loader *ld, const yaml_event_t *ev)
{
	struct loc l;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++ld->ndocs > 1) {
			diag_add(ld->ctx, "SPEC009", NULL, point_loc(ld, ev->start_mark),
				 "a second YAML document: a spec file holds exactly one");
			return -1;
		}
		return 0;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		const char *tag = (const char *)(map ? ev->data.mapping_start.tag
						     : ev->data.sequence_start.tag);
		const char *anchor = (const char *)(map ? ev->data.mapping_start.anchor
							: ev->data.sequence_start.anchor);
		l = mark_loc(ld, ev->start_mark, ev->end_mark);
		if (!push(ld, map ? NODE_MAP : NODE_SEQ, l, anchor))
			return -1;
		if (tag && !apply_tag(top(ld)->node, tag, false)) {
			diag_add(ld->ctx, "SPEC009", NULL, l,
				 "tag '%s' is not supported here: only the YAML core tags are", tag);
			fail(ld);
		}
		return 0;
	}
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		pop(ld, ev->end_mark);
		return 0;
	case YAML_SCALAR_EVENT:
		on_scalar(ld, ev);
		return 0;
	case YAML_ALIAS_EVENT:
		on_alias(ld, ev);
		return ld->expanded > YAML_MAX_ALIAS_NODES ? -1 : 0;
	default:
		return 0;
	}
}

/* Everything the loader holds outside the arena: its guard's release, and its end. */
static void loader_release(void *arg)
{
	struct loader *ld = arg;
	if (ld->ev_live)
		yaml_event_delete(&ld->ev);
	ld->ev_live = false;
	yaml_parser_delete(&ld->parser);
	while (ld->depth) {
		struct frame *fr = &ld->stack[--ld->depth];
		free(fr->keys);
		free(fr->items);
		free(fr->slot);
	}
	free(ld->stack);
	free(ld->anchors);
	ld->stack = NULL;
	ld->anchors = NULL;
}

struct node *yaml_load(struct ctx *ctx, struct arena *a, const struct srcfile *f)
{
	struct loader ld = { .ctx = ctx, .a = a, .f = f };
	if (!yaml_parser_initialize(&ld.parser))
		oom();
	struct oom_guard guard;
	oom_guard_push(&guard, loader_release, &ld);
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)f->data, f->len);
	yaml_parser_set_encoding(&ld.parser, YAML_UTF8_ENCODING);

	unsigned long failed = alloc_failures();
	bool done = false, stopped = false, nomem = false;
	while (!done) {
		if (!yaml_parser_parse(&ld.parser, &ld.ev)) {
			nomem = ld.parser.error == YAML_MEMORY_ERROR || alloc_failures() != failed;
			if (!nomem)
				report_parser_error(&ld, &ld.parser);
			stopped = true;
			break;
		}
		ld.ev_live = true;
		done = ld.ev.type == YAML_STREAM_END_EVENT;
		int rc = handle(&ld, &ld.ev);
		yaml_event_delete(&ld.ev);
		ld.ev_live = false;
		if (rc < 0) {
			stopped = true;
			break;
		}
	}
	oom_guard_pop(&guard);
	loader_release(&ld);
	if (nomem)
		oom();
	if (stopped || ld.failed)
		return NULL;
	if (!ld.root)	/* an empty file is an empty document */
		ld.root = node_new(a, NODE_NULL, (struct loc){ .file = f->id, .line = 1, .col = 1 });
	return ld.root;
}

/* ---- secret values, as the parser reads them (yaml_mask_secrets) ---------------------- */

struct sframe {
	bool map, want_key;
	bool secret;		/* this collection's values are masked */
	const char *key;	/* map: the key of the value being read */
	size_t keylen;
	const char *pkey;	/* the key this collection is the value of */
	size_t pkeylen;
};

struct smask {
	struct ctx *ctx;
	const struct srcfile *f;
	bool sops;
	struct sframe *st;
	size_t depth, cap;
};

static size_t mark_byte(const struct srcfile *f, yaml_mark_t m)
{
	return srcfile_offset(f, (uint32_t)m.line + 1, (uint32_t)m.column + 1);
}

/* A node's text starts with its anchor and tag (no scalar can begin with '&' or '!'):
 * they stay visible, the value after them is what is masked. */
static size_t skip_props(const struct srcfile *f, size_t p)
{
	const char *d = f->data;
	while (p < f->len && (d[p] == '&' || d[p] == '!')) {
		/* an anchor's name is letters, digits, '-' and '_' (libyaml's scanner): what
		 * follows it, "&a:b" say, may be the value; a tag runs to a blank */
		bool anchor = d[p++] == '&';
		while (p < f->len && (anchor ? isalnum((unsigned char)d[p]) || d[p] == '-' ||
						       d[p] == '_'
					     : d[p] != ' ' && d[p] != '\t' && d[p] != '\n'))
			p++;
		while (p < f->len && (d[p] == ' ' || d[p] == '\t'))
			p++;
	}
	return p;
}

static void mask_value(struct smask *sm, size_t start, size_t end)
{
	size_t p = skip_props(sm->f, start);
	mask_add(sm->ctx, sm->f->id, p < end ? p : start, end);
}

/* Is the node that starts now secret, and if it is a key, what it says. */
static bool node_secret(struct smask *sm, bool *is_key)
{
	struct sframe *fr = sm->depth ? &sm->st[sm->depth - 1] : NULL;
	*is_key = fr && fr->map && fr->want_key;
	if (!fr)
		return sm->sops;	/* the document itself */
	if (*is_key)
		return fr->secret && !sm->sops;	/* keys stay visible: SOPS keeps them clear */
	if (!fr->map)
		return fr->secret;
	if (sm->sops)	/* the root's 'sops' metadata is SOPS's own, in clear */
		return fr->secret && !(sm->depth == 1 && fr->keylen == 4 && !memcmp(fr->key, "sops", 4));
	return fr->secret || mask_key_secret(fr->pkey, fr->pkeylen, fr->key, fr->keylen);
}

/* After a node of the current collection: a map now wants its next key. */
static void node_done(struct smask *sm)
{
	if (sm->depth && sm->st[sm->depth - 1].map)
		sm->st[sm->depth - 1].want_key = !sm->st[sm->depth - 1].want_key;
}

static void smask_scalar(struct smask *sm, const yaml_event_t *ev)
{
	bool is_key;
	bool secret = node_secret(sm, &is_key);
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	bool exempt = sm->sops ? n >= 5 && !memcmp(v, "ENC[", 4) && v[n - 1] == ']'
			       : n >= 5 && !memcmp(v, "sops:", 5);
	if (is_key) {
		sm->st[sm->depth - 1].key = v;	/* valid until the event is deleted: copied */
		sm->st[sm->depth - 1].keylen = n;
	}
	if (secret && !exempt && !(is_key && n == 0))
		mask_value(sm, mark_byte(sm->f, ev->start_mark), mark_byte(sm->f, ev->end_mark));
	node_done(sm);
}

static void smask_open(struct smask *sm, bool map)
{
	bool is_key;
	bool secret = node_secret(sm, &is_key);
	struct sframe *fr = sm->depth ? &sm->st[sm->depth - 1] : NULL;
	if (is_key)	/* a collection as a key: all of it is as secret as a value */
		secret = fr->secret;
	struct sframe nf = { .map = map, .want_key = true, .secret = secret };
	if (fr && fr->map && !is_key) {
		nf.pkey = fr->key;
		nf.pkeylen = fr->keylen;
	}
	VEC_PUSH(sm->st, sm->depth, sm->cap, nf);
}

static void smask_close(struct smask *sm)
{
	if (sm->depth)
		sm->depth--;
	node_done(sm);
}

/* A key's text outlives its event: the walk keeps copies in the arena. */
static void smask_keep_key(struct smask *sm, struct arena *a)
{
	struct sframe *fr = sm->depth ? &sm->st[sm->depth - 1] : NULL;
	if (fr && fr->map && !fr->want_key && fr->key)
		fr->key = arena_strndup(a, fr->key, fr->keylen);
}

static void smask_release(void *arg)
{
	struct smask *sm = arg;
	free(sm->st);
	sm->st = NULL;
}

struct smask_run {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool ev_live;
	struct arena keys;
	struct smask sm;
};

static void smask_run_release(void *arg)
{
	struct smask_run *r = arg;
	if (r->ev_live)
		yaml_event_delete(&r->ev);
	r->ev_live = false;
	yaml_parser_delete(&r->parser);
	arena_release(&r->keys);
	smask_release(&r->sm);
}

static void smask_event(struct smask_run *r)
{
	struct smask *sm = &r->sm;
	switch (r->ev.type) {
	case YAML_DOCUMENT_START_EVENT:
		sm->depth = 0;
		break;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		smask_open(sm, r->ev.type == YAML_MAPPING_START_EVENT);
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		smask_close(sm);
		break;
	case YAML_SCALAR_EVENT:
		smask_scalar(sm, &r->ev);
		smask_keep_key(sm, &r->keys);
		break;
	case YAML_ALIAS_EVENT:	/* an alias names a node; it holds no value of its own */
		node_done(sm);
		break;
	default:
		break;
	}
}

void yaml_mask_secrets(struct ctx *ctx, const struct srcfile *f)
{
	if (!f->data || f->secrets == SRC_PLAIN)
		return;
	struct smask_run r = { .sm = { .ctx = ctx, .f = f, .sops = f->secrets == SRC_SOPS } };
	arena_init(&r.keys);
	if (!yaml_parser_initialize(&r.parser))
		oom();
	struct oom_guard guard;
	oom_guard_push(&guard, smask_run_release, &r);
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)f->data, f->len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	unsigned long failed = alloc_failures();
	size_t read_to = 0;	/* the end of the last event: what the parser vouches for */
	bool nomem = false, broken = false, deep = false;
	for (bool done = false; !done;) {
		/* as the loader: past its depth libyaml's scanner slows with the square of the
		 * depth (its simple keys per flow level), and nothing there was loaded */
		if (r.sm.depth > YAML_MAX_DEPTH) {
			deep = true;
			break;
		}
		if (!yaml_parser_parse(&r.parser, &r.ev)) {
			nomem = r.parser.error == YAML_MEMORY_ERROR || alloc_failures() != failed;
			broken = true;
			break;
		}
		r.ev_live = true;
		done = r.ev.type == YAML_STREAM_END_EVENT;
		smask_event(&r);
		read_to = mark_byte(f, r.ev.end_mark);
		yaml_event_delete(&r.ev);
		r.ev_live = false;
	}
	oom_guard_pop(&guard);
	smask_run_release(&r);
	if (nomem)
		oom();
	if ((broken || deep) && r.sm.sops)
		mask_rest(ctx, f, read_to);
}

const char *yaml_lib_version(void)
{
	return yaml_get_version_string();
}

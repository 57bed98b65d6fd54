/*
 * schema.c - JSON Schema draft-07: the compiled schema and its compilation (the walk,
 * $id, $ref and documents; each keyword is decoded by schema_keyword.c).
 *
 * Consumes a schema as JSON text, read with cJSON (which stays the backing store), and
 * compiles it once: every subschema becomes a struct sch (schema_int.h) with its keywords
 * decoded, patterns compiled (rx.c), enum/const values converted to nodes and every $ref
 * resolved to its target, so validation never re-parses. Remote documents come through
 * the fetch callback. Compilation is strict: a keyword draft-07 does not define fails it
 * (vendor extensions "x-..." aside), naming the keyword and its JSON pointer; the one
 * exception is a member that a $ref points into, which is then a container of schemas
 * like "definitions".
 *
 * Produces the struct schema that schema_validate.c and schema_default.c walk; it owns the
 * cJSON documents, the compiled patterns and the arena of everything else, all released by
 * schema_free. A failed compilation returns NULL with one message in err.
 */
#include "alloc.h"
#include "schema_cc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the compiled schema ----------------------------------------------------------- */

const struct type_name sch_type_names[] = {
	{"boolean", "boolean", T_BOOLEAN},
	{"integer", "integer", T_INTEGER},
	{"array", "list", T_ARRAY},
	{"object", "mapping", T_OBJECT},
	{"number", "number", T_NUMBER},
	{"string", "string", T_STRING},
	{"null", "null", T_NULL},
};

void schema_free(struct schema *s)
{
	if (!s)
		return;
	json_arena_release(&s->json);	/* the documents */
	free(s->docs);
	for (size_t i = 0; i < s->nrxs; i++)
		rx_free(s->rxs[i]);
	free(s->rxs);
	arena_release(&s->arena);
	free(s);
}

/* The shortest text that reads back as d. */
char *sch_fmt_num(struct arena *a, double d)
{
	char buf[40];
	if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(buf, sizeof(buf), "%.0f", d);
	} else {
		snprintf(buf, sizeof(buf), "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, sizeof(buf), "%.17g", d);
	}
	return arena_strdup(a, buf);
}

/* cJSON value -> node tree (enum/const values, defaults). */
struct node *sch_cjson_to_node(struct arena *a, const cJSON *j, struct loc loc,
			       uint32_t flags)
{
	struct node *n;
	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		size_t cnt = (size_t)cJSON_GetArraySize(j), i = 0;
		n = cJSON_IsObject(j) ? node_map(a, loc, cnt) : node_new(a, NODE_SEQ, loc);
		if (n->kind == NODE_SEQ && cnt)
			n->items = arena_alloc(a, cnt * sizeof(*n->items));
		for (const cJSON *c = j->child; c; c = c->next, i++) {
			if (n->kind == NODE_MAP) {
				n->keys[i] = node_str(a, c->string, strlen(c->string), loc);
				n->keys[i]->flags = flags | NODE_QUOTED;
			}
			n->items[i] = sch_cjson_to_node(a, c, loc, flags);
		}
		n->n = cnt;
		node_map_index(a, n);
	} else if (cJSON_IsString(j)) {
		n = node_str(a, j->valuestring, strlen(j->valuestring), loc);
		n->flags |= NODE_QUOTED;
	} else if (cJSON_IsNumber(j)) {
		double d = j->valuedouble;
		n = node_new(a, NODE_FLOAT, loc);
		n->v.f = d;
		if (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
			n->kind = NODE_INT;
			n->v.i = (int64_t)d;
		}
		n->str = sch_fmt_num(a, d);
		n->len = strlen(n->str);
	} else if (cJSON_IsBool(j)) {
		n = node_new(a, NODE_BOOL, loc);
		n->v.b = cJSON_IsTrue(j);
		n->str = n->v.b ? "true" : "false";
		n->len = strlen(n->str);
	} else {
		n = node_new(a, NODE_NULL, loc);
		n->str = "null";
		n->len = 4;
	}
	n->flags |= flags;
	return n;
}

/* ---- compilation ------------------------------------------------------------------- */

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static struct sch *pmap_get(const struct pmap *m, const void *k)
{
	if (!m->cap)
		return NULL;
	for (size_t i = ptr_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == k)
			return m->vals[i];
		if (!m->keys[i])
			return NULL;
	}
}

static void pmap_put(struct pmap *m, const void *k, struct sch *v)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct pmap old = *m;
		size_t cap = old.cap ? old.cap * 2 : 64;
		/* one allocation: out of memory leaves m as it was */
		m->keys = xcalloc(cap, sizeof(*m->keys) + sizeof(*m->vals));
		m->vals = (struct sch **)(m->keys + cap);
		m->cap = cap;
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				pmap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
	}
	size_t i = ptr_hash(k) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = k;
	m->vals[i] = v;
	m->n++;
}

/* A key naming a cJSON node (its address) and a member name, in a. */
static const char *node_key(struct arena *a, const cJSON *node, const char *name, size_t *len)
{
	size_t nl = name ? strlen(name) : 0;
	char *k = arena_alloc(a, sizeof(node) + nl + 1);
	memcpy(k, &node, sizeof(node));
	if (nl)
		memcpy(k + sizeof(node), name, nl);
	*len = sizeof(node) + nl;
	return k;
}

static const struct members *members_of(struct cc *cc, const cJSON *node)
{
	size_t kl;
	const char *k = node_key(cc->a, node, NULL, &kl);
	long at = strmap_get(&cc->members_at, k, kl);
	if (at >= 0)
		return &cc->members[at];
	struct members m = { 0 };
	size_t cap = 0;
	for (const cJSON *c = node->child; c; c = c->next) {
		if (cJSON_IsObject(node) && c->string &&
		    strmap_get(&m.by_name, c->string, strlen(c->string)) < 0)
			strmap_put(cc->a, &m.by_name, c->string, strlen(c->string), m.n);
		ARENA_PUSH(cc->a, m.at, m.n, cap, c);
	}
	strmap_put(cc->a, &cc->members_at, k, kl, cc->nmembers);
	ARENA_PUSH(cc->a, cc->members, cc->nmembers, cc->capmembers, m);
	return &cc->members[cc->nmembers - 1];
}

/* Has node more than a few members? (a short list is searched as it is) */
static bool many_members(const cJSON *node)
{
	size_t n = 0;
	for (const cJSON *c = node->child; c && n <= 16; c = c->next)
		n++;
	return n > 16;
}

/* The first member of object node named name, or NULL. */
const cJSON *cc_member(struct cc *cc, const cJSON *node, const char *name)
{
	if (!many_members(node))
		return cJSON_GetObjectItemCaseSensitive(node, name);
	const struct members *m = members_of(cc, node);
	long at = strmap_get(&m->by_name, name, strlen(name));
	return at < 0 ? NULL : m->at[at];
}

/* Member idx of array node, or NULL. */
static const cJSON *item(struct cc *cc, const cJSON *node, size_t idx)
{
	if (!many_members(node))
		return idx < 100000000 ? cJSON_GetArrayItem(node, (int)idx) : NULL;
	const struct members *m = members_of(cc, node);
	return idx < m->n ? m->at[idx] : NULL;
}

/* The compiler's scratch vectors (the schema itself is not released). */
static void cc_release(struct cc *cc)
{
	free(cc->map.keys);	/* and the values, in the same block */
	free(cc->pending);
	free(cc->ids);
	free(cc->unknowns);
}

/* Out of memory while compiling: the scratch and the schema, with what it owns. */
static void release_compiling(void *p)
{
	struct cc *cc = p;
	cc_release(cc);
	schema_free(cc->s);
}

void cc_fail(struct cc *cc, const char *fmt, ...)
{
	if (cc->failed)
		return;
	cc->failed = true;
	if (cc->err && cc->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(cc->err, cc->errlen, fmt, ap);
		va_end(ap);
	}
}

/* ptr + "/" + name, escaped as a JSON pointer token. Made for every subschema of every
 * document compiled: one allocation of the exact size, the parent's pointer copied whole. */
const char *sch_ptr_child(struct arena *a, const char *ptr, const char *name)
{
	size_t pl = strlen(ptr), nl = strlen(name), escapes = 0;
	for (const char *p = name; (p = strpbrk(p, "~/")); p++)
		escapes++;
	char *out = arena_alloc(a, pl + 1 + nl + escapes + 1), *o = out + pl + 1;
	memcpy(out, ptr, pl);
	out[pl] = '/';
	if (!escapes) {
		memcpy(o, name, nl + 1);
		return out;
	}
	for (const char *p = name; *p; p++) {
		if (*p == '~' || *p == '/') {
			*o++ = '~';
			*o++ = *p == '~' ? '0' : '1';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

const char *sch_ptr_index(struct arena *a, const char *ptr, size_t i)
{
	return arena_printf(a, "%s/%zu", ptr, i);
}

/* A member of obj that is no keyword: an error unless a $ref walks through it. */
static void add_unknown(struct cc *cc, const cJSON *obj, const char *name, const char *ptr)
{
	struct unknown u = {obj, arena_strdup(cc->a, name), sch_ptr_child(cc->a, ptr, name), false, 0,
			    cc->nunknowns};
	VEC_PUSH(cc->unknowns, cc->nunknowns, cc->capunknowns, u);
	size_t kl;
	const char *k = node_key(cc->a, obj, name, &kl);
	long first = strmap_get(&cc->unknown_at, k, kl);
	if (first < 0) {
		strmap_put(cc->a, &cc->unknown_at, k, kl, cc->nunknowns - 1);
		return;
	}
	/* the same name twice in one object: chained after the last of them */
	struct unknown *head = &cc->unknowns[first];
	cc->unknowns[head->last].next = cc->nunknowns;
	head->last = cc->nunknowns - 1;
}

static const char *uri_nofrag(struct arena *a, const char *uri)
{
	const char *h = strchr(uri, '#');
	return h ? arena_strndup(a, uri, (size_t)(h - uri)) : uri;
}

static struct ident *id_find(struct cc *cc, const char *uri)
{
	long i = strmap_get(&cc->id_at, uri, strlen(uri));
	return i < 0 ? NULL : &cc->ids[i];
}

static void id_add(struct cc *cc, const char *uri, const cJSON *node, const char *base,
		   const char *ptr, bool strict)
{
	if (!id_find(cc, uri)) {
		struct ident id = {uri, node, base, ptr, strict};
		VEC_PUSH(cc->ids, cc->nids, cc->capids, id);
		strmap_put(cc->a, &cc->id_at, uri, strlen(uri), cc->nids - 1);
	}
}

/* "$id": a new base URI and/or a location-independent identifier "#name", registered
 * when reg is set (ptr and strict describe the schema for later $refs). */
static const char *apply_id(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
			    bool reg, bool strict)
{
	const cJSON *id = cc_member(cc, j, "$id");
	if (!cJSON_IsString(id))
		return base;
	const char *abs = sch_uri_resolve(cc->a, base, id->valuestring);
	const char *u = uri_nofrag(cc->a, abs);
	const char *hash = strchr(abs, '#');
	if (id->valuestring[0] != '#') {
		base = u;
		if (reg)
			id_add(cc, u, j, base, ptr, strict);
	}
	if (reg && hash && hash[1] && hash[1] != '/')
		id_add(cc, abs, j, base, ptr, strict);
	return base;
}

struct sch *cc_compile(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
		       bool strict)
{
	if (cc->failed)
		return NULL;
	struct sch *s = pmap_get(&cc->map, j);
	if (s)
		return s;
	s = arena_alloc(cc->a, sizeof(*s));
	s->ptr = ptr;
	pmap_put(&cc->map, j, s);
	if (cJSON_IsBool(j)) {
		s->is_bool = true;
		s->bool_val = cJSON_IsTrue(j);
		s->base = base;
		return s;
	}
	if (!cJSON_IsObject(j)) {
		cc_fail(cc, "invalid schema at '%s': a schema is an object or a boolean", ptr);
		return NULL;
	}
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(j, "$ref");
	if (ref) {
		if (!cJSON_IsString(ref)) {
			cc_fail(cc, "invalid schema: '$ref' at '%s/$ref' must be a string", ptr);
			return NULL;
		}
		/* draft-07: beside "$ref" even "$id" is ignored */
		s->ref_str = arena_strdup(cc->a, ref->valuestring);
		s->ref_base = base;
		VEC_PUSH(cc->pending, cc->npending, cc->cappending, s);
	} else {
		base = apply_id(cc, j, base, ptr, true, strict);
	}
	s->base = base;
	for (const cJSON *m = j->child; m; m = m->next) {
		const struct keyword *kw = cc_keyword(m->string);
		if (!kw) {
			if (strncmp(m->string, "x-", 2) != 0 && strict)
				add_unknown(cc, j, m->string, ptr);
			continue;
		}
		if (ref && !kw->with_ref)
			continue;	/* siblings of "$ref" are ignored (draft-07) */
		struct kw_ctx k = {cc, s, m, m->string, sch_ptr_child(cc->a, ptr, m->string), base,
				   strict};
		if (!kw->fn(&k))
			return NULL;
	}
	return s;
}

static struct doc *doc_find(struct cc *cc, const char *uri)
{
	for (size_t i = 0; i < cc->s->ndocs; i++)
		if (strcmp(cc->s->docs[i].uri, uri) == 0)
			return &cc->s->docs[i];
	return NULL;
}

/* Register root, which lives in the schema's JSON arena (schema_free releases it). */
static struct doc *doc_add(struct cc *cc, const char *uri, cJSON *root, bool strict)
{
	struct doc d = {uri, root, strict ? "#" : arena_printf(cc->a, "%s#", uri), strict};
	VEC_PUSH(cc->s->docs, cc->s->ndocs, cc->s->capdocs, d);
	return &cc->s->docs[cc->s->ndocs - 1];
}

/* Fetch a remote document and compile it whole (which registers its "$id"s). */
static struct doc *doc_fetch(struct cc *cc, const char *uri, const char *ref, const char *at)
{
	if (!cc->fetch) {
		cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': remote references are not "
			"allowed", ref, at);
		return NULL;
	}
	size_t len = 0;
	const char *text = cc->fetch(cc->fetch_ud, uri, &len);
	if (!text) {
		cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': cannot fetch '%s'", ref, at, uri);
		return NULL;
	}
	unsigned long failed = alloc_failures();
	json_arena_begin(&cc->s->json);
	cJSON *root = cJSON_ParseWithLength(text, len);
	json_arena_end();
	if (!root) {
		oom_if_failed_since(failed);
		cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': '%s' is not valid JSON", ref, at,
			uri);
		return NULL;
	}
	struct doc *d = doc_add(cc, uri, root, false);
	const char *ptr = d->ptr;
	if (!cc_compile(cc, root, uri, ptr, false))
		return NULL;
	return doc_find(cc, uri);
}

static void mark_unknown_used(struct cc *cc, const cJSON *obj, const char *name)
{
	size_t kl;
	const char *k = node_key(cc->a, obj, name, &kl);
	long first = strmap_get(&cc->unknown_at, k, kl);
	for (size_t i = first < 0 ? 0 : (size_t)first + 1; i; i = cc->unknowns[i - 1].next)
		cc->unknowns[i - 1].used = true;
}

/*
 * Walk the JSON pointer frag (already percent-decoded) from node. The base URI follows
 * the "$id"s passed on the way. Members that are not keywords but are walked through
 * become legitimate containers of schemas.
 */
static const cJSON *ptr_walk(struct cc *cc, const cJSON *node, const char *frag,
			     const char **base)
{
	const char *p = frag;
	while (*p) {
		if (*p != '/')
			return NULL;
		p++;
		struct strbuf tok = SB_IN(cc->a);
		sb_puts(&tok, "");
		for (; *p && *p != '/'; p++) {
			if (*p == '~') {
				if (p[1] != '0' && p[1] != '1') {
					return NULL;
				}
				sb_putc(&tok, p[1] == '0' ? '~' : '/');
				p++;
			} else {
				sb_putc(&tok, *p);
			}
		}
		const cJSON *next = NULL;
		if (cJSON_IsObject(node)) {
			next = cc_member(cc, node, tok.buf);
			if (next && pmap_get(&cc->map, node) && !cc_keyword(tok.buf))
				mark_unknown_used(cc, node, tok.buf);
		} else if (cJSON_IsArray(node)) {
			const char *t = tok.buf;
			bool ok = *t && (t[0] != '0' || !t[1]);
			size_t idx = 0;
			for (; ok && *t; t++) {
				ok = is_digit((unsigned char)*t) && idx < 100000000;
				idx = idx * 10 + (size_t)(*t - '0');
			}
			if (ok)
				next = item(cc, node, idx);
		}
		if (!next)
			return NULL;
		node = next;
		struct sch *known = pmap_get(&cc->map, node);
		if (known)
			*base = known->base;
		else if (cJSON_IsObject(node) && !cc_member(cc, node, "$ref"))
			*base = apply_id(cc, node, *base, NULL, false, false);
	}
	return node;
}

static struct sch *ref_target(struct cc *cc, const struct sch *s)
{
	const char *abs = sch_uri_resolve(cc->a, s->ref_base, s->ref_str);
	const char *u = uri_nofrag(cc->a, abs);
	const char *hash = strchr(abs, '#');
	const char *frag = hash ? hash + 1 : "";
	const cJSON *node;
	const char *base, *ptr;
	if (*frag && *frag != '/') {
		/* a location-independent identifier */
		const struct ident *id = id_find(cc, abs);
		if (!id && !id_find(cc, u) && !doc_find(cc, u)) {
			if (!doc_fetch(cc, u, s->ref_str, s->ptr))
				return NULL;
			id = id_find(cc, abs);
		}
		if (!id) {
			cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': no schema has the id '%s'",
				s->ref_str, s->ptr, abs);
			return NULL;
		}
		return cc_compile(cc, id->node, id->base, id->ptr, id->strict);
	}
	const struct ident *id = id_find(cc, u);
	bool strict = true;
	if (id) {
		node = id->node, base = id->base, ptr = id->ptr, strict = id->strict;
	} else {
		const struct doc *d = doc_find(cc, u);
		if (!d)
			d = doc_fetch(cc, u, s->ref_str, s->ptr);
		if (!d)
			return NULL;
		node = d->root, base = u, ptr = d->ptr, strict = d->strict;
	}
	if (*frag) {
		char *dec = sch_pct_decode(cc->a, frag);
		const cJSON *t = dec ? ptr_walk(cc, node, dec, &base) : NULL;
		if (!t) {
			cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': no such location", s->ref_str,
				s->ptr);
			return NULL;
		}
		node = t;
		ptr = arena_printf(cc->a, "%s%s", ptr, dec);
	}
	if (!cJSON_IsObject(node) && !cJSON_IsBool(node)) {
		cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': the target is not a schema",
			s->ref_str, s->ptr);
		return NULL;
	}
	return cc_compile(cc, node, base, ptr, strict);
}

/* The candidate closest to name, if close enough to be a likely typo. */
const char *sch_nearest(const char *name, const char *const *cands, size_t n)
{
	size_t len = strlen(name);
	struct nearest near = nearest_start(name, len, len / 3 > 2 ? len / 3 : 2);
	for (size_t i = 0; i < n; i++)
		nearest_offer(&near, cands[i]);
	return near.best;
}

static bool compile_finish(struct cc *cc)
{
	for (size_t i = 0; i < cc->npending && !cc->failed; i++)
		cc->pending[i]->ref = ref_target(cc, cc->pending[i]);
	if (cc->failed)
		return false;
	size_t nbad = 0;
	const struct unknown *first = NULL;
	for (size_t i = 0; i < cc->nunknowns; i++) {
		if (!cc->unknowns[i].used) {
			nbad++;
			if (!first)
				first = &cc->unknowns[i];
		}
	}
	if (first) {
		const char *sug = cc_keyword_nearest(first->name);
		char more[64] = "";
		if (nbad > 1)
			snprintf(more, sizeof(more), " (and %zu more)", nbad - 1);
		if (sug)
			cc_fail(cc, "unknown keyword '%s' at '%s' (did you mean '%s'?)%s",
				first->name, first->ptr, sug, more);
		else
			cc_fail(cc, "unknown keyword '%s' at '%s'%s", first->name, first->ptr, more);
		return false;
	}
	/*
	 * A chain of "$ref"s that comes back to itself would never reach a keyword. Each
	 * pending $ref's chain is walked until it ends or reaches a schema an earlier walk
	 * reached (whose chain ends: else that walk failed), so every schema is walked once.
	 */
	for (size_t i = 0; i < cc->npending; i++) {
		for (struct sch *t = cc->pending[i]; t && t->ref; t = t->ref) {
			if (t->ref_walk == i + 1) {
				cc_fail(cc, "'$ref' at '%s' leads to a cycle of references",
					cc->pending[i]->ptr);
				return false;
			}
			if (t->ref_walk)
				break;
			t->ref_walk = i + 1;
		}
	}
	return true;
}

struct schema *schema_compile(const char *json, size_t len, const char *base_uri,
			      schema_fetch_fn fetch, void *fetch_ud, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	struct schema *s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	struct cc cc = {.s = s, .a = &s->arena, .fetch = fetch, .fetch_ud = fetch_ud,
			.err = err, .errlen = errlen};
	struct oom_guard guard;
	oom_guard_push(&guard, release_compiling, &cc);
	const char *base = uri_nofrag(cc.a, base_uri ? base_uri : "");
	const char *uri = arena_strdup(cc.a, base);
	unsigned long failed = alloc_failures();
	json_arena_begin(&s->json);
	cJSON *root = cJSON_ParseWithLength(json, len);
	json_arena_end();
	if (!root) {
		oom_guard_pop(&guard);
		release_compiling(&cc);
		oom_if_failed_since(failed);
		const char *at = cJSON_GetErrorPtr();
		if (err && errlen) {
			if (at && at >= json && at <= json + len)
				snprintf(err, errlen, "invalid JSON near byte %zu", (size_t)(at - json));
			else
				snprintf(err, errlen, "invalid JSON");
		}
		return NULL;
	}
	doc_add(&cc, uri, root, true);
	s->root = cc_compile(&cc, root, base, "#", true);
	bool ok = s->root && compile_finish(&cc);
	oom_guard_pop(&guard);
	cc_release(&cc);
	if (!ok) {
		schema_free(s);
		return NULL;
	}
	return s;
}

const char *schema_json_version(void)
{
	return cJSON_Version();
}

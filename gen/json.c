/*
 * json.c - json_to_node: JSON text (RFC 8259) read into a node tree that keeps the line
 * and column of every value. Its callers: srcfile_json, and the tests (schema instances,
 * Mustache views).
 *
 * Consumes UTF-8 text (a leading BOM is skipped); produces nodes in the caller's arena,
 * each with its start and inclusive end (1-based, in characters, as struct loc says).
 * Strings are decoded (a lone surrogate escape becomes U+FFFD); numbers are NODE_INT when
 * integral and within int64, else NODE_FLOAT, and keep their source text; of duplicate
 * keys the last one wins. Any syntax error, invalid UTF-8 or nesting deeper than
 * JSON_MAX_DEPTH gives NULL, with no message: the caller says what it was reading.
 */
#include "schema_int.h"

#include <stdlib.h>
#include <string.h>

struct jr {
	struct arena *a;
	const char *s;
	size_t n, pos;
	uint32_t file;
	uint32_t line, col;	/* of the character at pos */
	uint32_t pline, pcol;	/* of the last character consumed */
	int depth;
};

static void jr_adv(struct jr *r)
{
	unsigned char c = (unsigned char)r->s[r->pos++];
	if ((c & 0xC0) == 0x80)
		return;		/* a continuation byte: same character */
	r->pline = r->line;
	r->pcol = r->col;
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else {
		r->col++;
	}
}

static void jr_skip_to(struct jr *r, size_t pos)
{
	while (r->pos < pos)
		jr_adv(r);
}

static void jr_ws(struct jr *r)
{
	while (r->pos < r->n) {
		char c = r->s[r->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		jr_adv(r);
	}
}

static struct node *jr_new(struct jr *r, enum node_kind kind)
{
	return node_new(r->a, kind, (struct loc){r->file, r->line, r->col, 0, 0});
}

static void jr_end(const struct jr *r, struct node *n)
{
	n->loc.end_line = r->pline;
	n->loc.end_col = r->pcol;
}

static bool hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (!is_hex((unsigned char)p[i]))
			return false;
		v = v << 4 | (uint32_t)hex_val((unsigned char)p[i]);
	}
	*out = v;
	return true;
}

static struct node *jr_string(struct jr *r)
{
	struct node *node = jr_new(r, NODE_STR);
	const char *s = r->s;
	size_t start = r->pos + 1, i = start;
	while (i < r->n && s[i] != '"') {
		if ((unsigned char)s[i] < 0x20)
			return NULL;
		i += s[i] == '\\' ? 2 : 1;
	}
	if (i >= r->n)
		return NULL;
	size_t end = i;
	/* escapes never grow: \uXXXX is at most 3 bytes, a surrogate pair 4 */
	char *out = arena_alloc(r->a, end - start + 1);
	size_t o = 0;
	for (i = start; i < end;) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t l = utf8_decode(s + i, end - i, &cp);
			if (!l)
				return NULL;
			memcpy(out + o, s + i, l);
			o += l, i += l;
			continue;
		}
		if (c != '\\') {
			out[o++] = (char)c;
			i++;
			continue;
		}
		char e = s[i + 1];
		i += 2;
		switch (e) {
		case '"': case '\\': case '/': out[o++] = e; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			if (i + 4 > end || !hex4(s + i, &cp))
				return NULL;
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= end && s[i] == '\\' &&
			    s[i + 1] == 'u' && hex4(s + i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;	/* a lone surrogate has no UTF-8 form */
			o += utf8_encode(out + o, cp);
			break;
		}
		default:
			return NULL;
		}
	}
	out[o] = '\0';
	node->str = out;
	node->len = o;
	node->flags |= NODE_QUOTED;
	jr_skip_to(r, end + 1);
	jr_end(r, node);
	return node;
}

static struct node *jr_number(struct jr *r)
{
	const char *s = r->s;
	size_t i = r->pos, n = r->n;
	bool integral = true, neg = false;
	if (s[i] == '-')
		neg = true, i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && is_digit(s[i])) {
		while (i < n && is_digit(s[i]))
			i++;
	} else {
		return NULL;
	}
	if (i < n && s[i] == '.') {
		integral = false;
		if (++i >= n || !is_digit(s[i]))
			return NULL;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		integral = false;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return NULL;
		while (i < n && is_digit(s[i]))
			i++;
	}
	struct node *node = jr_new(r, NODE_INT);
	node->len = i - r->pos;
	node->str = arena_strndup(r->a, s + r->pos, node->len);
	if (integral) {
		uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (size_t k = r->pos + neg; k < i && integral; k++) {
			unsigned d = (unsigned)(s[k] - '0');
			if (v > (lim - d) / 10)
				integral = false;	/* too big for int64: a float */
			else
				v = v * 10 + d;
		}
		if (integral)
			node->v.i = neg ? (int64_t)(0 - v) : (int64_t)v;
	}
	if (!integral) {
		node->kind = NODE_FLOAT;
		node->v.f = strtod(node->str, NULL);
	}
	jr_skip_to(r, i);
	jr_end(r, node);
	return node;
}

struct keyref {
	const struct node *k;
	size_t i;
};

static int keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	if (a->k->len != b->k->len)
		return a->k->len < b->k->len ? -1 : 1;
	int c = memcmp(a->k->str, b->k->str, a->k->len);
	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Duplicate keys: the last one wins (as in most JSON readers), at its own position. */
static void jr_dedup(struct jr *r, struct node *map)
{
	if (map->n < 2)
		return;
	struct keyref *refs = arena_alloc(r->a, map->n * sizeof(*refs));
	bool *drop = arena_alloc(r->a, map->n);
	for (size_t i = 0; i < map->n; i++)
		refs[i] = (struct keyref){map->keys[i], i};
	qsort(refs, map->n, sizeof(*refs), keyref_cmp);
	bool any = false;
	for (size_t i = 0; i + 1 < map->n; i++) {
		if (refs[i].k->len == refs[i + 1].k->len &&
		    memcmp(refs[i].k->str, refs[i + 1].k->str, refs[i].k->len) == 0)
			drop[refs[i].i] = any = true;
	}
	if (!any)
		return;
	size_t o = 0;
	for (size_t i = 0; i < map->n; i++) {
		if (drop[i])
			continue;
		map->keys[o] = map->keys[i];
		map->items[o++] = map->items[i];
	}
	map->n = o;
}

static struct node *jr_value(struct jr *r);

static struct node *jr_container(struct jr *r, bool is_map)
{
	if (++r->depth > JSON_MAX_DEPTH)
		return NULL;
	struct node *node = jr_new(r, is_map ? NODE_MAP : NODE_SEQ);
	size_t capk = 0, capv = 0, nk = 0;
	char close = is_map ? '}' : ']';
	jr_adv(r);
	jr_ws(r);
	if (r->pos < r->n && r->s[r->pos] == close) {
		jr_adv(r);
		goto done;
	}
	for (;;) {
		jr_ws(r);
		if (is_map) {
			if (r->pos >= r->n || r->s[r->pos] != '"')
				return NULL;
			struct node *k = jr_string(r);
			if (!k)
				return NULL;
			ARENA_PUSH(r->a, node->keys, nk, capk, k);
			jr_ws(r);
			if (r->pos >= r->n || r->s[r->pos] != ':')
				return NULL;
			jr_adv(r);
		}
		struct node *v = jr_value(r);
		if (!v)
			return NULL;
		ARENA_PUSH(r->a, node->items, node->n, capv, v);
		jr_ws(r);
		if (r->pos >= r->n)
			return NULL;
		char c = r->s[r->pos];
		jr_adv(r);
		if (c == close)
			break;
		if (c != ',')
			return NULL;
	}
done:
	jr_end(r, node);
	if (is_map) {
		jr_dedup(r, node);
		node_map_index(r->a, node);
	}
	r->depth--;
	return node;
}

static struct node *jr_literal(struct jr *r, const char *word, enum node_kind kind, bool b)
{
	size_t len = strlen(word);
	if (r->n - r->pos < len || memcmp(r->s + r->pos, word, len) != 0)
		return NULL;
	struct node *node = jr_new(r, kind);
	node->str = word;
	node->len = len;
	node->v.b = b;
	jr_skip_to(r, r->pos + len);
	jr_end(r, node);
	return node;
}

static struct node *jr_value(struct jr *r)
{
	jr_ws(r);
	if (r->pos >= r->n)
		return NULL;
	switch (r->s[r->pos]) {
	case '{': return jr_container(r, true);
	case '[': return jr_container(r, false);
	case '"': return jr_string(r);
	case 't': return jr_literal(r, "true", NODE_BOOL, true);
	case 'f': return jr_literal(r, "false", NODE_BOOL, false);
	case 'n': return jr_literal(r, "null", NODE_NULL, false);
	default: return jr_number(r);
	}
}

struct node *json_to_node(struct arena *a, const char *json, size_t len, uint32_t file)
{
	struct jr r = {.a = a, .s = json, .n = len, .file = file, .line = 1, .col = 1};
	if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0)
		r.pos = 3;
	struct node *root = jr_value(&r);
	if (!root)
		return NULL;
	jr_ws(&r);
	return r.pos == r.n ? root : NULL;
}

/*
 * schema.c - JSON Schema draft-07 over the node tree.
 *
 * Consumes a schema as JSON text, read with cJSON (which stays the backing store), and
 * compiles it once: every subschema becomes a struct sch with its keywords decoded,
 * patterns compiled (rx.c), enum/const values converted to nodes and every $ref resolved
 * to its target, so validation never re-parses. Remote documents come through the fetch
 * callback. Compilation is strict: a keyword draft-07 does not define fails it (vendor
 * extensions "x-..." aside), naming the keyword and its JSON pointer; the one exception
 * is a member that a $ref points into, which is then a container of schemas like
 * "definitions".
 *
 * Validation walks a struct node tree and collects errors in a per-run arena; they are
 * sorted into document order and handed to the sink. The validator's only write to the
 * instance is NODE_SECRET under "x-eragen-secret": true. Recursion is bounded: a chain of
 * more than SCHEMA_MAX_DEPTH nested schema applications ends the run with one error.
 *
 * Also here: schema defaults (copy-on-write) and json_to_node, a small JSON reader that
 * keeps the line and column of every value.
 */
#include "eragen.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_MAX_DEPTH 512		/* nested schema applications per validation */
#define SCHEMA_MAX_STEPS 20000000u	/* schema applications per validation */
#define DEFAULTS_MAX_DEPTH 128
#define JSON_MAX_DEPTH 512

/* ---- characters and numbers ---------------------------------------------------- */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int hex_val(int c)
{
	return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Code points in s[0..n), which is valid UTF-8. */
static size_t cp_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Length of the valid UTF-8 sequence at s[0..n) (first byte >= 0x80), or 0. */
static size_t utf8_seq(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	uint32_t cp, min;
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2, cp = u[0] & 0x1F, min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3, cp = u[0] & 0x0F, min = 0x800;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4, cp = u[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (u[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The shortest text that reads back as d. */
static char *fmt_num(struct arena *a, double d)
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

/* ---- json_to_node: a JSON reader that keeps positions ------------------------------ */

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
			size_t l = utf8_seq(s + i, end - i);
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
			o += utf8_put(out + o, cp);
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
	if (is_map)
		jr_dedup(r, node);
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

/* ---- URIs (RFC 3986) --------------------------------------------------------------- */

struct span {
	const char *p;
	size_t n;
	bool has;
};

struct uri {
	struct span scheme, auth, path, query, frag;
};

static void uri_split(const char *s, size_t n, struct uri *u)
{
	memset(u, 0, sizeof(*u));
	size_t i = 0, j;
	if (n && is_alpha((unsigned char)s[0])) {
		for (j = 1; j < n && (is_alnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '-' ||
				      s[j] == '.'); j++)
			;
		if (j < n && s[j] == ':') {
			u->scheme = (struct span){s, j, true};
			i = j + 1;
		}
	}
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
		for (j = i + 2; j < n && s[j] != '/' && s[j] != '?' && s[j] != '#'; j++)
			;
		u->auth = (struct span){s + i + 2, j - i - 2, true};
		i = j;
	}
	for (j = i; j < n && s[j] != '?' && s[j] != '#'; j++)
		;
	u->path = (struct span){s + i, j - i, true};
	i = j;
	if (i < n && s[i] == '?') {
		for (j = i + 1; j < n && s[j] != '#'; j++)
			;
		u->query = (struct span){s + i + 1, j - i - 1, true};
		i = j;
	}
	if (i < n && s[i] == '#')
		u->frag = (struct span){s + i + 1, n - i - 1, true};
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* RFC 3986 5.2.4, appending the result to out. */
static void remove_dots(struct strbuf *out, const char *in, size_t n)
{
	size_t base = out->len;
	while (n) {
		if (starts(in, n, "../")) {
			in += 3, n -= 3;
		} else if (starts(in, n, "./")) {
			in += 2, n -= 2;
		} else if (starts(in, n, "/./")) {
			in += 2, n -= 2;
		} else if (n == 2 && starts(in, n, "/.")) {
			in += 1, n -= 1;
			sb_putc(out, '/');
			in++, n--;
		} else if (starts(in, n, "/../") || (n == 3 && starts(in, n, "/.."))) {
			in += 3, n -= 3;
			while (out->len > base && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len > base)
				out->len--;
			out->buf[out->len] = '\0';
			if (!n)
				sb_putc(out, '/');
		} else if ((n == 1 && in[0] == '.') || (n == 2 && starts(in, n, ".."))) {
			n = 0;
		} else {
			size_t k = 1;
			while (k < n && in[k] != '/')
				k++;
			if (in[0] != '/') {
				k = 0;
				while (k < n && in[k] != '/')
					k++;
			}
			sb_add(out, in, k);
			in += k, n -= k;
		}
	}
}

/* ref resolved against base (RFC 3986 5.2.2), in arena a. */
static char *uri_resolve(struct arena *a, const char *base, const char *ref)
{
	struct uri b, r;
	uri_split(base, strlen(base), &b);
	uri_split(ref, strlen(ref), &r);
	struct strbuf sb = STRBUF_INIT;
	struct span scheme = r.scheme.has ? r.scheme : b.scheme;
	if (scheme.has) {
		sb_add(&sb, scheme.p, scheme.n);
		sb_putc(&sb, ':');
	}
	struct span auth = r.scheme.has || r.auth.has ? r.auth : b.auth;
	if (auth.has) {
		sb_puts(&sb, "//");
		sb_add(&sb, auth.p, auth.n);
	}
	struct span query = r.query;
	if (r.scheme.has || r.auth.has || (r.path.n && r.path.p[0] == '/')) {
		remove_dots(&sb, r.path.p, r.path.n);
	} else if (!r.path.n) {
		sb_add(&sb, b.path.p, b.path.n);
		if (!r.query.has)
			query = b.query;
	} else {
		struct strbuf m = STRBUF_INIT;
		if (b.auth.has && !b.path.n) {
			sb_putc(&m, '/');
		} else {
			size_t k = b.path.n;
			while (k && b.path.p[k - 1] != '/')
				k--;
			sb_add(&m, b.path.p, k);
		}
		sb_add(&m, r.path.p, r.path.n);
		remove_dots(&sb, m.buf, m.len);
		sb_release(&m);
	}
	if (query.has) {
		sb_putc(&sb, '?');
		sb_add(&sb, query.p, query.n);
	}
	if (r.frag.has) {
		sb_putc(&sb, '#');
		sb_add(&sb, r.frag.p, r.frag.n);
	}
	char *res = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return res;
}

/* Percent-decode s (a URI fragment); NULL when it is malformed. */
static char *pct_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n || !is_hex((unsigned char)s[i + 1]) ||
		    !is_hex((unsigned char)s[i + 2]))
			return NULL;
		out[o++] = (char)(hex_val((unsigned char)s[i + 1]) << 4 |
				  hex_val((unsigned char)s[i + 2]));
		i += 2;
	}
	out[o] = '\0';
	return out;
}

/* ---- the compiled schema ----------------------------------------------------------- */

enum {
	T_NULL = 1 << 0,
	T_BOOLEAN = 1 << 1,
	T_OBJECT = 1 << 2,
	T_ARRAY = 1 << 3,
	T_NUMBER = 1 << 4,
	T_STRING = 1 << 5,
	T_INTEGER = 1 << 6,
};

/* JSON Schema's names, and the words users of a YAML spec know them by. */
static const struct {
	const char *name, *shown;
	unsigned bit;
} type_names[] = {
	{"boolean", "boolean", T_BOOLEAN},
	{"integer", "integer", T_INTEGER},
	{"array", "list", T_ARRAY},
	{"object", "mapping", T_OBJECT},
	{"number", "number", T_NUMBER},
	{"string", "string", T_STRING},
	{"null", "null", T_NULL},
};

enum fmt {
	FMT_NONE, FMT_UNKNOWN, FMT_DATE, FMT_TIME, FMT_DATE_TIME, FMT_EMAIL, FMT_IDN_EMAIL,
	FMT_HOSTNAME, FMT_IPV4, FMT_IPV6, FMT_URI, FMT_URI_REFERENCE, FMT_IRI,
	FMT_IRI_REFERENCE, FMT_URI_TEMPLATE, FMT_REGEX, FMT_JSON_POINTER,
	FMT_RELATIVE_JSON_POINTER,
};

static const struct {
	const char *name;
	enum fmt fmt;
	const char *hint;	/* shown after "is not a valid ..." */
} formats[] = {
	{"date", FMT_DATE, "date (YYYY-MM-DD)"},
	{"time", FMT_TIME, "time (HH:MM:SS with a UTC offset)"},
	{"date-time", FMT_DATE_TIME, "date-time (RFC 3339)"},
	{"email", FMT_EMAIL, "e-mail address"},
	{"idn-email", FMT_IDN_EMAIL, "e-mail address"},
	{"hostname", FMT_HOSTNAME, "hostname"},
	{"ipv4", FMT_IPV4, "IPv4 address"},
	{"ipv6", FMT_IPV6, "IPv6 address"},
	{"uri", FMT_URI, "absolute URI"},
	{"uri-reference", FMT_URI_REFERENCE, "URI reference"},
	{"iri", FMT_IRI, "absolute IRI"},
	{"iri-reference", FMT_IRI_REFERENCE, "IRI reference"},
	{"uri-template", FMT_URI_TEMPLATE, "URI template"},
	{"regex", FMT_REGEX, "regular expression"},
	{"json-pointer", FMT_JSON_POINTER, "JSON pointer"},
	{"relative-json-pointer", FMT_RELATIVE_JSON_POINTER, "relative JSON pointer"},
};

enum {
	HAS_ENUM = 1 << 0,
	HAS_CONST = 1 << 1,
	HAS_MULTIPLE_OF = 1 << 2,
	HAS_MAXIMUM = 1 << 3,
	HAS_EXCL_MAXIMUM = 1 << 4,
	HAS_MINIMUM = 1 << 5,
	HAS_EXCL_MINIMUM = 1 << 6,
	HAS_MAX_LENGTH = 1 << 7,
	HAS_MIN_LENGTH = 1 << 8,
	HAS_MAX_ITEMS = 1 << 9,
	HAS_MIN_ITEMS = 1 << 10,
	HAS_MAX_PROPS = 1 << 11,
	HAS_MIN_PROPS = 1 << 12,
};

struct sch;

struct prop {
	const char *name;
	size_t len;
	struct sch *s;
	/* Its default as a node tree (with the defaults of its own properties applied) and
	 * the key that names it: converted on first use, then shared by every instance. */
	struct node *dflt_val, *dflt_key;
	uint32_t dflt_file;
};

struct pprop {
	const char *src;
	struct rx *rx;
	struct sch *s;
};

struct dep {
	const char *name;
	const char **names;	/* the array form: keys that must be present too */
	size_t nnames;
	struct sch *s;		/* the schema form */
};

struct sch {
	const char *ptr;		/* where it is, for messages: "#/properties/x" */
	const char *base;		/* base URI in effect */
	bool is_bool, bool_val;		/* a boolean schema */
	bool secret;			/* "x-eragen-secret": true */
	bool unique;
	uint32_t has;			/* HAS_* */
	const char *ref_str, *ref_base;
	struct sch *ref;		/* "$ref": every sibling but the two above is ignored */
	unsigned types;			/* T_*, 0 without "type" */
	struct node **enum_vals;
	size_t nenum;
	struct node *const_val;
	double multiple_of, maximum, excl_maximum, minimum, excl_minimum;
	uint64_t max_length, min_length, max_items, min_items, max_props, min_props;
	struct rx *pattern;
	const char *pattern_src;
	enum fmt format;
	const char *format_hint;
	struct sch *items;		/* schema form */
	struct sch **items_list;	/* array form */
	size_t nitems_list;
	bool items_is_list;
	struct sch *additional_items, *contains;
	const char **required;
	size_t nrequired;
	struct prop *props;
	size_t nprops;
	struct pprop *pprops;
	size_t npprops;
	struct sch *additional_props;
	struct dep *deps;
	size_t ndeps;
	struct sch *property_names;
	struct sch *if_s, *then_s, *else_s, *not_s;
	struct sch **all_of, **any_of, **one_of;
	size_t nall_of, nany_of, none_of;
	const cJSON *default_json;
};

struct doc {
	const char *uri;	/* without fragment */
	cJSON *root;
	const char *ptr;	/* "#" for the main document, "<uri>#" for remote ones */
	bool strict;		/* unknown keywords are errors (the main document only) */
};

struct schema {
	struct arena arena;	/* the compiled tree, converted values, strings */
	struct sch *root;
	struct doc *docs;
	size_t ndocs, capdocs;
	struct rx **rxs;
	size_t nrxs, caprxs;
};

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndocs; i++)
		cJSON_Delete(s->docs[i].root);
	free(s->docs);
	for (size_t i = 0; i < s->nrxs; i++)
		rx_free(s->rxs[i]);
	free(s->rxs);
	arena_release(&s->arena);
	free(s);
}

/* cJSON value -> node tree (enum/const values, defaults). */
static struct node *cjson_to_node(struct arena *a, const cJSON *j, struct loc loc,
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
			n->items[i] = cjson_to_node(a, c, loc, flags);
		}
		n->n = cnt;
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
		n->str = fmt_num(a, d);
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

/* cJSON node -> compiled schema, open addressing on the pointer. */
struct pmap {
	const void **keys;
	struct sch **vals;
	size_t cap, n;
};

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
		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				pmap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	size_t i = ptr_hash(k) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = k;
	m->vals[i] = v;
	m->n++;
}

/* A resource or a location-independent identifier ("$id"). */
struct ident {
	const char *uri;
	const cJSON *node;
	const char *base, *ptr;
	bool strict;		/* it stands in the main document */
};

/* A member that is not a keyword: an error unless a $ref points into it. */
struct unknown {
	const cJSON *obj;
	const char *name, *ptr;
	bool used;
};

struct cc {
	struct schema *s;
	struct arena *a;
	schema_fetch_fn fetch;
	void *fetch_ud;
	char *err;
	size_t errlen;
	bool failed;
	struct pmap map;
	struct sch **pending;		/* schemas whose $ref is still to resolve */
	size_t npending, cappending;
	struct ident *ids;
	size_t nids, capids;
	struct unknown *unknowns;
	size_t nunknowns, capunknowns;
};

static void cc_fail(struct cc *cc, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void cc_fail(struct cc *cc, const char *fmt, ...)
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

/* ptr + "/" + name, escaped as a JSON pointer token. */
static const char *ptr_child(struct arena *a, const char *ptr, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, ptr);
	sb_putc(&sb, '/');
	for (const char *p = name; *p; p++) {
		if (*p == '~')
			sb_puts(&sb, "~0");
		else if (*p == '/')
			sb_puts(&sb, "~1");
		else
			sb_putc(&sb, *p);
	}
	char *r = arena_strndup(a, sb.buf, sb.len);
	sb_release(&sb);
	return r;
}

static const char *ptr_index(struct arena *a, const char *ptr, size_t i)
{
	return arena_printf(a, "%s/%zu", ptr, i);
}

static struct sch *compile(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
			   bool strict);

struct kw_ctx {
	struct cc *cc;
	struct sch *s;
	const cJSON *v;		/* the keyword's value */
	const char *name;	/* the keyword */
	const char *ptr;	/* the keyword's JSON pointer */
	const char *base;
	bool strict;
};

static bool kw_bad(const struct kw_ctx *k, const char *what)
{
	cc_fail(k->cc, "invalid schema: '%s' at '%s' must be %s", k->name, k->ptr, what);
	return false;
}

static bool nonneg_int(const cJSON *v, uint64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (d < 0 || d != floor(d) || d > 9007199254740992.0)
		return false;
	*out = (uint64_t)d;
	return true;
}

static struct sch *kw_sub(const struct kw_ctx *k, const cJSON *v, const char *ptr)
{
	return compile(k->cc, v, k->base, ptr, k->strict);
}

static bool kw_string(const struct kw_ctx *k)
{
	return cJSON_IsString(k->v) || kw_bad(k, "a string");
}

static bool kw_bool(const struct kw_ctx *k)
{
	return cJSON_IsBool(k->v) || kw_bad(k, "a boolean");
}

static bool kw_default(const struct kw_ctx *k)
{
	k->s->default_json = k->v;
	return true;
}

static bool kw_examples(const struct kw_ctx *k)
{
	return cJSON_IsArray(k->v) || kw_bad(k, "an array");
}

static bool kw_definitions(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	for (const cJSON *c = k->v->child; c; c = c->next)
		if (!kw_sub(k, c, ptr_child(k->cc->a, k->ptr, c->string)))
			return false;
	return true;
}

static bool type_bit(const cJSON *v, unsigned *bit)
{
	if (!cJSON_IsString(v))
		return false;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcmp(v->valuestring, type_names[i].name) == 0) {
			*bit = type_names[i].bit;
			return true;
		}
	}
	return false;
}

static bool kw_type(const struct kw_ctx *k)
{
	static const char what[] = "a type name (null, boolean, object, array, number, string, "
				   "integer) or an array of them";
	unsigned bit;
	if (cJSON_IsArray(k->v)) {
		for (const cJSON *c = k->v->child; c; c = c->next) {
			if (!type_bit(c, &bit) || (k->s->types & bit))
				return kw_bad(k, what);
			k->s->types |= bit;
		}
		if (!k->s->types)
			return kw_bad(k, what);
		return true;
	}
	if (!type_bit(k->v, &bit))
		return kw_bad(k, what);
	k->s->types = bit;
	return true;
}

static bool kw_enum(const struct kw_ctx *k)
{
	if (!cJSON_IsArray(k->v))
		return kw_bad(k, "an array");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->enum_vals = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->enum_vals));
	for (const cJSON *c = k->v->child; c; c = c->next)
		k->s->enum_vals[i++] = cjson_to_node(k->cc->a, c, (struct loc){0}, 0);
	k->s->nenum = n;
	k->s->has |= HAS_ENUM;
	return true;
}

static bool kw_const(const struct kw_ctx *k)
{
	k->s->const_val = cjson_to_node(k->cc->a, k->v, (struct loc){0}, 0);
	k->s->has |= HAS_CONST;
	return true;
}

static bool kw_number(const struct kw_ctx *k)
{
	if (!cJSON_IsNumber(k->v))
		return kw_bad(k, "a number");
	double d = k->v->valuedouble;
	struct sch *s = k->s;
	if (strcmp(k->name, "multipleOf") == 0) {
		if (!(d > 0))
			return kw_bad(k, "a number greater than 0");
		s->multiple_of = d, s->has |= HAS_MULTIPLE_OF;
	} else if (strcmp(k->name, "maximum") == 0) {
		s->maximum = d, s->has |= HAS_MAXIMUM;
	} else if (strcmp(k->name, "exclusiveMaximum") == 0) {
		s->excl_maximum = d, s->has |= HAS_EXCL_MAXIMUM;
	} else if (strcmp(k->name, "minimum") == 0) {
		s->minimum = d, s->has |= HAS_MINIMUM;
	} else {
		s->excl_minimum = d, s->has |= HAS_EXCL_MINIMUM;
	}
	return true;
}

static bool kw_count(const struct kw_ctx *k)
{
	static const struct {
		const char *name;
		size_t off;
		uint32_t bit;
	} counts[] = {
		{"maxLength", offsetof(struct sch, max_length), HAS_MAX_LENGTH},
		{"minLength", offsetof(struct sch, min_length), HAS_MIN_LENGTH},
		{"maxItems", offsetof(struct sch, max_items), HAS_MAX_ITEMS},
		{"minItems", offsetof(struct sch, min_items), HAS_MIN_ITEMS},
		{"maxProperties", offsetof(struct sch, max_props), HAS_MAX_PROPS},
		{"minProperties", offsetof(struct sch, min_props), HAS_MIN_PROPS},
	};
	uint64_t v;
	if (!nonneg_int(k->v, &v))
		return kw_bad(k, "a non-negative integer");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (strcmp(k->name, counts[i].name) == 0) {
			memcpy((char *)k->s + counts[i].off, &v, sizeof(v));
			k->s->has |= counts[i].bit;
		}
	}
	return true;
}

static struct rx *compile_rx(struct cc *cc, const char *src, const char *ptr)
{
	char err[200];
	struct rx *rx = rx_compile(src, strlen(src), false, err, sizeof(err));
	if (!rx) {
		cc_fail(cc, "invalid pattern '%s' at '%s': %s", src, ptr, err);
		return NULL;
	}
	VEC_PUSH(cc->s->rxs, cc->s->nrxs, cc->s->caprxs, rx);
	return rx;
}

static bool kw_pattern(const struct kw_ctx *k)
{
	if (!cJSON_IsString(k->v))
		return kw_bad(k, "a string");
	k->s->pattern_src = arena_strdup(k->cc->a, k->v->valuestring);
	k->s->pattern = compile_rx(k->cc, k->s->pattern_src, k->ptr);
	return k->s->pattern != NULL;
}

static bool kw_format(const struct kw_ctx *k)
{
	if (!cJSON_IsString(k->v))
		return kw_bad(k, "a string");
	k->s->format = FMT_UNKNOWN;	/* unknown formats are accepted, as draft-07 allows */
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(k->v->valuestring, formats[i].name) == 0) {
			k->s->format = formats[i].fmt;
			k->s->format_hint = formats[i].hint;
		}
	}
	return true;
}

static struct sch **sub_list(const struct kw_ctx *k, size_t *n, bool nonempty)
{
	if (!cJSON_IsArray(k->v) || (nonempty && !k->v->child)) {
		kw_bad(k, nonempty ? "a non-empty array of schemas" : "an array of schemas");
		return NULL;
	}
	size_t cnt = (size_t)cJSON_GetArraySize(k->v), i = 0;
	struct sch **list = arena_alloc(k->cc->a, (cnt ? cnt : 1) * sizeof(*list));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		list[i] = kw_sub(k, c, ptr_index(k->cc->a, k->ptr, i));
		if (!list[i])
			return NULL;
	}
	*n = cnt;
	return list;
}

static bool kw_items(const struct kw_ctx *k)
{
	if (cJSON_IsArray(k->v)) {
		k->s->items_is_list = true;
		k->s->items_list = sub_list(k, &k->s->nitems_list, false);
		return k->s->items_list != NULL;
	}
	k->s->items = kw_sub(k, k->v, k->ptr);
	return k->s->items != NULL;
}

/* The keywords whose value is one schema. */
static bool kw_schema(const struct kw_ctx *k)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
		{"additionalItems", offsetof(struct sch, additional_items)},
		{"contains", offsetof(struct sch, contains)},
		{"additionalProperties", offsetof(struct sch, additional_props)},
		{"propertyNames", offsetof(struct sch, property_names)},
		{"if", offsetof(struct sch, if_s)},
		{"then", offsetof(struct sch, then_s)},
		{"else", offsetof(struct sch, else_s)},
		{"not", offsetof(struct sch, not_s)},
	};
	struct sch *sub = kw_sub(k, k->v, k->ptr);
	if (!sub)
		return false;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strcmp(k->name, slots[i].name) == 0)
			memcpy((char *)k->s + slots[i].off, &sub, sizeof(sub));
	return true;
}

static bool kw_combinator(const struct kw_ctx *k)
{
	size_t n = 0;
	struct sch **list = sub_list(k, &n, true);
	if (!list)
		return false;
	if (strcmp(k->name, "allOf") == 0)
		k->s->all_of = list, k->s->nall_of = n;
	else if (strcmp(k->name, "anyOf") == 0)
		k->s->any_of = list, k->s->nany_of = n;
	else
		k->s->one_of = list, k->s->none_of = n;
	return true;
}

static bool kw_unique(const struct kw_ctx *k)
{
	if (!cJSON_IsBool(k->v))
		return kw_bad(k, "a boolean");
	k->s->unique = cJSON_IsTrue(k->v);
	return true;
}

static const char **string_list(const struct kw_ctx *k, const cJSON *v, size_t *n)
{
	if (!cJSON_IsArray(v))
		return NULL;
	size_t cnt = (size_t)cJSON_GetArraySize(v), i = 0;
	const char **list = arena_alloc(k->cc->a, (cnt ? cnt : 1) * sizeof(*list));
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!cJSON_IsString(c))
			return NULL;
		list[i++] = arena_strdup(k->cc->a, c->valuestring);
	}
	*n = cnt;
	return list;
}

static bool kw_required(const struct kw_ctx *k)
{
	k->s->required = string_list(k, k->v, &k->s->nrequired);
	return k->s->required || kw_bad(k, "an array of strings");
}

static bool kw_properties(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->props = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->props));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct prop *p = &k->s->props[i];
		p->name = arena_strdup(k->cc->a, c->string);
		p->len = strlen(p->name);
		p->s = kw_sub(k, c, ptr_child(k->cc->a, k->ptr, c->string));
		if (!p->s)
			return false;
	}
	k->s->nprops = n;
	return true;
}

static bool kw_pattern_properties(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->pprops = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->pprops));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct pprop *p = &k->s->pprops[i];
		const char *ptr = ptr_child(k->cc->a, k->ptr, c->string);
		p->src = arena_strdup(k->cc->a, c->string);
		p->rx = compile_rx(k->cc, p->src, ptr);
		if (!p->rx)
			return false;
		p->s = kw_sub(k, c, ptr);
		if (!p->s)
			return false;
	}
	k->s->npprops = n;
	return true;
}

static bool kw_dependencies(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas or arrays of strings");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->deps = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->deps));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct dep *d = &k->s->deps[i];
		const char *ptr = ptr_child(k->cc->a, k->ptr, c->string);
		d->name = arena_strdup(k->cc->a, c->string);
		if (cJSON_IsArray(c)) {
			d->names = string_list(k, c, &d->nnames);
			if (!d->names) {
				cc_fail(k->cc, "invalid schema: '%s' at '%s' must be an array of "
					"strings", c->string, ptr);
				return false;
			}
		} else if (!(d->s = kw_sub(k, c, ptr))) {
			return false;
		}
	}
	k->s->ndeps = n;
	return true;
}

static bool kw_secret(const struct kw_ctx *k)
{
	if (!cJSON_IsBool(k->v))
		return kw_bad(k, "a boolean");
	k->s->secret = cJSON_IsTrue(k->v);
	return true;
}

/* The draft-07 vocabulary. with_ref: still read when "$ref" stands beside it. */
static const struct keyword {
	const char *name;
	bool (*fn)(const struct kw_ctx *k);
	bool with_ref;
} keywords[] = {
	{"$schema", kw_string, false},
	{"$id", kw_string, false},
	{"$ref", kw_string, true},
	{"$comment", kw_string, true},
	{"title", kw_string, true},
	{"description", kw_string, true},
	{"default", kw_default, true},
	{"examples", kw_examples, true},
	{"readOnly", kw_bool, true},
	{"writeOnly", kw_bool, true},
	{"contentMediaType", kw_string, false},
	{"contentEncoding", kw_string, false},
	{"definitions", kw_definitions, true},
	{"type", kw_type, false},
	{"enum", kw_enum, false},
	{"const", kw_const, false},
	{"multipleOf", kw_number, false},
	{"maximum", kw_number, false},
	{"exclusiveMaximum", kw_number, false},
	{"minimum", kw_number, false},
	{"exclusiveMinimum", kw_number, false},
	{"maxLength", kw_count, false},
	{"minLength", kw_count, false},
	{"pattern", kw_pattern, false},
	{"format", kw_format, false},
	{"items", kw_items, false},
	{"additionalItems", kw_schema, false},
	{"maxItems", kw_count, false},
	{"minItems", kw_count, false},
	{"uniqueItems", kw_unique, false},
	{"contains", kw_schema, false},
	{"maxProperties", kw_count, false},
	{"minProperties", kw_count, false},
	{"required", kw_required, false},
	{"properties", kw_properties, false},
	{"patternProperties", kw_pattern_properties, false},
	{"additionalProperties", kw_schema, false},
	{"dependencies", kw_dependencies, false},
	{"propertyNames", kw_schema, false},
	{"if", kw_schema, false},
	{"then", kw_schema, false},
	{"else", kw_schema, false},
	{"allOf", kw_combinator, false},
	{"anyOf", kw_combinator, false},
	{"oneOf", kw_combinator, false},
	{"not", kw_schema, false},
	/* vendor extensions eragen itself reads; other "x-..." keys are ignored */
	{"x-eragen-secret", kw_secret, true},
};

static const struct keyword *keyword_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

static const char *uri_nofrag(struct arena *a, const char *uri)
{
	const char *h = strchr(uri, '#');
	return h ? arena_strndup(a, uri, (size_t)(h - uri)) : uri;
}

static struct ident *id_find(struct cc *cc, const char *uri)
{
	for (size_t i = 0; i < cc->nids; i++)
		if (strcmp(cc->ids[i].uri, uri) == 0)
			return &cc->ids[i];
	return NULL;
}

static void id_add(struct cc *cc, const char *uri, const cJSON *node, const char *base,
		   const char *ptr, bool strict)
{
	if (!id_find(cc, uri)) {
		struct ident id = {uri, node, base, ptr, strict};
		VEC_PUSH(cc->ids, cc->nids, cc->capids, id);
	}
}

/* "$id": a new base URI and/or a location-independent identifier "#name", registered
 * when reg is set (ptr and strict describe the schema for later $refs). */
static const char *apply_id(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
			    bool reg, bool strict)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "$id");
	if (!cJSON_IsString(id))
		return base;
	const char *abs = uri_resolve(cc->a, base, id->valuestring);
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

static struct sch *compile(struct cc *cc, const cJSON *j, const char *base, const char *ptr,
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
		const struct keyword *kw = keyword_find(m->string);
		if (!kw) {
			if (strncmp(m->string, "x-", 2) != 0 && strict) {
				struct unknown u = {j, arena_strdup(cc->a, m->string),
						    ptr_child(cc->a, ptr, m->string), false};
				VEC_PUSH(cc->unknowns, cc->nunknowns, cc->capunknowns, u);
			}
			continue;
		}
		if (ref && !kw->with_ref)
			continue;	/* siblings of "$ref" are ignored (draft-07) */
		struct kw_ctx k = {cc, s, m, m->string, ptr_child(cc->a, ptr, m->string), base,
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
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root) {
		cc_fail(cc, "cannot resolve '$ref' '%s' at '%s': '%s' is not valid JSON", ref, at,
			uri);
		return NULL;
	}
	struct doc *d = doc_add(cc, uri, root, false);
	const char *ptr = d->ptr;
	if (!compile(cc, root, uri, ptr, false))
		return NULL;
	return doc_find(cc, uri);
}

static void mark_unknown_used(struct cc *cc, const cJSON *obj, const char *name)
{
	for (size_t i = 0; i < cc->nunknowns; i++)
		if (cc->unknowns[i].obj == obj && strcmp(cc->unknowns[i].name, name) == 0)
			cc->unknowns[i].used = true;
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
		struct strbuf tok = STRBUF_INIT;
		sb_puts(&tok, "");
		for (; *p && *p != '/'; p++) {
			if (*p == '~') {
				if (p[1] != '0' && p[1] != '1') {
					sb_release(&tok);
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
			next = cJSON_GetObjectItemCaseSensitive(node, tok.buf);
			if (next && pmap_get(&cc->map, node) && !keyword_find(tok.buf))
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
				next = cJSON_GetArrayItem(node, (int)idx);
		}
		sb_release(&tok);
		if (!next)
			return NULL;
		node = next;
		struct sch *known = pmap_get(&cc->map, node);
		if (known)
			*base = known->base;
		else if (cJSON_IsObject(node) && !cJSON_GetObjectItemCaseSensitive(node, "$ref"))
			*base = apply_id(cc, node, *base, NULL, false, false);
	}
	return node;
}

static struct sch *ref_target(struct cc *cc, const struct sch *s)
{
	const char *abs = uri_resolve(cc->a, s->ref_base, s->ref_str);
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
		return compile(cc, id->node, id->base, id->ptr, id->strict);
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
		char *dec = pct_decode(cc->a, frag);
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
	return compile(cc, node, base, ptr, strict);
}

static const char *nearest(const char *name, const char *const *cands, size_t n);

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
		const char *names[sizeof(keywords) / sizeof(keywords[0])];
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			names[i] = keywords[i].name;
		const char *sug = nearest(first->name, names, sizeof(names) / sizeof(names[0]));
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
	/* A chain of "$ref"s that comes back to itself would never reach a keyword. */
	for (size_t i = 0; i < cc->npending; i++) {
		const struct sch *t = cc->pending[i];
		for (size_t hops = 0; t && t->ref; hops++) {
			if (hops > cc->npending) {
				cc_fail(cc, "'$ref' at '%s' leads to a cycle of references",
					cc->pending[i]->ptr);
				return false;
			}
			t = t->ref;
		}
	}
	return true;
}

struct schema *schema_compile(const char *json, size_t len, const char *base_uri,
			      schema_fetch_fn fetch, void *fetch_ud, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		if (err && errlen) {
			if (at && at >= json && at <= json + len)
				snprintf(err, errlen, "invalid JSON near byte %zu", (size_t)(at - json));
			else
				snprintf(err, errlen, "invalid JSON");
		}
		return NULL;
	}
	struct schema *s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	struct cc cc = {.s = s, .a = &s->arena, .fetch = fetch, .fetch_ud = fetch_ud,
			.err = err, .errlen = errlen};
	const char *base = uri_nofrag(cc.a, base_uri ? base_uri : "");
	doc_add(&cc, arena_strdup(cc.a, base), root, true);
	s->root = compile(&cc, root, base, "#", true);
	bool ok = s->root && compile_finish(&cc);
	free(cc.map.keys);
	free(cc.map.vals);
	free(cc.pending);
	free(cc.ids);
	free(cc.unknowns);
	if (!ok) {
		schema_free(s);
		return NULL;
	}
	return s;
}

/* ---- formats ----------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at s (10 bytes). */
static bool date_ok(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second only at 23:59 UTC. */
static bool time_ok(const char *s, size_t n)
{
	int h, m, sec, oh = 0, om = 0, sign = 0;
	if (n < 9 || !digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m) || s[5] != ':' ||
	    !digits(s + 6, 2, &sec) || h > 23 || m > 59 || sec > 60)
		return false;
	size_t i = 8;
	if (i < n && s[i] == '.') {
		size_t k = ++i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (i == k)
			return false;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i != 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		i += 6;
	} else {
		return false;
	}
	if (i != n)
		return false;
	if (sec == 60) {
		int utc = ((h * 60 + m - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;
		return utc == 23 * 60 + 59;
	}
	return true;
}

static bool ipv4_ok(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= n || s[i++] != '.'))
			return false;
		size_t k = i;
		int v = 0;
		while (i < n && is_digit((unsigned char)s[i]) && i - k < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == k || v > 255 || (s[k] == '0' && i - k > 1))
			return false;
	}
	return i == n;
}

static bool ipv6_ok(const char *s, size_t n)
{
	int groups = 0;
	bool gap = false;
	size_t i = 0;
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true, i = 2;
	} else if (n && s[0] == ':') {
		return false;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && is_hex((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '.') {
			if (!ipv4_ok(s + i, n - i))
				return false;
			groups += 2;
			break;
		}
		if (j == i || j - i > 4)
			return false;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return false;
		if (s[i] == ':') {
			if (gap)
				return false;
			gap = true;
			i++;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

static bool label_ok(const char *s, size_t n, bool idn)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_alnum(c) && c != '-' && !(idn && c >= 0x80))
			return false;
	}
	return true;
}

static bool hostname_ok(const char *s, size_t n, bool idn)
{
	if (n == 0 || n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!label_ok(s + start, i - start, idn))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool email_ok(const char *s, size_t n, bool idn)
{
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at)
		return false;
	size_t ln = (size_t)(at - s), dn = n - ln - 1;
	const char *d = at + 1;
	if (ln == 0 || ln > 64 || dn == 0)
		return false;
	if (s[0] == '"') {
		if (ln < 2 || s[ln - 1] != '"')
			return false;
	} else {
		static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
		if (s[0] == '.' || s[ln - 1] == '.')
			return false;
		for (size_t i = 0; i < ln; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '.' ? s[i + 1] == '.'
				     : !(is_alnum(c) || strchr(atext, c) || (idn && c >= 0x80)))
				return false;
		}
	}
	if (d[0] == '[') {
		if (d[dn - 1] != ']')
			return false;
		if (starts(d + 1, dn - 2, "IPv6:"))
			return ipv6_ok(d + 6, dn - 7);
		return ipv4_ok(d + 1, dn - 2);
	}
	return hostname_ok(d, dn, idn);
}

/* Every byte of s is allowed in a URI component: unreserved, sub-delims, extra, %XX
 * (and any non-ASCII character for IRIs). */
static bool uri_chars(const char *s, size_t n, const char *extra, bool iri)
{
	static const char ok[] = "-._~!$&'()*+,;=";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || !is_hex((unsigned char)s[i + 1]) ||
			    !is_hex((unsigned char)s[i + 2]))
				return false;
			i += 2;
		} else if (!(is_alnum(c) || (c && strchr(ok, c)) || (c && strchr(extra, c)) ||
			     (iri && c >= 0x80))) {
			return false;
		}
	}
	return true;
}

static bool uri_ok(const char *s, size_t n, bool iri, bool reference)
{
	struct uri u;
	uri_split(s, n, &u);
	if (!u.scheme.has && !reference)
		return false;
	if (!u.scheme.has && !u.auth.has) {
		/* a relative path: its first segment cannot hold ':' */
		for (size_t i = 0; i < u.path.n && u.path.p[i] != '/'; i++)
			if (u.path.p[i] == ':')
				return false;
	}
	if (u.auth.has) {
		const char *a = u.auth.p;
		size_t an = u.auth.n;
		for (size_t i = an; i > 0; i--) {
			if (a[i - 1] == '@') {
				if (!uri_chars(a, i - 1, ":", iri))
					return false;
				a += i, an -= i;
				break;
			}
		}
		size_t hn = an;
		if (an && a[0] == '[') {
			const char *close = memchr(a, ']', an);
			if (!close)
				return false;
			hn = (size_t)(close - a) + 1;
			if (hn > 2 && (a[1] == 'v' || a[1] == 'V')) {
				if (!uri_chars(a + 1, hn - 2, ":", false))
					return false;
			} else if (!ipv6_ok(a + 1, hn - 2)) {
				return false;
			}
		} else {
			const char *colon = memchr(a, ':', an);
			if (colon)
				hn = (size_t)(colon - a);
			if (!uri_chars(a, hn, "", iri))
				return false;
		}
		if (hn < an) {
			if (a[hn] != ':')
				return false;
			for (size_t i = hn + 1; i < an; i++)
				if (!is_digit((unsigned char)a[i]))
					return false;
		}
	}
	return uri_chars(u.path.p, u.path.n, ":@/", iri) &&
	       (!u.query.has || uri_chars(u.query.p, u.query.n, ":@/?", iri)) &&
	       (!u.frag.has || uri_chars(u.frag.p, u.frag.n, ":@/?", iri));
}

/* RFC 6570: literals and {expressions} of variable lists. */
static bool uri_template_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '}' || c <= ' ' || (c < 0x80 && strchr("\"'<>\\^`|", c)))
			return false;
		if (c != '{')
			continue;
		i++;
		if (i < n && strchr("+#./;?&=,!@|", s[i]))
			i++;
		for (;;) {
			size_t k = i;
			while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' ||
					 s[i] == '%'))
				i++;
			if (i == k)
				return false;
			if (i < n && s[i] == '*') {
				i++;
			} else if (i < n && s[i] == ':') {
				k = ++i;
				while (i < n && is_digit((unsigned char)s[i]) && i - k < 4)
					i++;
				if (i == k)
					return false;
			}
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i >= n || s[i] != '}')
			return false;
	}
	return true;
}

static bool json_pointer_ok(const char *s, size_t n)
{
	if (n && s[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')))
			return false;
	return true;
}

static bool relative_json_pointer_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_digit((unsigned char)s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return false;
	if (i < n && s[i] == '#')
		return i + 1 == n;
	return json_pointer_ok(s + i, n - i);
}

/*
 * format "regex" means ECMA-262: besides compiling with PCRE2, refuse PCRE-only syntax
 * (\A \Z \z \Q..\E \G \K \R \h \H \X \C \N, inline options, atomic and branch-reset
 * groups, comments, possessive quantifiers).
 */
static bool regex_ok(const char *s, size_t n)
{
	bool in_class = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			if (i + 1 >= n || (s[i + 1] && strchr("AZzQEGKRhHXCN", s[i + 1])))
				return false;
			i++;
		} else if (in_class) {
			in_class = c != ']';
		} else if (c == '[') {
			in_class = true;
			if (i + 1 < n && s[i + 1] == '^')
				i++;
			if (i + 1 < n && s[i + 1] == ']')
				i++;	/* PCRE2 reads a leading ']' as a literal */
		} else if (c == '(' && i + 1 < n && s[i + 1] == '?') {
			char e = i + 2 < n ? s[i + 2] : '\0';
			char f = i + 3 < n ? s[i + 3] : '\0';
			if (!(e == ':' || e == '=' || e == '!' ||
			      (e == '<' && (f == '=' || f == '!' || is_alpha((unsigned char)f)))))
				return false;
		} else if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < n &&
			   s[i + 1] == '+') {
			return false;
		}
	}
	char err[160];
	struct rx *rx = rx_compile(s, n, false, err, sizeof(err));
	rx_free(rx);
	return rx != NULL;
}

static bool format_ok(enum fmt f, const char *s, size_t n)
{
	switch (f) {
	case FMT_NONE:
	case FMT_UNKNOWN:
		return true;
	case FMT_DATE:
		return n == 10 && date_ok(s);
	case FMT_TIME:
		return time_ok(s, n);
	case FMT_DATE_TIME:
		return n > 11 && date_ok(s) && (s[10] == 'T' || s[10] == 't') &&
		       time_ok(s + 11, n - 11);
	case FMT_EMAIL:
		return email_ok(s, n, false);
	case FMT_IDN_EMAIL:
		return email_ok(s, n, true);
	case FMT_HOSTNAME:
		return hostname_ok(s, n, false);
	case FMT_IPV4:
		return ipv4_ok(s, n);
	case FMT_IPV6:
		return ipv6_ok(s, n);
	case FMT_URI:
		return uri_ok(s, n, false, false);
	case FMT_URI_REFERENCE:
		return uri_ok(s, n, false, true);
	case FMT_IRI:
		return uri_ok(s, n, true, false);
	case FMT_IRI_REFERENCE:
		return uri_ok(s, n, true, true);
	case FMT_URI_TEMPLATE:
		return uri_template_ok(s, n);
	case FMT_REGEX:
		return regex_ok(s, n);
	case FMT_JSON_POINTER:
		return json_pointer_ok(s, n);
	case FMT_RELATIVE_JSON_POINTER:
		return relative_json_pointer_ok(s, n);
	}
	return true;
}

/* The candidate closest to name, if close enough to be a likely typo. */
static const char *nearest(const char *name, const char *const *cands, size_t n)
{
	size_t len = strlen(name), limit = len / 3 > 2 ? len / 3 : 2;
	size_t best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, len, cands[i], strlen(cands[i]));
		if (d < best) {
			best = d;
			found = cands[i];
		}
	}
	return best <= limit ? found : NULL;
}

/* ---- validation -------------------------------------------------------------------- */

/* The message stands with VAL where node_display(shown) goes: values are shown only when
 * the errors are handed out, after every "x-eragen-secret" has marked its nodes. */
#define VAL "\x01"

struct verr {
	enum schema_err kind;
	const struct node *at, *parent, *shown;
	const char *key, *suggest;
	unsigned types;		/* SCHEMA_TYPE: the expected types */
	const char *msg;
	size_t seq;
};

struct vc {
	struct arena a;
	struct verr *errs;
	size_t n, cap;
	int fast;		/* > 0: only pass/fail matters; stop at the first error */
	size_t steps;
	bool aborted;
	struct verr abort_err;
};

static struct verr *err_add(struct vc *vc, enum schema_err kind, const struct node *at,
			    const struct node *shown, const char *fmt, ...) ATTR_PRINTF(5, 6);
static struct verr *err_add(struct vc *vc, enum schema_err kind, const struct node *at,
			    const struct node *shown, const char *fmt, ...)
{
	if (vc->fast)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	struct verr e = {.kind = kind, .at = at, .shown = shown};
	e.msg = arena_vprintf(&vc->a, fmt, ap);
	va_end(ap);
	ARENA_PUSH(&vc->a, vc->errs, vc->n, vc->cap, e);
	return &vc->errs[vc->n - 1];
}

static void v_abort(struct vc *vc, const struct node *at, const char *msg)
{
	if (vc->aborted)
		return;
	vc->aborted = true;
	vc->abort_err = (struct verr){.kind = SCHEMA_VALUE, .at = at, .msg = msg};
}

/* "value 'x'" for scalars, "mapping"/"list" for collections: the subject of a message. */
static const char *subject(const struct node *n)
{
	return n->kind == NODE_MAP ? "mapping" : n->kind == NODE_SEQ ? "list" : "value " VAL;
}

static unsigned node_types(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return T_NULL;
	case NODE_BOOL: return T_BOOLEAN;
	case NODE_STR: return T_STRING;
	case NODE_SEQ: return T_ARRAY;
	case NODE_MAP: return T_OBJECT;
	case NODE_INT: return T_NUMBER | T_INTEGER;
	case NODE_FLOAT:
		return T_NUMBER | (isfinite(n->v.f) && n->v.f == floor(n->v.f) ? T_INTEGER : 0);
	}
	return 0;
}

/* "an integer or string", "a string, integer or null". */
static const char *types_text(struct arena *a, unsigned types, bool article)
{
	if (types & T_NUMBER)
		types &= ~(unsigned)T_INTEGER;
	struct strbuf sb = STRBUF_INIT;
	size_t total = 0, k = 0;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		total += (types & type_names[i].bit) != 0;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (!(types & type_names[i].bit))
			continue;
		const char *name = type_names[i].shown;
		if (k)
			sb_puts(&sb, k + 1 == total ? " or " : ", ");
		else if (article && strcmp(name, "null") != 0)
			sb_puts(&sb, strchr("aeiou", name[0]) ? "an " : "a ");
		sb_puts(&sb, name);
		k++;
	}
	char *r = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return r;
}

static const char *found_text(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "a boolean";
	case NODE_INT:
	case NODE_FLOAT: return "a number";
	case NODE_STR: return "a string";
	case NODE_SEQ: return "a list";
	case NODE_MAP: return "a mapping";
	}
	return "?";
}

static void err_type(struct vc *vc, unsigned types, const struct node *inst)
{
	if (vc->fast)
		return;
	bool quote = (types & T_STRING) &&
		     (inst->kind == NODE_INT || inst->kind == NODE_FLOAT || inst->kind == NODE_BOOL);
	struct verr *e = err_add(vc, SCHEMA_TYPE, inst, NULL, "expected %s, found %s%s",
				 types_text(&vc->a, types, true), found_text(inst),
				 quote ? ": quote it" : "");
	e->types = types;
}

static void mark_secret(struct node *n, int depth)
{
	n->flags |= NODE_SECRET;
	if (depth > JSON_MAX_DEPTH)
		return;
	for (size_t i = 0; i < n->n && (n->kind == NODE_SEQ || n->kind == NODE_MAP); i++)
		mark_secret(n->items[i], depth + 1);
}

/* A list of values for messages: 'a', 'b', 'c' (at most 12 shown). */
static const char *values_text(struct vc *vc, struct node *const *vals, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n && i < 12; i++) {
		if (i)
			sb_puts(&sb, ", ");
		sb_puts(&sb, node_display(&vc->a, vals[i]));
	}
	if (n > 12)
		sb_printf(&sb, ", ... (%zu more)", n - 12);
	char *r = arena_strndup(&vc->a, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return r;
}

static bool multiple_ok(const struct node *n, double d)
{
	if (n->kind == NODE_INT && d == floor(d) && d < 9223372036854775808.0)
		return n->v.i % (int64_t)d == 0;
	double x = node_num(n);
	if (!isfinite(x))
		return false;
	double q = x / d;
	if (!isfinite(q))
		return false;
	if (fabs(q) < 9007199254740992.0) {
		/* x and d are decimal literals read into binary: allow a few ulps of q */
		double r = nearbyint(q);
		return fabs(q - r) <= 8 * DBL_EPSILON * fmax(1.0, fabs(q));
	}
	return fmod(x, d) == 0;		/* exact for doubles; q is integral anyway */
}

static bool v_sch(struct vc *vc, const struct sch *s, struct node *inst, int depth);

/* Validate in fast mode: pass or fail, no messages. */
static bool v_test(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	vc->fast++;
	bool ok = v_sch(vc, s, inst, depth);
	vc->fast--;
	return ok;
}

static bool v_numeric(struct vc *vc, const struct sch *s, const struct node *inst)
{
	bool ok = true;
	double x = node_num(inst);
	struct arena *a = &vc->a;
	if ((s->has & HAS_MULTIPLE_OF) && !multiple_ok(inst, s->multiple_of)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be a multiple of %s, found " VAL,
			fmt_num(a, s->multiple_of));
	}
	if ((s->has & HAS_MAXIMUM) && !(x <= s->maximum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be at most %s, found " VAL,
			fmt_num(a, s->maximum));
	}
	if ((s->has & HAS_EXCL_MAXIMUM) && !(x < s->excl_maximum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be less than %s, found " VAL,
			fmt_num(a, s->excl_maximum));
	}
	if ((s->has & HAS_MINIMUM) && !(x >= s->minimum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be at least %s, found " VAL,
			fmt_num(a, s->minimum));
	}
	if ((s->has & HAS_EXCL_MINIMUM) && !(x > s->excl_minimum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be greater than %s, found " VAL,
			fmt_num(a, s->excl_minimum));
	}
	return ok;
}

static bool v_string(struct vc *vc, const struct sch *s, const struct node *inst)
{
	bool ok = true;
	if (s->has & (HAS_MAX_LENGTH | HAS_MIN_LENGTH)) {
		size_t len = cp_count(inst->str, inst->len);
		if ((s->has & HAS_MAX_LENGTH) && len > s->max_length) {
			ok = false;
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"value " VAL " is too long: at most %llu character%s, found %zu",
				(unsigned long long)s->max_length, s->max_length == 1 ? "" : "s", len);
		}
		if ((s->has & HAS_MIN_LENGTH) && len < s->min_length) {
			ok = false;
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"value " VAL " is too short: at least %llu character%s, found %zu",
				(unsigned long long)s->min_length, s->min_length == 1 ? "" : "s", len);
		}
	}
	if (s->pattern) {
		int rc = rx_search(s->pattern, inst->str, inst->len);
		if (rc != 1) {
			ok = false;
			if (rc == 0)
				err_add(vc, SCHEMA_VALUE, inst, inst,
					"value " VAL " does not match pattern '%s'", s->pattern_src);
			else
				err_add(vc, SCHEMA_UNDECIDED, inst, inst,
					"cannot decide whether value " VAL " matches pattern '%s': "
					"the match is too costly", s->pattern_src);
		}
	}
	if (s->format > FMT_UNKNOWN && !format_ok(s->format, inst->str, inst->len)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not a valid %s",
			s->format_hint);
	}
	return ok;
}

#define STEP(cond)                                                                   \
	do {                                                                         \
		if (!(cond)) {                                                       \
			ok = false;                                                  \
			if (vc->fast || vc->aborted)                                 \
				return false;                                        \
		}                                                                    \
	} while (0)

static bool v_array(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	size_t n = inst->n;
	if ((s->has & HAS_MAX_ITEMS) && n > s->max_items) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at most %llu item%s, found %zu",
			(unsigned long long)s->max_items, s->max_items == 1 ? "" : "s", n);
	}
	if ((s->has & HAS_MIN_ITEMS) && n < s->min_items) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at least %llu item%s, found %zu",
			(unsigned long long)s->min_items, s->min_items == 1 ? "" : "s", n);
	}
	STEP(ok);
	if (s->unique) {
		for (size_t i = 1; i < n; i++) {
			for (size_t j = 0; j < i; j++) {
				if (node_equal(inst->items[i], inst->items[j])) {
					err_add(vc, SCHEMA_VALUE, inst->items[i], inst->items[i],
						"item [%zu] repeats item [%zu]: items must be unique",
						i, j);
					STEP(false);
					break;
				}
			}
		}
	}
	if (s->items) {
		for (size_t i = 0; i < n; i++)
			STEP(v_sch(vc, s->items, inst->items[i], depth + 1));
	} else if (s->items_is_list) {
		size_t k = s->nitems_list;
		for (size_t i = 0; i < n && i < k; i++)
			STEP(v_sch(vc, s->items_list[i], inst->items[i], depth + 1));
		const struct sch *add = s->additional_items;
		if (add && n > k && add->is_bool && !add->bool_val) {
			err_add(vc, SCHEMA_VALUE, inst->items[k], NULL,
				"unexpected item [%zu]: the list has at most %zu item%s", k, k,
				k == 1 ? "" : "s");
			STEP(false);
		} else if (add) {
			for (size_t i = k; i < n; i++)
				STEP(v_sch(vc, add, inst->items[i], depth + 1));
		}
	}
	if (s->contains) {
		bool found = false;
		for (size_t i = 0; i < n && !found && !vc->aborted; i++)
			found = v_test(vc, s->contains, inst->items[i], depth + 1);
		if (!found) {
			const struct sch *c = s->contains;
			while (c->ref)
				c = c->ref;
			if (c->has & HAS_CONST)
				err_add(vc, SCHEMA_VALUE, inst, NULL, "list must contain %s",
					node_display(&vc->a, c->const_val));
			else
				err_add(vc, SCHEMA_VALUE, inst, NULL,
					"list has no item that matches '%s'", s->contains->ptr);
			STEP(false);
		}
	}
	return ok;
}

static const struct prop *prop_find(const struct sch *s, const struct node *key)
{
	for (size_t i = 0; i < s->nprops; i++)
		if (s->props[i].len == key->len && memcmp(s->props[i].name, key->str, key->len) == 0)
			return &s->props[i];
	return NULL;
}

static void err_unknown_key(struct vc *vc, const struct sch *s, const struct node *map,
			    const struct node *key)
{
	if (vc->fast)
		return;
	const char **names = arena_alloc(&vc->a, (s->nprops + 1) * sizeof(*names));
	for (size_t i = 0; i < s->nprops; i++)
		names[i] = s->props[i].name;
	const char *key_text = arena_strndup(&vc->a, key->str, key->len);
	struct verr *e = err_add(vc, SCHEMA_UNKNOWN_KEY, key, NULL, "unknown key '%s'", key_text);
	e->parent = map;
	e->key = key_text;
	e->suggest = nearest(key_text, names, s->nprops);
}

static bool v_object(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	size_t n = inst->n;
	if ((s->has & HAS_MAX_PROPS) && n > s->max_props) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at most %llu key%s, found %zu",
			(unsigned long long)s->max_props, s->max_props == 1 ? "" : "s", n);
	}
	if ((s->has & HAS_MIN_PROPS) && n < s->min_props) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at least %llu key%s, found %zu",
			(unsigned long long)s->min_props, s->min_props == 1 ? "" : "s", n);
	}
	STEP(ok);
	for (size_t i = 0; i < s->nrequired; i++) {
		if (node_index(inst, s->required[i]) >= 0)
			continue;
		struct verr *e = err_add(vc, SCHEMA_REQUIRED, inst, NULL,
					 "missing required key '%s'", s->required[i]);
		if (e)
			e->parent = inst, e->key = s->required[i];
		STEP(false);
	}
	for (size_t i = 0; i < n; i++) {
		struct node *key = inst->keys[i], *val = inst->items[i];
		bool matched = false;
		const struct prop *p = s->nprops ? prop_find(s, key) : NULL;
		if (p) {
			matched = true;
			if (p->s->is_bool && !p->s->bool_val) {
				err_add(vc, SCHEMA_VALUE, key, NULL, "key '%s' is not allowed",
					key->str);
				STEP(false);
			} else {
				STEP(v_sch(vc, p->s, val, depth + 1));
			}
		}
		for (size_t j = 0; j < s->npprops; j++) {
			int rc = rx_search(s->pprops[j].rx, key->str, key->len);
			if (rc < 0) {
				matched = true;	/* undecided is not "unknown key" either */
				err_add(vc, SCHEMA_UNDECIDED, key, NULL,
					"cannot decide whether key '%s' matches pattern '%s': the "
					"match is too costly", key->str, s->pprops[j].src);
				STEP(false);
			} else if (rc == 1) {
				matched = true;
				STEP(v_sch(vc, s->pprops[j].s, val, depth + 1));
			}
		}
		const struct sch *add = s->additional_props;
		if (!matched && add) {
			if (add->is_bool && !add->bool_val) {
				err_unknown_key(vc, s, inst, key);
				STEP(false);
			} else {
				STEP(v_sch(vc, add, val, depth + 1));
			}
		}
		if (s->property_names)
			STEP(v_sch(vc, s->property_names, key, depth + 1));
	}
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dep *d = &s->deps[i];
		if (node_index(inst, d->name) < 0)
			continue;
		if (d->s) {
			STEP(v_sch(vc, d->s, inst, depth + 1));
			continue;
		}
		for (size_t j = 0; j < d->nnames; j++) {
			if (node_index(inst, d->names[j]) >= 0)
				continue;
			struct verr *e = err_add(vc, SCHEMA_REQUIRED, inst, NULL,
						 "missing key '%s', required when '%s' is set",
						 d->names[j], d->name);
			if (e)
				e->parent = inst, e->key = d->names[j];
			STEP(false);
		}
	}
	return ok;
}

/* Does branch b name inst's form through a "const"/"enum" property that inst matches? */
static bool discriminated(const struct sch *b, const struct node *inst)
{
	while (b->ref)
		b = b->ref;
	if (inst->kind != NODE_MAP)
		return false;
	for (size_t i = 0; i < b->nprops; i++) {
		const struct sch *p = b->props[i].s;
		while (p->ref)
			p = p->ref;
		if (!(p->has & (HAS_CONST | HAS_ENUM)))
			continue;
		const struct node *v = node_get(inst, b->props[i].name);
		if (!v)
			continue;
		if ((p->has & HAS_CONST) && node_equal(v, p->const_val))
			return true;
		for (size_t j = 0; (p->has & HAS_ENUM) && j < p->nenum; j++)
			if (node_equal(v, p->enum_vals[j]))
				return true;
	}
	return false;
}

/* Every branch is a "const" or "enum" (documented choices): list the allowed values. */
static bool const_choice(struct vc *vc, struct sch *const *br, size_t nbr,
			 const struct node *inst)
{
	struct node **vals = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < nbr; i++) {
		const struct sch *b = br[i];
		while (b->ref)
			b = b->ref;
		if (b->has & HAS_CONST)
			ARENA_PUSH(&vc->a, vals, n, cap, b->const_val);
		else if (b->has & HAS_ENUM)
			for (size_t j = 0; j < b->nenum; j++)
				ARENA_PUSH(&vc->a, vals, n, cap, b->enum_vals[j]);
		else
			return false;
	}
	for (size_t i = 0; i < n; i++)
		if (node_equal(inst, vals[i]))
			return false;	/* the value is allowed; something else failed */
	err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not one of: %s",
		values_text(vc, vals, n));
	return true;
}

/*
 * No branch of an anyOf/oneOf matched: report the errors of the branch that came closest
 * (one whose discriminator matched, else one whose type fits, else the fewest errors),
 * a type error naming every allowed type when no branch's type fits, or one summary
 * error when no branch stands out.
 */
static void report_best(struct vc *vc, struct sch *const *br, size_t nbr, struct node *inst,
			int depth)
{
	struct verr **errs = arena_alloc(&vc->a, nbr * sizeof(*errs));
	size_t *nerrs = arena_alloc(&vc->a, nbr * sizeof(*nerrs));
	unsigned *score = arena_alloc(&vc->a, nbr * sizeof(*score));
	unsigned types = 0;
	bool all_type = true;
	for (size_t i = 0; i < nbr && !vc->aborted; i++) {
		size_t start = vc->n;
		v_sch(vc, br[i], inst, depth + 1);
		nerrs[i] = vc->n - start;
		errs[i] = arena_alloc(&vc->a, (nerrs[i] + 1) * sizeof(**errs));
		memcpy(errs[i], vc->errs + start, nerrs[i] * sizeof(**errs));
		vc->n = start;
		bool type_err = false;
		for (size_t k = 0; k < nerrs[i]; k++) {
			if (errs[i][k].kind == SCHEMA_TYPE && errs[i][k].at == inst) {
				type_err = true;
				types |= errs[i][k].types;
			}
		}
		all_type &= type_err;
		size_t ne = nerrs[i] < 0xFFFF ? nerrs[i] : 0xFFFF;
		score[i] = (discriminated(br[i], inst) ? 0 : 1u << 20) | (type_err ? 1u << 16 : 0) |
			   (unsigned)ne;
	}
	if (vc->aborted)
		return;
	if (all_type && types) {
		err_type(vc, types, inst);
		return;
	}
	if (inst->kind != NODE_MAP && inst->kind != NODE_SEQ && const_choice(vc, br, nbr, inst))
		return;
	size_t best = 0;
	bool tie = false;
	for (size_t i = 1; i < nbr; i++) {
		if (score[i] < score[best])
			best = i, tie = false;
		else if (score[i] == score[best])
			tie = true;
	}
	if (tie || !nerrs[best]) {
		err_add(vc, SCHEMA_VALUE, inst, inst, "%s does not match any allowed form",
			subject(inst));
		return;
	}
	for (size_t k = 0; k < nerrs[best]; k++)
		ARENA_PUSH(&vc->a, vc->errs, vc->n, vc->cap, errs[best][k]);
}

static bool v_sch(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	if (vc->aborted)
		return false;
	if (depth > SCHEMA_MAX_DEPTH) {
		v_abort(vc, inst, "schema recursion too deep");
		return false;
	}
	if (++vc->steps > SCHEMA_MAX_STEPS) {
		v_abort(vc, inst, "validation too costly: the schema applies too many times");
		return false;
	}
	if (s->secret)
		mark_secret(inst, 0);
	if (s->is_bool) {
		if (!s->bool_val)
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s is not allowed here", subject(inst));
		return s->bool_val;
	}
	if (s->ref)
		return v_sch(vc, s->ref, inst, depth + 1);

	bool ok = true;
	if (s->types && !(node_types(inst) & s->types)) {
		err_type(vc, s->types, inst);
		return false;	/* one error per value: the rest would repeat it */
	}
	if ((s->has & HAS_CONST) && !node_equal(inst, s->const_val)) {
		if (s->const_val->kind == NODE_MAP || s->const_val->kind == NODE_SEQ)
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"%s differs from the constant the schema requires", subject(inst));
		else
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s must be %s", subject(inst),
				node_display(&vc->a, s->const_val));
		STEP(false);
	}
	if (s->has & HAS_ENUM) {
		bool found = false;
		for (size_t i = 0; i < s->nenum && !found; i++)
			found = node_equal(inst, s->enum_vals[i]);
		if (!found) {
			if (s->nenum == 1)
				err_add(vc, SCHEMA_VALUE, inst, inst, "%s must be %s", subject(inst),
					values_text(vc, s->enum_vals, s->nenum));
			else
				err_add(vc, SCHEMA_VALUE, inst, inst, "%s is not one of: %s",
					subject(inst), values_text(vc, s->enum_vals, s->nenum));
			STEP(false);
		}
	}
	switch (inst->kind) {
	case NODE_INT:
	case NODE_FLOAT:
		STEP(v_numeric(vc, s, inst));
		break;
	case NODE_STR:
		STEP(v_string(vc, s, inst));
		break;
	case NODE_SEQ:
		STEP(v_array(vc, s, inst, depth));
		break;
	case NODE_MAP:
		STEP(v_object(vc, s, inst, depth));
		break;
	default:
		break;
	}
	for (size_t i = 0; i < s->nall_of; i++)
		STEP(v_sch(vc, s->all_of[i], inst, depth + 1));
	if (s->nany_of) {
		bool any = false;
		for (size_t i = 0; i < s->nany_of && !any && !vc->aborted; i++)
			any = v_test(vc, s->any_of[i], inst, depth + 1);
		if (!any && !vc->fast)
			report_best(vc, s->any_of, s->nany_of, inst, depth);
		STEP(any);
	}
	if (s->none_of) {
		size_t first = SIZE_MAX, second = SIZE_MAX;
		for (size_t i = 0; i < s->none_of && second == SIZE_MAX && !vc->aborted; i++) {
			if (v_test(vc, s->one_of[i], inst, depth + 1)) {
				if (first == SIZE_MAX)
					first = i;
				else
					second = i;
			}
		}
		if (first == SIZE_MAX && !vc->fast) {
			report_best(vc, s->one_of, s->none_of, inst, depth);
		} else if (second != SIZE_MAX) {
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"%s matches more than one allowed form ('%s' and '%s')",
				subject(inst), s->one_of[first]->ptr, s->one_of[second]->ptr);
		}
		STEP(first != SIZE_MAX && second == SIZE_MAX);
	}
	if (s->not_s && v_test(vc, s->not_s, inst, depth + 1)) {
		const struct sch *t = s->not_s;
		while (t->ref)
			t = t->ref;
		if (t->is_bool)
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s is not allowed here", subject(inst));
		else if ((t->has & (HAS_CONST | HAS_ENUM)) && inst->kind != NODE_MAP &&
			 inst->kind != NODE_SEQ)
			err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not allowed");
		else
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s must not match '%s'", subject(inst),
				s->not_s->ptr);
		STEP(false);
	}
	if (s->if_s && (s->then_s || s->else_s)) {
		bool cond = v_test(vc, s->if_s, inst, depth + 1);
		const struct sch *branch = cond ? s->then_s : s->else_s;
		if (branch)
			STEP(v_sch(vc, branch, inst, depth + 1));
	}
	return ok && !vc->aborted;
}

#undef STEP

struct eref {
	const struct verr *e;
};

static int verr_cmp(const void *pa, const void *pb)
{
	const struct verr *a = ((const struct eref *)pa)->e, *b = ((const struct eref *)pb)->e;
	const struct loc *la = &a->at->loc, *lb = &b->at->loc;
	if (la->file != lb->file)
		return la->file < lb->file ? -1 : 1;
	if (la->line != lb->line)
		return la->line < lb->line ? -1 : 1;
	if (la->col != lb->col)
		return la->col < lb->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* msg with VAL replaced by the shown value, cut at a character boundary to fit. */
static void expand_msg(struct arena *a, const struct verr *e, char *out, size_t outlen)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = e->msg; *p; p++) {
		if (*p == VAL[0])
			sb_puts(&sb, e->shown ? node_display(a, e->shown) : "");
		else
			sb_putc(&sb, *p);
	}
	size_t n = sb.len;
	if (n >= outlen) {
		n = outlen - 1;
		while (n && ((unsigned char)sb.buf[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, sb.buf ? sb.buf : "", n);
	out[n] = '\0';
	sb_release(&sb);
}

static void emit(struct vc *vc, const struct verr *e, schema_sink_fn sink, void *ud)
{
	struct schema_error se = {
		.kind = e->kind, .at = e->at, .parent = e->parent, .key = e->key,
		.suggest = e->suggest,
	};
	if (e->kind == SCHEMA_TYPE)
		se.expected = types_text(&vc->a, e->types, false);
	expand_msg(&vc->a, e, se.msg, sizeof(se.msg));
	if (sink)
		sink(ud, &se);
}

static bool same_loc(const struct verr *a, const struct verr *b)
{
	return a->at->loc.file == b->at->loc.file && a->at->loc.line == b->at->loc.line &&
	       a->at->loc.col == b->at->loc.col;
}

static bool same_err(const struct verr *a, const struct verr *b)
{
	return a->kind == b->kind && a->at == b->at && a->shown == b->shown &&
	       strcmp(a->msg, b->msg) == 0;
}

size_t schema_validate(const struct schema *s, struct node *inst, schema_sink_fn sink, void *ud)
{
	struct vc vc = {0};
	arena_init(&vc.a);
	v_sch(&vc, s->root, inst, 0);
	size_t count = 0;
	if (vc.aborted) {
		emit(&vc, &vc.abort_err, sink, ud);
		count = 1;
	} else if (vc.n) {
		struct eref *order = arena_alloc(&vc.a, vc.n * sizeof(*order));
		for (size_t i = 0; i < vc.n; i++) {
			vc.errs[i].seq = i;
			order[i].e = &vc.errs[i];
		}
		qsort(order, vc.n, sizeof(*order), verr_cmp);
		for (size_t i = 0; i < vc.n; i++) {
			bool dup = false;
			for (size_t j = i; j > 0 && !dup; j--) {
				const struct verr *p = order[j - 1].e;
				if (!same_loc(p, order[i].e))
					break;
				dup = same_err(p, order[i].e);
			}
			if (dup)
				continue;
			emit(&vc, order[i].e, sink, ud);
			count++;
		}
	}
	arena_release(&vc.a);
	return count;
}

/* ---- defaults ---------------------------------------------------------------------- */

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
			struct node *v = cjson_to_node(d->keep, dj, dloc, NODE_DEFAULT);
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
		if (prop_find(s, key))
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

/*
 * mask_raw.c - the secret values of a spec or SOPS file, found in its raw text.
 *
 * Masks for nodes (mask_loc) need a node tree, and there is none where a snippet matters
 * most: a YAML syntax error (SPEC001) or a duplicate key (SPEC002) on the line of a
 * secret, a file refused for its tags or depth, a parent environment never resolved on
 * its own. So the text of a file that holds secrets (srcfile->secrets) is read here once,
 * line by line, as far as YAML's structure can be told without a parser: indentation
 * opens and closes block mappings and sequences, brackets flow collections (over lines
 * too), quotes and block scalars hold values over lines. Nothing here can fail: text
 * that is not YAML is read as well as it goes, and what cannot be placed is taken for a
 * value of the enclosing key. Masked (mask_add), keys always left visible:
 *
 *   SRC_SPEC  the value of a secret-bearing key (see secret_keys: the keys marked
 *             x-eragen-secret in schemas/environment.schema.json), and all below it,
 *             except a "sops:" reference, which names a secret and is not one. Where the
 *             parent key cannot be known, a name no other key of the schema has
 *             (password, client_secret) is enough; "key value" and "key=value" on a line
 *             with no ':' count too.
 *   SRC_SOPS  every value that is not ENC[...], outside the top-level 'sops' metadata;
 *             and mask_raw_blind adds, whatever the structure says, everything on a
 *             line after its first ': ' (or the whole line, without one) but ENC[...].
 *
 * One pass, O(n) in the file; the open levels are bounded by YAML_MAX_DEPTH (deeper
 * levels take the deepest one's part).
 */
#include "eragen.h"

#include <string.h>

/* A secret-bearing key: its name and its parent's (auth.<parent>.<key>). */
static const struct {
	const char *parent, *key;
} secret_keys[] = {
	{ "dummy", "password" },
	{ "github", "client_id" },
	{ "github", "client_secret" },
	{ "cognito", "client_secret" },
};

/* Names of secret-bearing keys that no other key of the schema has. */
static const char *const secret_anywhere[] = { "password", "client_secret", NULL };

struct span {
	const char *s;
	size_t n;
};

struct level {		/* an open block node: a key, or a sequence item */
	size_t indent;		/* its column (bytes from the line start) */
	bool item;
	bool secret;		/* its value is masked */
	struct span key;	/* the key; for an item, its parent's */
};

struct flow {		/* an open flow collection */
	bool map;
	bool value;		/* map: past the ':' of the current entry */
	bool secret;		/* the collection is a secret value */
	bool entry_secret;	/* map: the current entry's value is */
	struct span key;	/* whose value it is; map: then the current entry's key */
	struct span owner;
};

/* plain: a plain scalar that may go on, over lines indented more than its parent */
enum cont { CONT_NONE, CONT_BLOCK, CONT_PLAIN, CONT_DQUOTE, CONT_SQUOTE };

struct scan {
	struct ctx *ctx;
	const struct srcfile *f;
	const char *d;
	bool sops;
	struct level levels[YAML_MAX_DEPTH];
	size_t nlevels;
	struct flow flows[YAML_MAX_DEPTH];
	size_t nflows, deeper;	/* deeper: flow collections open beyond the array */
	enum cont cont;		/* a value that goes on to the next line */
	bool cont_secret;
	long cont_indent;	/* block or plain scalar: its lines are indented more */
	size_t ls;		/* the line being read starts here */
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_flow_ind(char c)
{
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

static bool span_is(struct span s, const char *word)
{
	return s.s && strlen(word) == s.n && memcmp(s.s, word, s.n) == 0;
}

static size_t skip_ws(const struct scan *r, size_t p, size_t le)
{
	while (p < le && is_ws(r->d[p]))
		p++;
	return p;
}

static void mask(struct scan *r, size_t s, size_t e)
{
	if (e > s)
		mask_add(r->ctx, r->f->id, s, e);
}

/* ---- what is secret ---- */

static bool key_is_secret(struct span parent, struct span key)
{
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
		if (span_is(key, secret_keys[i].key) && span_is(parent, secret_keys[i].parent))
			return true;
	for (const char *const *w = secret_anywhere; *w; w++)
		if (span_is(key, *w))
			return true;
	return false;
}

/* Is the value of key (below a value that is secret or not, whose key is parent)
 * masked? at_root: a key of the document's top mapping. */
static bool value_secret(const struct scan *r, bool secret, struct span parent,
			 struct span key, bool at_root)
{
	if (r->sops)
		return secret && !(at_root && span_is(key, "sops"));
	return secret || key_is_secret(parent, key);
}

/* A value shown even where values are masked: ENC[...] in a SOPS file, a sops:
 * reference in a spec. s..e: the value's text, without quotes. */
static bool exempt(const struct scan *r, size_t s, size_t e)
{
	const char *p = r->d + s;
	size_t n = e - s;
	if (r->sops)
		return n >= 5 && memcmp(p, "ENC[", 4) == 0 && p[n - 1] == ']';
	return n >= 5 && memcmp(p, "sops:", 5) == 0;
}

/* A value s..e (text t0..t1 without quotes) in a secret place: mask it. */
static void mask_value(struct scan *r, bool secret, size_t s, size_t e, size_t t0, size_t t1)
{
	if (secret && !exempt(r, t0, t1))
		mask(r, s, e);
}

/*
 * A spec line that is no "key: value" but starts with the name of a secret-bearing key
 * followed by blanks, '=' or ':' ("password hunter2", "password=hunter2"): mask the rest.
 */
static void mask_loose(struct scan *r, struct span parent, size_t p, size_t e)
{
	if (r->sops)
		return;
	size_t q = p;
	while (q < e && !is_ws(r->d[q]) && r->d[q] != '=' && r->d[q] != ':')
		q++;
	if (q == e || q == p || !key_is_secret(parent, (struct span){ r->d + p, q - p }))
		return;
	while (q < e && (is_ws(r->d[q]) || r->d[q] == '=' || r->d[q] == ':'))
		q++;
	mask(r, q, e);
}

/* ---- scalars ---- */

/* The end of a quoted scalar whose opening quote q is at p (or which goes on from an
 * earlier line, p at its text): after the closing quote, or le when it goes on. */
static size_t quote_end(const struct scan *r, char q, size_t p, size_t le, bool *closed)
{
	*closed = false;
	while (p < le) {
		char c = r->d[p];
		if (q == '"' && c == '\\') {
			p += 2;
			continue;
		}
		if (c == q) {
			if (q == '\'' && p + 1 < le && r->d[p + 1] == '\'') {
				p += 2;
				continue;
			}
			*closed = true;
			return p + 1;
		}
		p++;
	}
	return le;
}

/* The end of a plain scalar at p: before " #", trailing blanks dropped; in a flow
 * collection also before a flow indicator or a ':' followed by a blank or one. */
static size_t plain_end(const struct scan *r, size_t p, size_t le, bool flow)
{
	size_t q = p;
	for (; q < le; q++) {
		char c = r->d[q];
		if (c == '#' && q > r->ls && is_ws(r->d[q - 1]))
			break;
		if (flow && (is_flow_ind(c) ||
			     (c == ':' && (q + 1 == le || is_ws(r->d[q + 1]) ||
					   is_flow_ind(r->d[q + 1])))))
			break;
	}
	while (q > p && is_ws(r->d[q - 1]))
		q--;
	return q;
}

/* A quoted value that went on from an earlier line: mask up to its end. */
static size_t quote_more(struct scan *r, size_t p, size_t le)
{
	bool closed;
	p = skip_ws(r, p, le);
	size_t e = quote_end(r, r->cont == CONT_DQUOTE ? '"' : '\'', p, le, &closed);
	if (r->cont_secret)
		mask(r, p, e);
	if (closed)
		r->cont = CONT_NONE;
	return e;
}

static bool is_anchor_char(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-' ||
	       c == '_';
}

/* The end of the anchor, alias or tag at p (&a, *a, !t, !!str). An anchor's name is what
 * libyaml takes for one: letters, digits, '-' and '_' (so "&a:b" is the anchor "a", then
 * ":b"); a tag goes to a blank (in a flow collection, also to a flow indicator). */
static size_t prop_end(const struct scan *r, size_t p, size_t le, bool flow)
{
	if (r->d[p] == '&' || r->d[p] == '*') {
		for (p++; p < le && is_anchor_char(r->d[p]); p++)
			;
		return p;
	}
	while (p < le && !is_ws(r->d[p]) && !(flow && is_flow_ind(r->d[p])))
		p++;
	return p;
}

/* Skip anchors and tags at p, and the blanks after them. */
static size_t skip_props(const struct scan *r, size_t p, size_t le)
{
	while (p < le && (r->d[p] == '&' || r->d[p] == '!'))
		p = skip_ws(r, prop_end(r, p, le, false), le);
	return p;
}

/* ---- flow collections ---- */

static struct flow *flow_top(struct scan *r)
{
	return r->nflows ? &r->flows[r->nflows - 1] : NULL;
}

/* Is a scalar at the current place of the innermost flow collection secret? */
static bool flow_secret(struct scan *r)
{
	struct flow *t = flow_top(r);
	if (!t)
		return false;
	if (t->map && !r->deeper)
		return t->value ? t->entry_secret : t->secret;
	return t->secret || (t->map && t->entry_secret);
}

static void flow_open(struct scan *r, bool map, bool secret, struct span owner)
{
	if (r->nflows == YAML_MAX_DEPTH) {
		r->deeper++;
		return;
	}
	r->flows[r->nflows++] = (struct flow){ map, false, secret, secret, { NULL, 0 }, owner };
}

/* A scalar (text t0..t1 of s..e) read in a flow collection: a key, or a value. */
static void flow_scalar(struct scan *r, size_t s, size_t e, size_t t0, size_t t1)
{
	struct flow *t = flow_top(r);
	if (t && t->map && !t->value && !r->deeper) {
		t->key = (struct span){ r->d + t0, t1 - t0 };
		/* never the root's 'sops' metadata: SOPS writes it as a block key, and a flow
		 * key's plain scalar may have begun on an earlier line ("9\nsops: x" is the key
		 * "9 sops"), so masking its value is the safe reading */
		t->entry_secret = value_secret(r, t->secret, t->owner, t->key, false);
		mask_loose(r, t->owner, t0, t1);
		return;
	}
	mask_value(r, flow_secret(r), s, e, t0, t1);
}

static void flow_punct(struct scan *r, char c)
{
	struct flow *t = flow_top(r);
	switch (c) {
	case '{':
	case '[': {
		bool secret = flow_secret(r);
		struct span owner = t ? (t->map ? t->key : t->owner) : (struct span){ NULL, 0 };
		flow_open(r, c == '{', secret, owner);
		return;
	}
	case '}':
	case ']':
		if (r->deeper)
			r->deeper--;
		else if (r->nflows)
			r->nflows--;
		return;
	case ',':
		if (t && t->map && !r->deeper)
			t->value = false;
		return;
	default:	/* ':' */
		if (t && t->map && !r->deeper)
			t->value = true;
	}
}

/* Read a line's part inside flow collections, from p; where they all closed (or le). */
static size_t scan_flow(struct scan *r, size_t p, size_t le)
{
	while (p < le && (r->nflows || r->deeper)) {
		char c = r->d[p];
		if (is_ws(c)) {
			p++;
			continue;
		}
		r->cont = CONT_NONE;
		if (c == '#' && (p == r->ls || is_ws(r->d[p - 1]))) {
			return le;
		} else if (c == '&' || c == '!' || c == '*') {	/* anchor, tag, alias */
			p = prop_end(r, p, le, true);
		} else if (c == '?') {	/* a key follows: libyaml needs no blank after it here */
			p++;
		} else if (is_flow_ind(c) || c == ':') {	/* ':' too, as libyaml reads it */
			flow_punct(r, c);
			p++;
		} else if (c == '"' || c == '\'') {
			bool closed;
			size_t e = quote_end(r, c, p + 1, le, &closed);
			flow_scalar(r, p, e, p + 1, closed ? e - 1 : e);
			if (!closed) {
				r->cont = c == '"' ? CONT_DQUOTE : CONT_SQUOTE;
				r->cont_secret = flow_secret(r);
			}
			p = e;
		} else {
			size_t e = plain_end(r, p, le, true);
			if (e == p)
				e = p + 1;	/* a lone ':' or '#': read past it */
			flow_scalar(r, p, e, p, e);
			if (skip_ws(r, e, le) == le)	/* it may go on on the next line */
				r->cont = CONT_PLAIN;
			p = e;
		}
	}
	return p;
}

/* A line in a flow collection after a plain scalar that reached the end of the line
 * before: up to the next indicator, it goes on with it (quotes and all). */
static size_t flow_plain_more(struct scan *r, size_t p, size_t le)
{
	p = skip_ws(r, p, le);
	if (p == le)
		return p;
	char c = r->d[p];
	if (c == '#' || is_flow_ind(c) || (c == ':' && (p + 1 == le || is_ws(r->d[p + 1])))) {
		r->cont = CONT_NONE;
		return p;
	}
	size_t e = plain_end(r, p, le, true);
	flow_scalar(r, p, e, p, e);
	if (skip_ws(r, e, le) < le)
		r->cont = CONT_NONE;
	return e;
}

/* ---- block structure ---- */

static struct level *top(struct scan *r)
{
	return r->nlevels ? &r->levels[r->nlevels - 1] : NULL;
}

static bool top_secret(struct scan *r)
{
	return r->nlevels ? top(r)->secret : r->sops;
}

static struct span top_key(struct scan *r)
{
	return r->nlevels ? top(r)->key : (struct span){ NULL, 0 };
}

static void push(struct scan *r, size_t indent, bool item, bool secret, struct span key)
{
	if (r->nlevels < YAML_MAX_DEPTH)
		r->levels[r->nlevels++] = (struct level){ indent, item, secret, key };
}

/* A value in block context at p (after "key:" or "- ", or a line of its own). */
static void block_value(struct scan *r, size_t p, size_t le, bool secret, struct span key)
{
	p = skip_props(r, skip_ws(r, p, le), le);
	if (p >= le || (r->d[p] == '#' && p > r->ls && is_ws(r->d[p - 1])))
		return;
	char c = r->d[p];
	bool closed;
	if (c == '|' || c == '>') {
		r->cont = CONT_BLOCK;
		r->cont_secret = secret;
		r->cont_indent = r->nlevels ? (long)top(r)->indent : -1;
	} else if (c == '{' || c == '[') {
		flow_open(r, c == '{', secret, key);
		scan_flow(r, p + 1, le);
	} else if (c == '"' || c == '\'') {
		size_t e = quote_end(r, c, p + 1, le, &closed);
		bool show = exempt(r, p + 1, closed ? e - 1 : e);
		if (secret && !show)
			mask(r, p, e);
		if (!closed) {
			r->cont = c == '"' ? CONT_DQUOTE : CONT_SQUOTE;
			r->cont_secret = secret && !show;
		}
	} else {
		size_t e = plain_end(r, p, le, false);
		mask_value(r, secret, p, e, p, e);
		if (skip_ws(r, e, le) == le) {	/* no comment after it: it may go on */
			r->cont = CONT_PLAIN;
			r->cont_secret = secret;
			r->cont_indent = r->nlevels ? (long)top(r)->indent : -1;
		}
	}
}

/* "key:" at p (plain or quoted): its text in *key, the position after the ':'. */
static bool block_key(const struct scan *r, size_t p, size_t le, struct span *key, size_t *after)
{
	char c = r->d[p];
	if (c == '"' || c == '\'') {
		bool closed;
		size_t e = quote_end(r, c, p + 1, le, &closed);
		size_t q = skip_ws(r, e, le);
		if (!closed || q >= le || r->d[q] != ':')
			return false;
		*key = (struct span){ r->d + p + 1, e - 1 - (p + 1) };
		*after = q + 1;
		return true;
	}
	bool blank_after = p + 1 == le || is_ws(r->d[p + 1]);
	if (c == ':' && blank_after) {	/* an empty key, as libyaml reads it */
		*key = (struct span){ r->d + p, 0 };
		*after = p + 1;
		return true;
	}
	if (c == '\0' || strchr("[]{},#&*!|>%@`", c) || (c == '?' && blank_after))
		return false;
	for (size_t q = p; q < le; q++) {
		if (r->d[q] == '#' && q > p && is_ws(r->d[q - 1]))
			return false;
		if (r->d[q] == ':' && (q + 1 == le || is_ws(r->d[q + 1]))) {
			size_t e = q;
			while (e > p && is_ws(r->d[e - 1]))
				e--;
			*key = (struct span){ r->d + p, e - p };
			*after = q + 1;
			return true;
		}
	}
	return false;
}

/* A line in block context, its text at p, column col. */
static void block_line(struct scan *r, size_t p, size_t le, size_t col)
{
	bool item = false;
	while (r->d[p] == '-' && (p + 1 == le || is_ws(r->d[p + 1]))) {
		while (!item && r->nlevels &&
		       (top(r)->indent > col || (top(r)->indent == col && top(r)->item)))
			r->nlevels--;
		push(r, col, true, top_secret(r), top_key(r));
		item = true;
		p = skip_ws(r, p + 1, le);
		col = p - r->ls;
		if (p == le)
			return;
	}
	while (!item && r->nlevels && top(r)->indent >= col)
		r->nlevels--;
	size_t k = skip_props(r, p, le), after;
	struct span key;
	if (k < le && block_key(r, k, le, &key, &after)) {
		bool secret = value_secret(r, top_secret(r), top_key(r), key, r->nlevels == 0);
		push(r, col, false, secret, key);
		block_value(r, after, le, secret, key);
		return;
	}
	mask_loose(r, top_key(r), p, plain_end(r, p, le, false));
	block_value(r, p, le, top_secret(r), top_key(r));
}

/* A line that goes on with a plain scalar (any text, indicators too), unless it holds a
 * key: mask it as the scalar is. False when it is to be read as a line of its own. */
static bool plain_more(struct scan *r, size_t p, size_t le)
{
	struct span key;
	size_t after, k = skip_props(r, p, le);
	if (k < le && block_key(r, k, le, &key, &after))
		return false;
	size_t e = plain_end(r, p, le, false);
	if (r->cont_secret)
		mask(r, p, e);
	else
		mask_loose(r, top_key(r), p, e);
	if (skip_ws(r, e, le) < le)
		r->cont = CONT_NONE;	/* a comment ends it */
	return true;
}

static bool doc_marker(const struct scan *r, size_t p, size_t le)
{
	return le - p >= 3 && (memcmp(r->d + p, "---", 3) == 0 || memcmp(r->d + p, "...", 3) == 0) &&
	       (le - p == 3 || is_ws(r->d[p + 3]));
}

static void scan_line(struct scan *r, size_t ls, size_t le)
{
	r->ls = ls;
	size_t p = ls;
	if (r->cont == CONT_DQUOTE || r->cont == CONT_SQUOTE) {
		p = quote_more(r, p, le);
		if (r->cont == CONT_NONE && (r->nflows || r->deeper))
			scan_flow(r, p, le);
		return;
	}
	if (r->nflows || r->deeper) {
		if (r->cont == CONT_PLAIN)
			p = flow_plain_more(r, p, le);
		scan_flow(r, p, le);
		return;
	}
	p = skip_ws(r, p, le);
	size_t col = p - ls;
	if (col == 0 && doc_marker(r, p, le)) {
		r->cont = CONT_NONE;
		r->nlevels = 0;
		block_value(r, p + 3, le, r->sops, (struct span){ NULL, 0 });
		return;
	}
	if (r->cont == CONT_BLOCK) {
		if (p == le || (long)col > r->cont_indent) {
			if (r->cont_secret)
				mask(r, p, le);
			return;
		}
		r->cont = CONT_NONE;
	}
	if (r->cont == CONT_PLAIN && p < le && r->d[p] != '#' && (long)col > r->cont_indent &&
	    plain_more(r, p, le))
		return;
	if (p == le)
		return;
	r->cont = CONT_NONE;
	if (r->d[p] == '#' || (col == 0 && r->d[p] == '%'))
		return;
	block_line(r, p, le, col);
}

/* Mask s..e but its ENC[...] tokens (what SOPS wrote, shown). */
static void mask_but_enc(struct scan *r, size_t s, size_t e)
{
	while (s < e) {
		const char *enc = NULL;
		for (size_t i = s; !enc && i + 4 <= e; i++)
			if (r->d[i] == 'E' && memcmp(r->d + i, "ENC[", 4) == 0)
				enc = r->d + i;
		size_t es = enc ? (size_t)(enc - r->d) : e;
		const char *close = enc ? memchr(enc, ']', e - es) : NULL;
		if (enc && !close)
			es = e;
		mask(r, s, es);
		if (es == e)
			return;
		s = (size_t)(close - r->d) + 1;
	}
}

/*
 * The second, structure-blind reading of a line of a SOPS file, whose masks are added to
 * the first's: only indentation, "- " and "? " markers and what stands before the line's
 * first ': ' (a key) stay visible; all else is masked but ENC[...] tokens. A value the
 * structural reading misplaces (YAML has more corners than a scanner without a parser
 * can follow) is still masked unless it also stands before a colon at a line's start.
 */
static void sops_line_blind(struct scan *r, size_t ls, size_t le)
{
	const char *d = r->d;
	size_t p = ls;
	while (p < le && (is_ws(d[p]) ||
			  ((d[p] == '-' || d[p] == '?') && (p + 1 == le || is_ws(d[p + 1])))))
		p++;
	size_t k = p;
	while (k < le && !(d[k] == ':' && (k + 1 == le || is_ws(d[k + 1]))))
		k++;
	for (k = k < le ? k + 1 : p; k < le && is_ws(d[k]);)
		k++;
	mask_but_enc(r, k, le);
}

/* Each line of f through one scan. */
static void scan_lines(struct ctx *ctx, const struct srcfile *f, bool sops,
		       void (*line)(struct scan *r, size_t ls, size_t le))
{
	struct scan r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.f = f;
	r.d = f->data;
	r.sops = sops;
	for (uint32_t i = 0; i < f->nlines; i++) {
		size_t ls = f->lines[i];
		size_t le = i + 1 < f->nlines ? f->lines[i + 1] - 1 : f->len;
		line(&r, ls, le);
	}
}

void mask_raw(struct ctx *ctx, const struct srcfile *f)
{
	if (!f->data || f->secrets == SRC_PLAIN)
		return;
	scan_lines(ctx, f, f->secrets == SRC_SOPS, scan_line);
}

void mask_raw_blind(struct ctx *ctx, const struct srcfile *f)
{
	if (!f->data || f->secrets != SRC_SOPS)
		return;
	scan_lines(ctx, f, true, sops_line_blind);
}

/*
 * tmpl_parse.c - Mustache template text -> token tree (tmpl_int.h).
 *
 * A template is parsed once: tags are scanned with the delimiters in effect (scan_tags),
 * paired (pair_tags), judged standalone (alone on their line, or the pairs the
 * inheritance spec names: {{<p}}{{/p}}, {{<p}}{{$b}}, {{/b}}{{/p}}, {{$b}}{{/b}}), and
 * the text between the consumed ranges becomes TEXT tokens (build). A standalone block
 * definition drops the common indentation of its content ("dedent"); each TEXT token
 * carries the dedent of the block it belongs to. The source text is kept, not copied.
 * Errors stop the parse with "NAME:LINE:COL: what" in err; at most 256 nested sections.
 */
#include "tmpl_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TMPL_MAX_NEST 256	/* nested sections in one template */

struct rawtag {
	enum tok_kind kind;
	bool dynamic;
	const char *name;
	size_t nname;
	size_t tag_start, tag_end;	/* the tag itself */
	size_t start, end;		/* the range it consumes (standalone: whole line) */
	size_t line_start;		/* start of its line */
	long match;			/* open <-> close */
	bool standalone;
};

struct parser {
	struct arena *a;
	const char *name;
	const char *src;
	size_t len;
	struct rawtag *tags;
	size_t ntags, captags;
	char *err;
	size_t errlen;
};

void ATTR_PRINTF(5, 6) tpl_err(char *err, size_t errlen, const struct tpl *t, size_t off,
			       const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	uint32_t line, col;
	text_linecol(t->src, t->len, off, &line, &col);
	int k = snprintf(err, errlen, "%s:%u:%u: ", t->name, line, col);
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
	va_end(ap);
}

static bool has_at(const char *s, size_t len, size_t i, const char *d, size_t dn)
{
	return i + dn <= len && memcmp(s + i, d, dn) == 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (tpl_blank(**s) || **s == '\n' || **s == '\r'))
		(*s)++, (*n)--;
	while (*n && (tpl_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* The delimiters in effect. */
struct delims {
	char open[32], close[32];
	size_t on, cn;
};

/* The tag that starts at ts: its kind, where it ends and its content [*cs, *ce). */
static int tag_span(struct parser *p, const struct tpl *t, const struct delims *d, size_t ts,
		    struct rawtag *rt, size_t *cs, size_t *ce)
{
	const char *s = p->src;
	size_t len = p->len, j = ts + d->on;
	char type = j < len ? s[j] : '\0';
	if (type == '{') {
		/* triple mustache: ends with } and the closing delimiter */
		size_t k = j + 1;
		while (k < len && !(s[k] == '}' && has_at(s, len, k + 1, d->close, d->cn)))
			k++;
		if (k >= len) {
			tpl_err(p->err, p->errlen, t, ts, "unclosed tag: no '}%s' after '%s{'", d->close,
				d->open);
			return -1;
		}
		rt->kind = T_RAW;
		*cs = j + 1, *ce = k;
		rt->tag_end = k + 1 + d->cn;
		return 0;
	}
	size_t k = j;
	while (k < len && !has_at(s, len, k, d->close, d->cn))
		k++;
	if (k >= len) {
		tpl_err(p->err, p->errlen, t, ts, "unclosed tag: no '%s' after '%s'", d->close, d->open);
		return -1;
	}
	rt->tag_end = k + d->cn;
	*cs = j + 1, *ce = k;
	switch (type) {
	case '&': rt->kind = T_RAW; break;
	case '#': rt->kind = T_SECTION; break;
	case '^': rt->kind = T_INVERTED; break;
	case '/': rt->kind = T_CLOSE; break;
	case '>': rt->kind = T_PARTIAL; break;
	case '<': rt->kind = T_PARENT; break;
	case '$': rt->kind = T_BLOCK; break;
	case '!': rt->kind = T_COMMENT; break;
	case '=': rt->kind = T_DELIM; break;
	default: rt->kind = T_VAR; *cs = j; break;
	}
	return 0;
}

/* {{=<% %>=}}: the new delimiters; *name and *nn become the trimmed content. */
static int set_delims(struct parser *p, const struct tpl *t, size_t ts, const char **name,
		      size_t *nn, struct delims *d)
{
	if (*nn == 0 || (*name)[*nn - 1] != '=') {
		tpl_err(p->err, p->errlen, t, ts, "invalid set-delimiter tag: expected '=' before '%s'",
			d->close);
		return -1;
	}
	(*nn)--;
	trim(name, nn);
	const char *c = *name;
	size_t n = *nn, a = 0;
	while (a < n && !tpl_blank(c[a]))
		a++;
	size_t b = a;
	while (b < n && tpl_blank(c[b]))
		b++;
	bool bad = a == 0 || b == a || b >= n || a >= sizeof(d->open) || n - b >= sizeof(d->close);
	for (size_t k = b; !bad && k < n; k++)
		bad = tpl_blank(c[k]) || c[k] == '=';
	if (bad) {
		tpl_err(p->err, p->errlen, t, ts, "invalid set-delimiter tag: expected two delimiters");
		return -1;
	}
	memcpy(d->open, c, a), d->open[a] = '\0', d->on = a;
	memcpy(d->close, c + b, n - b), d->close[n - b] = '\0', d->cn = n - b;
	return 0;
}

/* A tag's name, trimmed; '*' before a partial's or parent's name makes it dynamic. */
static int tag_name(struct parser *p, const struct tpl *t, size_t ts, struct rawtag *rt,
		    const char **name, size_t *nn)
{
	trim(name, nn);
	if ((rt->kind == T_PARTIAL || rt->kind == T_PARENT) && *nn && (*name)[0] == '*') {
		rt->dynamic = true;
		(*name)++, (*nn)--;
		trim(name, nn);
	}
	if (*nn == 0) {
		tpl_err(p->err, p->errlen, t, ts, "empty tag name");
		return -1;
	}
	for (size_t k = 0; k < *nn; k++)
		if (tpl_blank((*name)[k]) || (*name)[k] == '\n') {
			tpl_err(p->err, p->errlen, t, ts, "invalid tag name '%.*s': no spaces allowed",
				(int)*nn, *name);
			return -1;
		}
	return 0;
}

/* Phase 1: the tags, with the delimiters in effect where each appears. */
static int scan_tags(struct parser *p, const struct tpl *t)
{
	struct delims d = { "{{", "}}", 2, 2 };
	const char *s = p->src;
	size_t len = p->len, i = 0, ls = 0, scanned = 0;
	while (i < len) {
		const char *hit = NULL;
		for (size_t k = i; k + d.on <= len; k++) {
			if (s[k] == d.open[0] && memcmp(s + k, d.open, d.on) == 0) {
				hit = s + k;
				break;
			}
		}
		if (!hit)
			break;
		size_t ts = (size_t)(hit - s), cs, ce;	/* tag start, content span */
		struct rawtag rt = { .tag_start = ts, .match = -1 };
		if (tag_span(p, t, &d, ts, &rt, &cs, &ce) < 0)
			return -1;
		const char *name = s + cs;
		size_t nn = ce - cs;
		if (rt.kind == T_DELIM) {
			if (set_delims(p, t, ts, &name, &nn, &d) < 0)
				return -1;
		} else if (rt.kind != T_COMMENT && tag_name(p, t, ts, &rt, &name, &nn) < 0) {
			return -1;
		}
		rt.name = name;
		rt.nname = nn;
		rt.start = rt.tag_start;
		rt.end = rt.tag_end;
		/* the start of its line: found going forward from the last tag (going back
		 * from every tag would read a long line once per tag on it) */
		for (; scanned < ts; scanned++)
			if (s[scanned] == '\n')
				ls = scanned + 1;
		rt.line_start = ls;
		ARENA_PUSH(p->a, p->tags, p->ntags, p->captags, rt);
		i = rt.tag_end;
	}
	return 0;
}

/* Phase 2: pair opening and closing tags. */
static int pair_tags(struct parser *p, const struct tpl *t)
{
	size_t stack[TMPL_MAX_NEST], depth = 0;
	for (size_t i = 0; i < p->ntags; i++) {
		struct rawtag *rt = &p->tags[i];
		switch (rt->kind) {
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			if (depth == TMPL_MAX_NEST) {
				tpl_err(p->err, p->errlen, t, rt->tag_start, "sections nested deeper than %d",
					TMPL_MAX_NEST);
				return -1;
			}
			stack[depth++] = i;
			break;
		case T_CLOSE: {
			if (depth == 0) {
				tpl_err(p->err, p->errlen, t, rt->tag_start,
					"closing tag '%.*s' without an opening tag", (int)rt->nname, rt->name);
				return -1;
			}
			/* {{<*x}} closes with {{/x}}: names are kept without the star */
			struct rawtag *o = &p->tags[stack[depth - 1]];
			if (o->nname != rt->nname || memcmp(o->name, rt->name, rt->nname) != 0) {
				uint32_t line, col;
				text_linecol(p->src, p->len, o->tag_start, &line, &col);
				tpl_err(p->err, p->errlen, t, rt->tag_start,
					"closing tag '%.*s' does not match '%.*s' opened at %u:%u",
					(int)rt->nname, rt->name, (int)o->nname, o->name, line, col);
				return -1;
			}
			o->match = (long)i;
			rt->match = (long)stack[--depth];
			break;
		}
		default:
			break;
		}
	}
	if (depth) {
		struct rawtag *o = &p->tags[stack[depth - 1]];
		tpl_err(p->err, p->errlen, t, o->tag_start, "unclosed section '%.*s'", (int)o->nname, o->name);
		return -1;
	}
	return 0;
}

/* End of the line at i (after blanks): the offset just past its line break, or len;
 * (size_t)-1 when something other than blanks follows. */
static size_t rest_blank(const char *s, size_t len, size_t i)
{
	while (i < len && tpl_blank(s[i]))
		i++;
	if (i == len)
		return len;
	if (s[i] == '\n')
		return i + 1;
	if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
		return i + 2;
	return (size_t)-1;
}

static bool before_blank(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!tpl_blank(s[i]))
			return false;
	return true;
}

/* Blanks before tag k on its line, and nothing else (no earlier tag on the line). */
static bool tag_alone_before(const struct parser *p, size_t k)
{
	const struct rawtag *rt = &p->tags[k];
	if (k > 0 && p->tags[k - 1].tag_end > rt->line_start)
		return false;
	return before_blank(p->src, rt->line_start, rt->tag_start);
}

/* Only blanks after tag k to the end of its line (no later tag on the line). */
static size_t tag_alone_after(const struct parser *p, size_t k)
{
	const struct rawtag *rt = &p->tags[k];
	size_t e = rest_blank(p->src, p->len, rt->tag_end);
	if (e == (size_t)-1)
		return e;
	if (k + 1 < p->ntags && p->tags[k + 1].tag_start < e)
		return (size_t)-1;
	return e;
}

static bool standalonable(enum tok_kind k)
{
	return k != T_VAR && k != T_RAW;
}

/* Phase 3: standalone tags consume their whole line. */
static void mark_standalone(struct parser *p)
{
	for (size_t k = 0; k < p->ntags; k++) {
		struct rawtag *rt = &p->tags[k];
		if (!standalonable(rt->kind) || !tag_alone_before(p, k))
			continue;
		size_t e = tag_alone_after(p, k);
		if (e == (size_t)-1)
			continue;
		rt->standalone = true;
		rt->start = rt->line_start;
		rt->end = e;
	}
	/* the pairs the inheritance spec treats as standalone together */
	for (size_t k = 0; k + 1 < p->ntags; k++) {
		struct rawtag *a = &p->tags[k], *b = &p->tags[k + 1];
		if (a->tag_end != b->tag_start || !tag_alone_before(p, k))
			continue;
		size_t e = tag_alone_after(p, k + 1);
		if (e == (size_t)-1)
			continue;
		bool empty_parent = a->kind == T_PARENT && a->match == (long)(k + 1);
		bool parent_block = a->kind == T_PARENT && b->kind == T_BLOCK;
		bool block_parent = a->kind == T_CLOSE && b->kind == T_CLOSE &&
				    p->tags[a->match].kind == T_BLOCK && p->tags[b->match].kind == T_PARENT;
		bool empty_block = a->kind == T_BLOCK && a->match == (long)(k + 1);
		if (empty_parent || parent_block || block_parent) {
			a->standalone = b->standalone = true;
			a->start = a->line_start;
			b->end = e;
		} else if (empty_block) {
			/* the line break stays: the block's content replaces the line's text */
			a->standalone = b->standalone = true;
			a->start = a->line_start;
			size_t x = b->tag_end;
			while (x < p->len && tpl_blank(p->src[x]))
				x++;
			b->end = x;
		}
	}
}

/* Common leading blanks of the non-blank lines of src[from, to). */
static size_t common_indent(const char *s, size_t from, size_t to, const char **pre)
{
	const char *best = NULL;
	size_t bn = 0;
	size_t i = from;
	while (i < to) {
		size_t ls = i, w = 0;
		while (i + w < to && tpl_blank(s[i + w]))
			w++;
		size_t e = i + w;
		bool blank = e >= to || s[e] == '\n' || (s[e] == '\r' && e + 1 < to && s[e + 1] == '\n');
		if (!blank) {
			if (!best) {
				best = s + ls, bn = w;
			} else {
				size_t m = 0;
				while (m < bn && m < w && best[m] == s[ls + m])
					m++;
				bn = m;
			}
		}
		while (i < to && s[i] != '\n')
			i++;
		if (i < to)
			i++;
	}
	*pre = best ? best : s + from;
	return best ? bn : 0;
}

struct tokvec {
	struct tok *v;
	size_t n, cap;
};

static void add_text(struct parser *p, struct tokvec *tv, size_t from, size_t to, size_t dedent)
{
	if (to <= from)
		return;
	struct tok t = { .kind = T_TEXT, .off = (uint32_t)from, .s = p->src + from, .n = to - from,
			 .dedent = dedent };
	t.bol = from == 0 || p->src[from - 1] == '\n';
	ARENA_PUSH(p->a, tv->v, tv->n, tv->cap, t);
}

/* Indentation of a standalone tag: the blanks before it, less the enclosing dedent. */
static void site_indent(const struct parser *p, const struct rawtag *rt, size_t dedent,
			struct tok *t)
{
	size_t w = rt->tag_start - rt->line_start;
	size_t skip = dedent < w ? dedent : w;
	t->indent = p->src + rt->line_start + skip;
	t->nindent = w - skip;
}

/* Phase 4: the token tree of tags [from, to) and the text between them. */
/* A parent's blocks by name, the last one of each name (what find_arg takes): a parent
 * template with n blocks rendered with n arguments would search them n^2 times. */
static struct strmap *index_blocks(struct arena *a, const struct tok *body, size_t n)
{
	struct strmap *m = arena_alloc(a, sizeof(*m));
	for (size_t i = 0; i < n; i++)
		if (body[i].kind == T_BLOCK)
			strmap_put(a, m, body[i].s, body[i].n, i);
	return m;
}

static void build(struct parser *p, size_t from, size_t to, size_t text_from, size_t text_to,
		  size_t dedent, struct tok **out, size_t *nout)
{
	struct tokvec tv = { 0 };
	size_t pos = text_from;
	for (size_t k = from; k < to; k++) {
		struct rawtag *rt = &p->tags[k];
		add_text(p, &tv, pos, rt->start, dedent);
		pos = rt->end;
		if (rt->kind == T_COMMENT || rt->kind == T_DELIM || rt->kind == T_CLOSE)
			continue;
		struct tok t = { .kind = rt->kind, .dynamic = rt->dynamic, .off = (uint32_t)rt->tag_start,
				 .s = rt->name, .n = rt->nname, .standalone = rt->standalone };
		if (rt->kind == T_PARTIAL && rt->standalone)
			site_indent(p, rt, dedent, &t);
		if (rt->kind == T_SECTION || rt->kind == T_INVERTED || rt->kind == T_PARENT ||
		    rt->kind == T_BLOCK) {
			size_t m = (size_t)rt->match;
			struct rawtag *c = &p->tags[m];
			size_t inner = dedent;
			if (rt->kind == T_PARENT && rt->standalone)
				site_indent(p, rt, dedent, &t);
			if (rt->kind == T_BLOCK && rt->standalone) {
				const char *pre;
				size_t w = common_indent(p->src, rt->end, c->start, &pre);
				size_t skip = dedent < w ? dedent : w;
				if (w > skip) {
					t.indent = pre + skip;
					t.nindent = w - skip;
				} else {
					site_indent(p, rt, dedent, &t);
				}
				inner = w > dedent ? w : dedent;
			}
			build(p, k + 1, m, rt->end, c->start, inner, &t.body, &t.nbody);
			if (rt->kind == T_PARENT && t.nbody > 8)
				t.blocks = index_blocks(p->a, t.body, t.nbody);
			k = m;
			pos = c->end;
		}
		ARENA_PUSH(p->a, tv.v, tv.n, tv.cap, t);
	}
	add_text(p, &tv, pos, text_to, dedent);
	*out = tv.v;
	*nout = tv.n;
}

struct tpl *tpl_parse(struct arena *a, const char *name, const char *src, size_t len,
		      uint32_t file, char *err, size_t errlen)
{
	struct tpl *t = arena_alloc(a, sizeof(*t));
	t->name = name;
	t->src = src;
	t->len = len;
	t->file = file;
	struct parser p = { .a = a, .name = name, .src = src, .len = len, .err = err, .errlen = errlen };
	if (scan_tags(&p, t) < 0 || pair_tags(&p, t) < 0)
		return NULL;
	mark_standalone(&p);
	build(&p, 0, p.ntags, 0, len, 0, &t->toks, &t->ntoks);
	return t;
}

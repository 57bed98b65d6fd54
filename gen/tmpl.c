/*
 * tmpl.c - the Mustache engine and the escapers (tmpl.h).
 *
 * Consumes template text and a view (a node tree); produces text. A template is parsed
 * once into a token tree (tpl_parse): tags are scanned with the delimiters in effect,
 * paired, judged standalone (alone on their line, or the pairs the inheritance spec
 * names: {{<p}}{{/p}}, {{<p}}{{$b}}, {{/b}}{{/p}}, {{$b}}{{/b}}), and the text between
 * the consumed ranges becomes TEXT tokens. Rendering walks the tree with a context stack.
 *
 * Indentation is applied while emitting, not by rewriting template text: a standalone
 * partial, parent or block adds its indentation to every line its template text starts
 * (an interpolated value's own newlines are not indented, as the spec requires; a
 * fragment's are, since a fragment is template-like text). Blank lines are never
 * indented, so no output line gets trailing whitespace from indentation. A standalone
 * block definition drops the common indentation of its content ("dedent", as the
 * inheritance spec's reindentation cases require); each TEXT token carries the dedent
 * of the block it belongs to.
 *
 * Values: strings go through the escaper; numbers and booleans are written as they are
 * (integers in decimal, floats as written when that is plain decimal, else in their
 * shortest form), so a typed value stays typed in YAML and JSON; null is empty; a
 * mapping or list is an error (use a section). A value marked secret (NODE_SECRET) is an
 * error. Falsy for sections: missing, null, false, [] and "" (0 is true).
 *
 * Errors never crash: they stop the render with "NAME:LINE:COL: what" in err. Limits:
 * 64 nested partials/parents/blocks, 1024 nesting levels, 20M steps and 64 MiB of
 * output per render. A template set renders with TMPL_RAW_FRAGMENTS | TMPL_STRICT: a
 * missing variable or partial is an error in eragen's own templates.
 */
#include "tmpl.h"
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TMPL_MAX_DEPTH 64	/* nested partials/parents per render */
#define TMPL_MAX_NEST 256	/* nested sections in one template */
#define TMPL_MAX_LEVELS 1024	/* nested sections, partials and blocks per render */
#define TMPL_MAX_OUTPUT (64u << 20)	/* bytes one render may produce */
#define TMPL_MAX_STEPS 20000000u	/* tokens one render may visit */

/* ---- escapers ------------------------------------------------------------------- */

static void esc_html(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '>': sb_puts(out, "&gt;"); break;
		case '"': sb_puts(out, "&quot;"); break;
		case '\'': sb_puts(out, "&#39;"); break;
		default: sb_putc(out, s[i]);
		}
	}
}

/* Inside an HCL quoted string: the escapes of the HCL native syntax, and the two
 * template introducers doubled ($${ and %%{ are their literal forms). */
static void esc_hcl(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\': sb_puts(out, "\\\\"); break;
		case '"': sb_puts(out, "\\\""); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		case '$':
		case '%':
			sb_putc(out, (char)c);
			if (i + 1 < n && s[i + 1] == '{')
				sb_putc(out, (char)c);
			break;
		default:
			if (c < 0x20 || c == 0x7F)
				sb_printf(out, "\\u%04X", c);
			else
				sb_putc(out, (char)c);
		}
	}
}

/* Words YAML 1.1 or 1.2 (core) resolve to null or a boolean (compared ignoring case:
 * quoting "NuLl" too costs nothing). */
static bool yaml_reserved(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i]);
		if (wl != n)
			continue;
		size_t k = 0;
		while (k < n && (s[k] | 0x20) == words[i][k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/*
 * Plain only when no YAML reader can take it for anything but this string: letters,
 * digits and . _ / - only, starting with a letter, '_' or '/' (so never a number, date,
 * sexagesimal, .inf or an indicator), and not a null/boolean word of YAML 1.1 or 1.2.
 */
static bool yaml_plain_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '/'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '/' || c == '-';
		if (!ok)
			return false;
	}
	return !yaml_reserved(s, n);
}

/* A YAML double-quoted scalar in JSON's escape syntax; everything outside YAML's
 * printable set, and the characters YAML 1.1 reads as line breaks (U+0085, U+2028,
 * U+2029), is escaped. */
static void esc_yaml_quoted(const char *s, size_t n, struct strbuf *out)
{
	sb_putc(out, '"');
	for (size_t i = 0; i < n;) {
		size_t at = i;
		uint32_t c = utf8_next(s, n, &i);
		size_t used = i - at;
		switch (c) {
		case '"': sb_puts(out, "\\\""); break;
		case '\\': sb_puts(out, "\\\\"); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		default:
			/* (an invalid byte decodes as U+FFFD from one byte: written escaped) */
			if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x2028 || c == 0x2029 ||
			    c == 0xFEFF || c == 0xFFFE || c == 0xFFFF || (c == 0xFFFD && used != 3))
				sb_printf(out, "\\u%04X", (unsigned)c);
			else
				sb_add(out, s + at, used);
		}
	}
	sb_putc(out, '"');
}

static void esc_yaml(const char *s, size_t n, struct strbuf *out)
{
	if (yaml_plain_ok(s, n))
		sb_add(out, s, n);
	else
		esc_yaml_quoted(s, n, out);
}

/*
 * GitHub evaluates ${{ ... }} inside any workflow string. Each literal "${{" becomes
 * "${{ '$' }}{{": an expression yielding "$" followed by the literal "{{", so the
 * rewritten text holds no "${{" that is not ours and evaluates back to the original.
 */
static void esc_gha(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &t);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$' && i + 2 < n && s[i + 1] == '{' && s[i + 2] == '{') {
			sb_puts(&t, "${{ '$' }}{{");
			i += 2;
		} else {
			sb_putc(&t, s[i]);
		}
	}
	esc_yaml(t.buf ? t.buf : "", t.len, out);
	oom_guard_pop(&guard);
	sb_release(&t);
}

/*
 * A Makefile variable value (after "V :="): $ doubled, # as \#. Where make would not
 * keep the text as it is, an empty reference "$()" (expands to nothing) is put in
 * between: before leading and after trailing blanks (make strips them), after a final
 * backslash (a line continuation) and between a backslash and \# (\\# is a comment).
 */
static int esc_make(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r')
			return -1;
	if (n && (s[0] == ' ' || s[0] == '\t'))
		sb_puts(out, "$()");
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '$': sb_puts(out, "$$"); break;
		case '#':
			if (i > 0 && s[i - 1] == '\\')
				sb_puts(out, "$()");
			sb_puts(out, "\\#");
			break;
		default: sb_putc(out, s[i]);
		}
	}
	if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\\'))
		sb_puts(out, "$()");
	return 0;
}

int tmpl_escape(enum tmpl_escape esc, const char *s, size_t n, struct strbuf *out)
{
	if (!s)
		s = "", n = 0;
	switch (esc) {
	case ESC_HTML: esc_html(s, n, out); return 0;
	case ESC_NONE: sb_add(out, s, n); return 0;
	case ESC_HCL: esc_hcl(s, n, out); return 0;
	case ESC_YAML: esc_yaml(s, n, out); return 0;
	case ESC_GHA: esc_gha(s, n, out); return 0;
	case ESC_MAKE: return esc_make(s, n, out);
	case ESC_JSON: sb_json_str(out, s, n); return 0;
	}
	return -1;
}

/* ---- parsing ------------------------------------------------------------------- */

enum tok_kind {
	T_TEXT,
	T_VAR,		/* {{x}} */
	T_RAW,		/* {{{x}}} {{&x}} */
	T_SECTION,	/* {{#x}} */
	T_INVERTED,	/* {{^x}} */
	T_PARTIAL,	/* {{>x}} {{>*x}} */
	T_PARENT,	/* {{<x}} {{<*x}} */
	T_BLOCK,	/* {{$x}} */
	/* only while scanning */
	T_CLOSE,
	T_COMMENT,
	T_DELIM,
};

struct tok {
	enum tok_kind kind;
	bool dynamic;		/* {{>*name}} */
	bool standalone;	/* partials, parents, blocks: indentation applies */
	bool bol;		/* TEXT: starts at a line start of the source */
	uint32_t off;		/* byte offset of the tag (or text) in the source */
	const char *s;		/* TEXT: the text; tags: the name */
	size_t n;
	const char *indent;	/* standalone partial/parent/block: indentation */
	size_t nindent;
	size_t dedent;		/* TEXT: whitespace dropped at each line start */
	struct tok *body;	/* sections, parents, blocks */
	size_t nbody;
	struct strmap *blocks;	/* a parent with many blocks: name -> the last of its name */
};

struct tpl {
	const char *name;
	const char *src;
	size_t len;
	uint32_t file;		/* srcfile id (tmpl_set), 0 otherwise */
	struct tok *toks;
	size_t ntoks;
};

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

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void ATTR_PRINTF(5, 6) set_err(char *err, size_t errlen, const struct tpl *t, size_t off,
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
	while (*n && (is_blank(**s) || **s == '\n' || **s == '\r'))
		(*s)++, (*n)--;
	while (*n && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* Phase 1: the tags, with the delimiters in effect where each appears. */
static int scan_tags(struct parser *p, const struct tpl *t)
{
	char open[32] = "{{", close[32] = "}}";
	size_t on = 2, cn = 2;
	const char *s = p->src;
	size_t len = p->len, i = 0, ls = 0, scanned = 0;
	while (i < len) {
		const char *hit = NULL;
		for (size_t k = i; k + on <= len; k++) {
			if (s[k] == open[0] && memcmp(s + k, open, on) == 0) {
				hit = s + k;
				break;
			}
		}
		if (!hit)
			break;
		size_t ts = (size_t)(hit - s), j = ts + on;
		struct rawtag rt = { .tag_start = ts, .match = -1 };
		char type = j < len ? s[j] : '\0';
		size_t cs, ce;	/* content span */
		if (type == '{') {
			/* triple mustache: ends with } and the closing delimiter */
			size_t k = j + 1;
			while (k < len && !(s[k] == '}' && has_at(s, len, k + 1, close, cn)))
				k++;
			if (k >= len) {
				set_err(p->err, p->errlen, t, ts, "unclosed tag: no '}%s' after '%s{'", close, open);
				return -1;
			}
			rt.kind = T_RAW;
			cs = j + 1, ce = k;
			rt.tag_end = k + 1 + cn;
		} else {
			size_t k = j;
			while (k < len && !has_at(s, len, k, close, cn))
				k++;
			if (k >= len) {
				set_err(p->err, p->errlen, t, ts, "unclosed tag: no '%s' after '%s'", close, open);
				return -1;
			}
			rt.tag_end = k + cn;
			cs = j + 1, ce = k;
			switch (type) {
			case '&': rt.kind = T_RAW; break;
			case '#': rt.kind = T_SECTION; break;
			case '^': rt.kind = T_INVERTED; break;
			case '/': rt.kind = T_CLOSE; break;
			case '>': rt.kind = T_PARTIAL; break;
			case '<': rt.kind = T_PARENT; break;
			case '$': rt.kind = T_BLOCK; break;
			case '!': rt.kind = T_COMMENT; break;
			case '=': rt.kind = T_DELIM; break;
			default: rt.kind = T_VAR; cs = j; break;
			}
		}
		const char *name = s + cs;
		size_t nn = ce - cs;
		if (rt.kind == T_DELIM) {
			if (nn == 0 || name[nn - 1] != '=') {
				set_err(p->err, p->errlen, t, ts, "invalid set-delimiter tag: expected '=' before '%s'", close);
				return -1;
			}
			nn--;
			trim(&name, &nn);
			size_t a = 0;
			while (a < nn && !is_blank(name[a]))
				a++;
			size_t b = a;
			while (b < nn && is_blank(name[b]))
				b++;
			if (a == 0 || b == a || b >= nn || a >= sizeof(open) || nn - b >= sizeof(close)) {
				set_err(p->err, p->errlen, t, ts, "invalid set-delimiter tag: expected two delimiters");
				return -1;
			}
			for (size_t k = b; k < nn; k++)
				if (is_blank(name[k]) || name[k] == '=') {
					set_err(p->err, p->errlen, t, ts, "invalid set-delimiter tag: expected two delimiters");
					return -1;
				}
			memcpy(open, name, a), open[a] = '\0', on = a;
			memcpy(close, name + b, nn - b), close[nn - b] = '\0', cn = nn - b;
		} else if (rt.kind != T_COMMENT) {
			trim(&name, &nn);
			if ((rt.kind == T_PARTIAL || rt.kind == T_PARENT) && nn && name[0] == '*') {
				rt.dynamic = true;
				name++, nn--;
				trim(&name, &nn);
			}
			if (nn == 0) {
				set_err(p->err, p->errlen, t, ts, "empty tag name");
				return -1;
			}
			for (size_t k = 0; k < nn; k++)
				if (is_blank(name[k]) || name[k] == '\n') {
					set_err(p->err, p->errlen, t, ts, "invalid tag name '%.*s': no spaces allowed",
						(int)nn, name);
					return -1;
				}
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
				set_err(p->err, p->errlen, t, rt->tag_start, "sections nested deeper than %d",
					TMPL_MAX_NEST);
				return -1;
			}
			stack[depth++] = i;
			break;
		case T_CLOSE: {
			if (depth == 0) {
				set_err(p->err, p->errlen, t, rt->tag_start,
					"closing tag '%.*s' without an opening tag", (int)rt->nname, rt->name);
				return -1;
			}
			/* {{<*x}} closes with {{/x}}: names are kept without the star */
			struct rawtag *o = &p->tags[stack[depth - 1]];
			if (o->nname != rt->nname || memcmp(o->name, rt->name, rt->nname) != 0) {
				uint32_t line, col;
				text_linecol(p->src, p->len, o->tag_start, &line, &col);
				set_err(p->err, p->errlen, t, rt->tag_start,
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
		set_err(p->err, p->errlen, t, o->tag_start, "unclosed section '%.*s'", (int)o->nname, o->name);
		return -1;
	}
	return 0;
}

/* End of the line at i (after blanks): the offset just past its line break, or len;
 * (size_t)-1 when something other than blanks follows. */
static size_t rest_blank(const char *s, size_t len, size_t i)
{
	while (i < len && is_blank(s[i]))
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
		if (!is_blank(s[i]))
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
			while (x < p->len && is_blank(p->src[x]))
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
		while (i + w < to && is_blank(s[i + w]))
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

/* Parse src (kept, not copied) into a template allocated in a. */
static struct tpl *tpl_parse(struct arena *a, const char *name, const char *src, size_t len,
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

/* ---- rendering ----------------------------------------------------------------- */

/* Where templates come from, parsed: the per-call loader of tmpl_render or a set. */
typedef const struct tpl *(*tpl_get_fn)(void *ud, const char *name, size_t n, char *err,
					size_t errlen, bool *failed);

/* The block arguments of the parents being rendered, innermost first. */
struct args {
	const struct tok *blocks;	/* a parent's body (only T_BLOCK entries count) */
	size_t n;
	const struct strmap *at;	/* its index of them, or NULL */
	const struct tpl *tpl;		/* the template they were written in */
	const struct args *up;
};

struct render {
	const struct tmpl_opts *opts;
	tpl_get_fn get;
	void *get_ud;
	struct strbuf *out;
	const struct node **stack;	/* the context stack; stack[nstack-1] is the top */
	size_t nstack, capstack;
	struct strbuf indent;		/* indentation of the lines being rendered: the first */
	size_t nindent;			/* nindent bytes (nested sites extend it, LIFO) */
	bool bol;			/* output is at the start of a template line */
	int depth;		/* partials, parents and blocks */
	int levels;		/* render_toks calls */
	uint32_t steps;		/* tokens visited */
	size_t start;		/* out->len when the render began */
	char *err;
	size_t errlen;
};

static void emit_indent(struct render *r, char first)
{
	if (r->bol && r->nindent && first != '\n' && first != '\r')
		sb_add(r->out, r->indent.buf, r->nindent);
	r->bol = false;
}

/* Template text: dedented at its source line starts, indented at output line starts. */
static void emit_text(struct render *r, const char *s, size_t n, bool bol, size_t dedent)
{
	size_t i = 0;
	bool at_line = bol;
	while (i < n) {
		if (at_line && dedent) {
			size_t w = 0;
			while (i + w < n && is_blank(s[i + w]))
				w++;
			bool blank = i + w < n && (s[i + w] == '\n' || s[i + w] == '\r');
			i += blank ? w : (w < dedent ? w : dedent);
			at_line = false;
			continue;
		}
		at_line = false;
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		if (e > i) {
			emit_indent(r, s[i]);
			sb_add(r->out, s + i, e - i);
		}
		if (e < n) {
			sb_putc(r->out, '\n');
			r->bol = true;
			at_line = true;
			e++;
		}
		i = e;
	}
}

static const struct node *map_get(const struct node *m, const char *k, size_t kn)
{
	long i = node_find(m, k, kn);
	return i < 0 ? NULL : m->items[i];
}

/* The spec's lookup: "." is the top; the first part of a dotted name is searched down
 * the stack, the rest only inside what it found. NULL when missing. */
static const struct node *lookup(const struct render *r, const char *name, size_t n)
{
	if (n == 1 && name[0] == '.')
		return r->nstack ? r->stack[r->nstack - 1] : NULL;
	size_t p = 0;
	while (p < n && name[p] != '.')
		p++;
	const struct node *v = NULL;
	for (size_t i = r->nstack; i-- > 0;) {
		v = map_get(r->stack[i], name, p);
		if (v)
			break;
	}
	while (v && p < n) {
		size_t s = ++p;
		while (p < n && name[p] != '.')
			p++;
		v = map_get(v, name + s, p - s);
	}
	return v;
}

static bool falsy(const struct node *v)
{
	if (!v)
		return true;
	switch (v->kind) {
	case NODE_NULL: return true;
	case NODE_BOOL: return !v->v.b;
	case NODE_SEQ: return v->n == 0;
	case NODE_STR: return v->len == 0 && !(v->flags & NODE_FRAGMENT);
	default: return false;
	}
}

static void push(struct render *r, const struct node *v)
{
	if (r->nstack == r->capstack) {
		size_t cap = r->capstack ? r->capstack * 2 : 16;
		r->stack = xrealloc(r->stack, cap * sizeof(*r->stack));
		r->capstack = cap;
	}
	r->stack[r->nstack++] = v;
}

/* Is s[0..n) a decimal number as JSON, HCL and YAML read it? */
static bool plain_decimal(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	size_t d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d || (s[d] == '0' && i - d > 1))
		return false;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e)
			return false;
	}
	return i == n;
}

/* A number's text: integers in decimal; floats as written when that is plain decimal,
 * else the shortest text that reads back as the same double. */
static int num_text(const struct node *v, char *buf, size_t cap)
{
	if (v->kind == NODE_INT) {
		snprintf(buf, cap, "%lld", (long long)v->v.i);
		return 0;
	}
	if (v->str && v->len < cap && plain_decimal(v->str, v->len)) {
		memcpy(buf, v->str, v->len);
		buf[v->len] = '\0';
		return 0;
	}
	if (!isfinite(v->v.f))
		return -1;
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, v->v.f);
		if (strtod(buf, NULL) == v->v.f)
			break;
	}
	return 0;
}

static int interpolate(struct render *r, const struct tpl *t, const struct tok *tk)
{
	const struct node *v = lookup(r, tk->s, tk->n);
	if (!v) {
		if (r->opts->flags & TMPL_STRICT) {
			set_err(r->err, r->errlen, t, tk->off, "no value '%.*s' in the view", (int)tk->n, tk->s);
			return -1;
		}
		return 0;
	}
	if (node_is_masked(v)) {
		/* a secret value never reaches a generated file (they are committed) */
		set_err(r->err, r->errlen, t, tk->off, "'%.*s' is a secret value: it is never written to an output",
			(int)tk->n, tk->s);
		return -1;
	}
	char num[64];
	switch (v->kind) {
	case NODE_NULL:
		return 0;
	case NODE_BOOL:
		emit_indent(r, 't');
		sb_puts(r->out, v->v.b ? "true" : "false");
		return 0;
	case NODE_INT:
	case NODE_FLOAT:
		if (num_text(v, num, sizeof(num)) < 0) {
			set_err(r->err, r->errlen, t, tk->off, "'%.*s' is not a finite number", (int)tk->n, tk->s);
			return -1;
		}
		emit_indent(r, num[0]);
		sb_puts(r->out, num);
		return 0;
	case NODE_STR:
		break;
	default:
		set_err(r->err, r->errlen, t, tk->off, "'%.*s' is a %s, not a value to print: use a section",
			(int)tk->n, tk->s, node_kind_name(v->kind));
		return -1;
	}
	if (v->flags & NODE_FRAGMENT) {
		/* pre-rendered text: inserted as template text, indentation included */
		emit_text(r, v->str, v->len, false, 0);
		return 0;
	}
	if (tk->kind == T_RAW) {
		if (r->opts->flags & TMPL_RAW_FRAGMENTS) {
			set_err(r->err, r->errlen, t, tk->off,
				"raw interpolation of a value is not allowed: use {{%.*s}}", (int)tk->n, tk->s);
			return -1;
		}
		if (v->len) {
			emit_indent(r, v->str[0]);
			sb_add(r->out, v->str, v->len);
		}
		return 0;
	}
	size_t before = r->out->len;
	bool bol = r->bol;
	if (bol && r->nindent && v->len && v->str[0] != '\n' && v->str[0] != '\r')
		sb_add(r->out, r->indent.buf, r->nindent);
	if (tmpl_escape(r->opts->esc, v->str, v->len, r->out) < 0) {
		r->out->len = before;
		r->out->buf[before] = '\0';
		set_err(r->err, r->errlen, t, tk->off,
			"the value of '%.*s' cannot be written here (a line break in a Makefile value)",
			(int)tk->n, tk->s);
		return -1;
	}
	if (r->out->len > before)
		r->bol = false;
	return 0;
}

static int render_toks(struct render *r, const struct tpl *t, const struct tok *toks, size_t n,
		       const struct args *args);
static int render_tok(struct render *r, const struct tpl *t, const struct tok *tk,
		      const struct args *args);

/* A partial or parent by name: its template, NULL when there is none (an error when
 * strict or when it failed to parse). */
static int resolve_tpl(struct render *r, const struct tpl *t, const struct tok *tk,
		       const struct tpl **out)
{
	const char *name = tk->s;
	size_t n = tk->n;
	*out = NULL;
	if (tk->dynamic) {
		const struct node *v = lookup(r, tk->s, tk->n);
		if (!v || v->kind != NODE_STR || v->len == 0) {
			if (r->opts->flags & TMPL_STRICT) {
				set_err(r->err, r->errlen, t, tk->off, "'%.*s' does not name a template",
					(int)tk->n, tk->s);
				return -1;
			}
			return 0;
		}
		name = v->str, n = v->len;
	}
	if (r->depth >= TMPL_MAX_DEPTH) {
		set_err(r->err, r->errlen, t, tk->off, "partials nested deeper than %d (a recursion?)",
			TMPL_MAX_DEPTH);
		return -1;
	}
	bool failed = false;
	char perr[512] = "";
	*out = r->get ? r->get(r->get_ud, name, n, perr, sizeof(perr), &failed) : NULL;
	if (failed) {
		/* the partial's own error, at its own position ("NAME:LINE:COL: ...") */
		if (r->err && r->errlen)
			snprintf(r->err, r->errlen, "%s", perr);
		return -1;
	}
	if (!*out && (r->opts->flags & TMPL_STRICT)) {
		set_err(r->err, r->errlen, t, tk->off, "unknown partial '%.*s'", (int)n, name);
		return -1;
	}
	return 0;
}

/* Render toks of template t with extra indentation (standalone sites). */
static int render_indented(struct render *r, const struct tpl *t, const struct tok *toks,
			   size_t n, const struct args *args, const struct tok *site)
{
	size_t on = r->nindent;
	if (site->standalone && site->nindent) {
		r->indent.len = on;
		sb_add(&r->indent, site->indent, site->nindent);
		r->nindent = r->indent.len;
		r->bol = true;
	}
	r->depth++;
	int rc = render_toks(r, t, toks, n, args);
	r->depth--;
	r->nindent = on;
	return rc;
}

/* The argument for block name: the outermost parent's wins (the spec's precedence). */
static const struct tok *find_arg(const struct args *args, const char *name, size_t n,
				  const struct tpl **tpl)
{
	const struct tok *found = NULL;
	for (const struct args *a = args; a; a = a->up) {
		long at = a->at ? strmap_get(a->at, name, n) : -1;
		if (at >= 0) {
			found = &a->blocks[at];
			*tpl = a->tpl;
		}
		for (size_t i = 0; !a->at && i < a->n; i++)
			if (a->blocks[i].kind == T_BLOCK && a->blocks[i].n == n &&
			    memcmp(a->blocks[i].s, name, n) == 0) {
				found = &a->blocks[i];
				*tpl = a->tpl;
			}
	}
	return found;
}

static int render_toks(struct render *r, const struct tpl *t, const struct tok *toks, size_t n,
		       const struct args *args)
{
	if (n && ++r->levels > TMPL_MAX_LEVELS) {
		set_err(r->err, r->errlen, t, toks[0].off, "sections and partials nested deeper than %d",
			TMPL_MAX_LEVELS);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (++r->steps > TMPL_MAX_STEPS) {
			set_err(r->err, r->errlen, t, toks[i].off, "the render takes more than %u steps",
				TMPL_MAX_STEPS);
			rc = -1;
			break;
		}
		rc = render_tok(r, t, &toks[i], args);
		if (rc == 0 && r->out->len - r->start > TMPL_MAX_OUTPUT) {
			set_err(r->err, r->errlen, t, toks[i].off, "the output is larger than %u bytes",
				TMPL_MAX_OUTPUT);
			rc = -1;
		}
	}
	if (n)
		r->levels--;
	return rc;
}

static int render_tok(struct render *r, const struct tpl *t, const struct tok *tk,
		      const struct args *args)
{
	switch (tk->kind) {
	case T_TEXT:
		emit_text(r, tk->s, tk->n, tk->bol, tk->dedent);
		break;
	case T_VAR:
	case T_RAW:
		if (interpolate(r, t, tk) < 0)
			return -1;
		break;
	case T_SECTION: {
		const struct node *v = lookup(r, tk->s, tk->n);
		if (falsy(v))
			break;
		if (v->kind == NODE_SEQ) {
			for (size_t k = 0; k < v->n; k++) {
				push(r, v->items[k]);
				int rc = render_toks(r, t, tk->body, tk->nbody, args);
				r->nstack--;
				if (rc < 0)
					return -1;
			}
		} else {
			push(r, v);
			int rc = render_toks(r, t, tk->body, tk->nbody, args);
			r->nstack--;
			if (rc < 0)
				return -1;
		}
		break;
	}
	case T_INVERTED:
		if (falsy(lookup(r, tk->s, tk->n)) &&
		    render_toks(r, t, tk->body, tk->nbody, args) < 0)
			return -1;
		break;
	case T_PARTIAL: {
		const struct tpl *p;
		if (resolve_tpl(r, t, tk, &p) < 0)
			return -1;
		if (p && render_indented(r, p, p->toks, p->ntoks, args, tk) < 0)
			return -1;
		break;
	}
	case T_PARENT: {
		const struct tpl *p;
		if (resolve_tpl(r, t, tk, &p) < 0)
			return -1;
		struct args na = { .blocks = tk->body, .n = tk->nbody, .at = tk->blocks, .tpl = t,
				   .up = args };
		if (p && render_indented(r, p, p->toks, p->ntoks, &na, tk) < 0)
			return -1;
		break;
	}
	case T_BLOCK: {
		const struct tpl *bt = t;
		const struct tok *arg = find_arg(args, tk->s, tk->n, &bt);
		const struct tok *body = arg ? arg : tk;
		if (r->depth >= TMPL_MAX_DEPTH) {
			set_err(r->err, r->errlen, t, tk->off, "blocks nested deeper than %d",
				TMPL_MAX_DEPTH);
			return -1;
		}
		if (render_indented(r, bt, body->body, body->nbody, args, tk) < 0)
			return -1;
		break;
	}
	default:
		break;
	}
	return 0;
}

/* The render's own heap memory (out is the caller's). */
static void render_release(void *arg)
{
	struct render *r = arg;
	free(r->stack);
	r->stack = NULL;
	sb_release(&r->indent);
}

static int render_tpl(const struct tpl *t, const struct node *view, const struct tmpl_opts *opts,
		      tpl_get_fn get, void *get_ud, struct strbuf *out, char *err, size_t errlen)
{
	struct render r = { .opts = opts, .get = get, .get_ud = get_ud, .out = out,
			    .indent = STRBUF_INIT, .bol = true, .err = err, .errlen = errlen,
			    .start = out->len };
	if (err && errlen)
		err[0] = '\0';
	size_t start = out->len;
	struct oom_guard guard;
	oom_guard_push(&guard, render_release, &r);
	if (view)
		push(&r, view);
	int rc = render_toks(&r, t, t->toks, t->ntoks, NULL);
	if (rc < 0 && out->buf) {
		out->len = start;
		out->buf[start] = '\0';
	}
	oom_guard_pop(&guard);
	render_release(&r);
	return rc;
}

/* ---- tmpl_render: templates from text and a load callback ----------------------- */

struct call_cache {
	struct arena *a;
	const struct tmpl_opts *opts;
	struct cached {
		const char *name;
		size_t n;
		const struct tpl *t;
		bool failed;
		char *err;
	} *v;
	size_t nv, capv;
};

static const struct tpl *call_get(void *ud, const char *name, size_t n, char *err, size_t errlen,
				  bool *failed)
{
	struct call_cache *c = ud;
	for (size_t i = 0; i < c->nv; i++)
		if (c->v[i].n == n && memcmp(c->v[i].name, name, n) == 0) {
			if (c->v[i].failed) {
				*failed = true;
				snprintf(err, errlen, "%s", c->v[i].err);
			}
			return c->v[i].t;
		}
	struct cached e = { .name = arena_strndup(c->a, name, n), .n = n };
	if (c->opts->load) {
		size_t len = 0;
		const char *text = c->opts->load(c->opts->load_ud, e.name, &len);
		if (text) {
			char perr[512];
			e.t = tpl_parse(c->a, e.name, text, len, 0, perr, sizeof(perr));
			if (!e.t) {
				e.failed = true;
				e.err = arena_strdup(c->a, perr);
				*failed = true;
				snprintf(err, errlen, "%s", perr);
			}
		}
	}
	ARENA_PUSH(c->a, c->v, c->nv, c->capv, e);
	return e.t;
}

int tmpl_render(const char *name, const char *text, size_t len, const struct node *view,
		const struct tmpl_opts *opts, struct strbuf *out, char *err, size_t errlen)
{
	struct arena a;
	struct oom_guard guard;
	arena_init(&a);
	oom_guard_arena(&guard, &a);
	struct call_cache cache = { .a = &a, .opts = opts };
	int rc = -1;
	const struct tpl *t = tpl_parse(&a, name ? name : "template", text ? text : "", text ? len : 0,
					0, err, errlen);
	if (t)
		rc = render_tpl(t, view, opts, call_get, &cache, out, err, errlen);
	oom_guard_pop(&guard);
	arena_release(&a);
	return rc;
}

/* ---- tmpl_set: the templates of a run ----------------------------------------- */

struct set_entry {
	const char *name;
	const struct tpl *t;	/* NULL: not found or broken */
	bool broken;		/* found, but it cannot be parsed (SPEC012 already reported) */
	char *err;
};

struct tmpl_set {
	struct ctx *ctx;
	struct set_entry *v;
	size_t n, cap;
	struct strmap at;	/* name -> index in v */
	struct strmap reported;	/* render errors already reported (one diagnostic each,
				 * however many environments hit them) */
};

struct tmpl_set *tmpl_set_open(struct ctx *ctx)
{
	struct tmpl_set *t = arena_alloc(&ctx->perm, sizeof(*t));
	t->ctx = ctx;
	return t;
}

void tmpl_set_free(struct tmpl_set *t)
{
	(void)t;	/* everything lives in ctx->perm */
}

/* Template names are paths under templates/: no "..", no absolute paths, a plain
 * character set (a dynamic partial name can come from the view). */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '/' || s[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-' || c == '/';
		if (!ok)
			return false;
		if (c == '.' && (i == 0 || s[i - 1] == '/') && (i + 1 == n || s[i + 1] == '/' ||
								 s[i + 1] == '.'))
			return false;
		if (c == '/' && i > 0 && s[i - 1] == '/')
			return false;
	}
	return true;
}

/* Note err as reported; false if it was already. */
static bool first_report(struct tmpl_set *ts, const char *err)
{
	if (strmap_get(&ts->reported, err, strlen(err)) >= 0)
		return false;
	const char *keep = arena_strdup(&ts->ctx->perm, err);
	strmap_put(&ts->ctx->perm, &ts->reported, keep, strlen(keep), 0);
	return true;
}

static struct set_entry *set_load(struct tmpl_set *ts, const char *name, size_t n)
{
	long at = strmap_get(&ts->at, name, n);
	if (at >= 0)
		return &ts->v[at];
	struct ctx *ctx = ts->ctx;
	struct set_entry e = { .name = arena_strndup(&ctx->perm, name, n) };
	if (name_ok(name, n)) {
		char *rel = arena_printf(&ctx->perm, "templates/%s", e.name);
		bool exists = false;
		struct srcfile *f = srcfile_read_data(ctx, rel, &exists);
		if (exists && !f) {
			e.broken = true;	/* SPEC012 from srcfile */
			e.err = arena_printf(&ctx->perm, "template '%s' cannot be read", e.name);
		} else if (f) {
			char err[512];
			e.t = tpl_parse(&ctx->perm, e.name, f->data, f->len, f->id, err, sizeof(err));
			if (!e.t) {
				e.broken = true;
				e.err = arena_strdup(&ctx->perm, err);
				/* err starts with "NAME:LINE:COL: " */
				size_t line = 0, col = 0;
				const char *msg = err + strlen(e.name);
				if (sscanf(msg, ":%zu:%zu: ", &line, &col) == 2) {
					msg = strchr(msg + 1, ':');
					msg = msg ? strchr(msg + 1, ':') : NULL;
					msg = msg ? msg + 2 : err;
				} else {
					msg = err;
				}
				diag_add(ctx, "SPEC012", NULL,
					 (struct loc){ .file = f->id, .line = (uint32_t)line, .col = (uint32_t)col },
					 "template '%s': %s", e.name, msg);
				first_report(ts, e.err);
			}
		}
	}
	ARENA_PUSH(&ctx->perm, ts->v, ts->n, ts->cap, e);
	strmap_put(&ctx->perm, &ts->at, e.name, n, ts->n - 1);
	return &ts->v[ts->n - 1];
}

static const struct tpl *set_get(void *ud, const char *name, size_t n, char *err, size_t errlen,
				 bool *failed)
{
	struct set_entry *e = set_load(ud, name, n);
	if (e->broken) {
		*failed = true;
		snprintf(err, errlen, "%s", e->err);
	}
	return e->t;
}

/* Turn "NAME:LINE:COL: what" back into a location in the named template's file. */
static void set_report(struct tmpl_set *ts, const char *top, const char *err)
{
	struct ctx *ctx = ts->ctx;
	if (!first_report(ts, err))
		return;
	struct loc at = { 0 };
	const char *name = top, *msg = err;
	/* the longest known template name that prefixes err, up to a ':' */
	size_t best = 0;
	for (size_t l = strlen(err); l-- > 0 && !best;) {
		long i = err[l] == ':' ? strmap_get(&ts->at, err, l) : -1;
		if (i >= 0 && ts->v[i].t) {
			best = l;
			name = ts->v[i].name;
			at.file = ts->v[i].t->file;
		}
	}
	if (best) {
		size_t line = 0, col = 0;
		int used = 0;
		if (sscanf(err + best, ":%zu:%zu: %n", &line, &col, &used) == 2 && used > 0) {
			at.line = (uint32_t)line;
			at.col = (uint32_t)col;
			msg = err + best + used;
		}
	}
	diag_add(ctx, "SPEC012", NULL, at, "template '%s': %s", name, msg);
}

int tmpl_set_render(struct tmpl_set *t, const char *name, const struct node *view,
		    enum tmpl_escape esc, struct strbuf *out)
{
	struct set_entry *e = set_load(t, name, strlen(name));
	if (e->broken)
		return -1;
	if (!e->t) {
		diag_add(t->ctx, "SPEC012", NULL, (struct loc){ 0 },
			 "template '%s' not found in templates/ of the repository or of the installation",
			 name);
		return -1;
	}
	struct tmpl_opts opts = { .esc = esc, .flags = TMPL_RAW_FRAGMENTS | TMPL_STRICT };
	char err[1024];
	if (render_tpl(e->t, view, &opts, set_get, t, out, err, sizeof(err)) < 0) {
		set_report(t, name, err);
		return -1;
	}
	return 0;
}

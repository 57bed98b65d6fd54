/*
 * tfvars.c - the tfvars subset of HCL (tfvars.h): one pass over the file, a recursive
 * descent bounded by TFVARS_MAX_DEPTH, every value a node located where it starts.
 *
 * Errors are SPEC012 at the character that is wrong; the reader then skips to the next
 * line that starts with a name in column 1 (where attributes start), so that one run
 * reports every bad attribute. Each byte is looked at a bounded number of times (a
 * skipped region is never read again), so the whole is linear in the file's size.
 */
#include "tfvars.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

struct tv {
	struct ctx *ctx;
	struct arena *a;
	const struct srcfile *f;
	const char *env;
	const char *s;		/* f->data */
	size_t len, pos;
	int depth;
	bool failed;		/* some error in the file */
};

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static struct loc at(const struct tv *t, size_t off)
{
	return srcfile_loc(t->f, off);
}

/* An error at byte off: reported, and NULL for the caller to return. */
static struct node *fail(struct tv *t, size_t off, const char *fmt, ...) ATTR_PRINTF(3, 4);
static struct node *fail(struct tv *t, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(t->ctx, "SPEC012", t->env, at(t, off), fmt, ap);
	va_end(ap);
	t->failed = true;
	return NULL;
}

static char peek(const struct tv *t)
{
	return t->pos < t->len ? t->s[t->pos] : '\0';
}

/*
 * Skip blanks and comments; with newlines, line ends too. Returns false after reporting
 * an unterminated block comment.
 */
static bool skip_space(struct tv *t, bool newlines)
{
	while (t->pos < t->len) {
		char c = t->s[t->pos];
		if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
			t->pos++;
		} else if (c == '#' || (c == '/' && t->pos + 1 < t->len && t->s[t->pos + 1] == '/')) {
			while (t->pos < t->len && t->s[t->pos] != '\n')
				t->pos++;
		} else if (c == '/' && t->pos + 1 < t->len && t->s[t->pos + 1] == '*') {
			const char *e = NULL;
			for (size_t i = t->pos + 2; i + 1 < t->len && !e; i++)
				if (t->s[i] == '*' && t->s[i + 1] == '/')
					e = t->s + i;
			if (!e) {
				fail(t, t->pos, "unterminated comment '/*'");
				t->pos = t->len;
				return false;
			}
			t->pos = (size_t)(e - t->s) + 2;
		} else {
			break;
		}
	}
	return true;
}

static struct node *value(struct tv *t);

/* ---- strings ------------------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	sb_add(sb, b, n);
}

/* \u and \U: n hex digits at t->pos into sb; false after reporting. */
static bool unicode_escape(struct tv *t, size_t esc, int n, struct strbuf *sb)
{
	uint32_t cp = 0;
	for (int i = 0; i < n; i++) {
		int h = t->pos < t->len ? hexval(t->s[t->pos]) : -1;
		if (h < 0)
			return fail(t, esc, "'\\%c' needs %d hexadecimal digits", n == 4 ? 'u' : 'U',
				    n), false;
		cp = cp << 4 | (uint32_t)h;
		t->pos++;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(t, esc, "'\\%c' names no character (U+%04X)", n == 4 ? 'u' : 'U',
			    (unsigned)cp), false;
	put_utf8(sb, cp);
	return true;
}

/* One escape after a backslash (t->pos at the character after it); false after reporting. */
static bool escape(struct tv *t, struct strbuf *sb)
{
	size_t esc = t->pos - 1;
	char c = peek(t);
	static const char from[] = "nrt\"\\", to[] = "\n\r\t\"\\";
	const char *k = c ? strchr(from, c) : NULL;
	t->pos++;
	if (k) {
		sb_putc(sb, to[k - from]);
		return true;
	}
	if (c == 'u' || c == 'U')
		return unicode_escape(t, esc, c == 'u' ? 4 : 8, sb);
	t->pos = esc;
	return fail(t, esc, "unknown escape '\\%c' (known: \\n \\r \\t \\\" \\\\ \\uNNNN "
			    "\\UNNNNNNNN)", c >= ' ' && c < 0x7f ? c : '?'), false;
}

/*
 * '$' or '%' at t->pos of a string or heredoc: "$${" and "%%{" are the literal "${"
 * and "%{"; "${" and "%{" (templates) are refused. false after reporting.
 */
static bool template_char(struct tv *t, struct strbuf *sb)
{
	char c = t->s[t->pos];
	const char *p = t->s + t->pos;
	size_t left = t->len - t->pos;
	if (left >= 3 && p[1] == c && p[2] == '{') {
		sb_putc(sb, c);
		sb_putc(sb, '{');
		t->pos += 3;
		return true;
	}
	if (left >= 2 && p[1] == '{')
		return fail(t, t->pos, "%s '%c{' needs evaluating: a tfvars value must be a "
				       "literal (write '%c%c{' for the characters)",
			    c == '$' ? "interpolation" : "template directive", c, c, c), false;
	sb_putc(sb, c);
	t->pos++;
	return true;
}

static struct node *str_node(struct tv *t, const struct strbuf *sb, size_t start)
{
	struct node *n = node_str(t->a, sb->len ? sb->buf : "", sb->len, at(t, start));
	n->flags |= NODE_QUOTED;
	struct loc e = at(t, t->pos ? t->pos - 1 : 0);
	n->loc.end_line = e.line;
	n->loc.end_col = e.col;
	return n;
}

/* A quoted string, t->pos at its opening quote. */
static struct node *quoted(struct tv *t, struct strbuf *sb)
{
	size_t start = t->pos++;
	for (;;) {
		char c = peek(t);
		if (t->pos >= t->len || c == '\n')
			return fail(t, start, "unterminated string (a quoted string ends on its line)");
		if (c == '"')
			break;
		if (c == '\\') {
			t->pos++;
			if (!escape(t, sb))
				return NULL;
		} else if (c == '$' || c == '%') {
			if (!template_char(t, sb))
				return NULL;
		} else {
			sb_putc(sb, c);
			t->pos++;
		}
	}
	t->pos++;
	return str_node(t, sb, start);
}

/* ---- heredocs ----------------------------------------------------------------------- */

/* The line [b, e) without its blanks, is it exactly the delimiter? */
static bool is_delim(const char *b, const char *e, const char *d, size_t dn)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (size_t)(e - b) == dn && memcmp(b, d, dn) == 0;
}

/* Leading spaces and tabs of the line at off. */
static size_t indent_of(const char *s, size_t off, size_t end)
{
	size_t n = 0;
	while (off + n < end && (s[off + n] == ' ' || s[off + n] == '\t'))
		n++;
	return n;
}

/*
 * The body [b, e) of a heredoc into sb, each line without its first strip characters
 * (<<-: the least indentation of its non-blank lines); '$' and '%' as in strings.
 */
static bool heredoc_body(struct tv *t, size_t b, size_t e, size_t strip, struct strbuf *sb)
{
	for (size_t line = b; line < e;) {
		const char *nl = memchr(t->s + line, '\n', e - line);
		size_t lend = nl ? (size_t)(nl - t->s) + 1 : e;
		size_t ind = indent_of(t->s, line, lend);
		t->pos = line + (ind < strip ? ind : strip);
		while (t->pos < lend) {
			char c = t->s[t->pos];
			if (c == '$' || c == '%') {
				if (!template_char(t, sb))
					return false;
			} else {
				sb_putc(sb, c);
				t->pos++;
			}
		}
		line = lend;
	}
	return true;
}

/* "<<EOT" or "<<-EOT", t->pos at the first '<'. */
static struct node *heredoc(struct tv *t, struct strbuf *sb)
{
	size_t start = t->pos;
	t->pos += 2;
	bool indented = peek(t) == '-';
	t->pos += indented;
	size_t d = t->pos;
	while (t->pos < t->len && is_name(t->s[t->pos]))
		t->pos++;
	size_t dn = t->pos - d;
	if (dn == 0 || !is_name_start(t->s[d]))
		return fail(t, d, "a heredoc needs a delimiter name after '%s'",
			    indented ? "<<-" : "<<");
	while (peek(t) == ' ' || peek(t) == '\t' || peek(t) == '\r')
		t->pos++;
	if (peek(t) != '\n')
		return fail(t, t->pos, "a heredoc's first line ends after its delimiter");
	size_t body = ++t->pos, strip = SIZE_MAX, end = SIZE_MAX;
	for (size_t line = body; line < t->len && end == SIZE_MAX;) {
		const char *nl = memchr(t->s + line, '\n', t->len - line);
		size_t lend = nl ? (size_t)(nl - t->s) : t->len;
		if (is_delim(t->s + line, t->s + lend, t->s + d, dn)) {
			end = line;
			t->pos = lend;
			break;
		}
		size_t ind = indent_of(t->s, line, lend);
		if (ind < lend - line && ind < strip)
			strip = ind;
		line = lend + 1;
	}
	if (end == SIZE_MAX) {
		t->pos = t->len;	/* nothing after it can be told from its body */
		return fail(t, start, "unterminated heredoc: no line '%.*s' ends it", (int)dn,
			    t->s + d);
	}
	size_t after = t->pos;
	if (!heredoc_body(t, body, end, indented && strip != SIZE_MAX ? strip : 0, sb))
		return NULL;
	t->pos = after;
	return str_node(t, sb, start);
}

/* ---- numbers and keywords --------------------------------------------------------- */

static size_t digits(const struct tv *t, size_t p)
{
	while (p < t->len && t->s[p] >= '0' && t->s[p] <= '9')
		p++;
	return p;
}

static struct node *number(struct tv *t)
{
	size_t start = t->pos, p = start + (t->s[start] == '-' || t->s[start] == '+');
	size_t q = digits(t, p);
	if (q == p)
		return fail(t, start, "a sign must be followed by a number (operators need "
				      "evaluating: a tfvars value must be a literal)");
	bool integral = true;
	if (q < t->len && t->s[q] == '.') {
		size_t r = digits(t, q + 1);
		if (r == q + 1)
			return fail(t, q, "a number's '.' must be followed by digits");
		q = r, integral = false;
	}
	if (q < t->len && (t->s[q] | 0x20) == 'e') {
		size_t r = q + 1 + (q + 1 < t->len && (t->s[q + 1] == '+' || t->s[q + 1] == '-'));
		size_t w = digits(t, r);
		if (w == r)
			return fail(t, q, "a number's exponent needs digits");
		q = w, integral = false;
	}
	char *text = arena_strndup(t->a, t->s + start, q - start);
	struct node *n = node_new(t->a, NODE_INT, at(t, start));
	n->str = text;
	n->len = (uint32_t)(q - start);
	errno = 0;
	char *endp;
	long long i = integral ? strtoll(text, &endp, 10) : 0;
	if (integral && errno == 0) {
		n->v.i = i;
	} else {
		n->kind = NODE_FLOAT;
		n->v.f = strtod(text, &endp);
		if (!isfinite(n->v.f))
			return fail(t, start, "number '%s' is out of range", text);
	}
	t->pos = q;
	return n;
}

/* A name where a value belongs: true, false, null, or a refusal saying what it is. */
static struct node *keyword(struct tv *t)
{
	size_t start = t->pos;
	while (t->pos < t->len && (is_name(t->s[t->pos]) || t->s[t->pos] == '.'))
		t->pos++;
	size_t n = t->pos - start;
	const char *w = t->s + start;
	struct node *nd = NULL;
	if (n == 4 && memcmp(w, "true", 4) == 0)
		nd = node_new(t->a, NODE_BOOL, at(t, start)), nd->v.b = true;
	else if (n == 5 && memcmp(w, "false", 5) == 0)
		nd = node_new(t->a, NODE_BOOL, at(t, start));
	else if (n == 4 && memcmp(w, "null", 4) == 0)
		nd = node_new(t->a, NODE_NULL, at(t, start));
	if (nd) {
		nd->str = arena_strndup(t->a, w, n);
		nd->len = (uint32_t)n;
		return nd;
	}
	if (n == 3 && memcmp(w, "for", 3) == 0)
		return fail(t, start, "a 'for' expression needs evaluating: a tfvars value must be "
				      "a literal");
	skip_space(t, false);
	if (peek(t) == '(')
		return fail(t, start, "function call '%.*s(...)' needs evaluating: a tfvars value "
				      "must be a literal", (int)(n > 64 ? 64 : n), w);
	return fail(t, start, "reference '%.*s' needs evaluating: a tfvars value must be a "
			      "literal (quote a string)", (int)(n > 64 ? 64 : n), w);
}

/* ---- tuples and objects ------------------------------------------------------------- */

static bool enter(struct tv *t)
{
	if (t->depth >= TFVARS_MAX_DEPTH) {
		fail(t, t->pos, "nesting is too deep (more than %d levels)", TFVARS_MAX_DEPTH);
		return false;
	}
	t->depth++;
	return true;
}

static void end_loc(struct tv *t, struct node *n)
{
	struct loc e = at(t, t->pos - 1);
	n->loc.end_line = e.line;
	n->loc.end_col = e.col;
}

/* "[ v, v, ... ]", t->pos at '[': items separated by commas (one may trail). */
static struct node *tuple(struct tv *t)
{
	if (!enter(t))
		return NULL;
	struct node *n = node_new(t->a, NODE_SEQ, at(t, t->pos));
	size_t cap = 0, count = 0;
	t->pos++;
	for (;;) {
		if (!skip_space(t, true))
			return NULL;
		if (peek(t) == ']')
			break;
		struct node *v = value(t);
		if (!v)
			return NULL;
		ARENA_PUSH(t->a, n->items, count, cap, v);
		if (!skip_space(t, true))
			return NULL;
		if (peek(t) == ',')
			t->pos++;
		else if (peek(t) != ']')
			return fail(t, t->pos, t->pos < t->len ? "expected ',' or ']' in a list"
							       : "unterminated list: no ']'");
	}
	t->pos++;
	n->n = (uint32_t)count;
	end_loc(t, n);
	t->depth--;
	return n;
}

/* Append k: v to the map m, whose arrays have room for cap[0] keys and cap[1] values. */
static void map_push(struct arena *a, struct node *m, size_t cap[2], struct node *k,
		     struct node *v)
{
	size_t n = m->n;
	ARENA_PUSH(a, m->keys, n, cap[0], k);
	n = m->n;
	ARENA_PUSH(a, m->items, n, cap[1], v);
	m->n = (uint32_t)n;
}

/* An object's key: a name or a quoted string. */
static struct node *object_key(struct tv *t, struct strbuf *sb)
{
	if (peek(t) == '"') {
		sb_reset(sb);
		return quoted(t, sb);
	}
	if (!is_name_start(peek(t)))
		return fail(t, t->pos, t->pos < t->len ? "expected a key (a name or a quoted "
							 "string) or '}' in a map"
						       : "unterminated map: no '}'");
	size_t start = t->pos;
	while (t->pos < t->len && is_name(t->s[t->pos]))
		t->pos++;
	return node_str(t->a, t->s + start, t->pos - start, at(t, start));
}

/* One "key = value" of an object into n; false after reporting. */
static bool object_item(struct tv *t, struct node *n, size_t cap[2], struct strmap *seen,
			struct strbuf *sb)
{
	size_t kpos = t->pos;
	struct node *k = object_key(t, sb);
	if (!k)
		return false;
	skip_space(t, false);
	if (peek(t) != '=' && peek(t) != ':')
		return fail(t, t->pos, "expected '=' after the key '%s'", k->str), false;
	t->pos++;
	skip_space(t, false);
	struct node *v = value(t);
	if (!v)
		return false;
	if (!strmap_put(t->a, seen, k->str, k->len, n->n))
		return fail(t, kpos, "key '%s' is given twice in this map", k->str), false;
	map_push(t->a, n, cap, k, v);
	return true;
}

/* "{ k = v, k = v ... }", t->pos at '{': items separated by commas or newlines. */
static struct node *object(struct tv *t)
{
	if (!enter(t))
		return NULL;
	struct node *n = node_new(t->a, NODE_MAP, at(t, t->pos));
	size_t cap[2] = { 0, 0 };
	struct strmap seen = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &sb);
	t->pos++;
	struct node *r = n;
	for (;;) {
		if (!skip_space(t, true)) {
			r = NULL;
			break;
		}
		if (peek(t) == '}')
			break;
		if (!object_item(t, n, cap, &seen, &sb)) {
			r = NULL;
			break;
		}
		if (!skip_space(t, false)) {
			r = NULL;
			break;
		}
		char c = peek(t);
		if (c == ',' || c == '\n')
			t->pos++;
		else if (c != '}') {
			r = fail(t, t->pos, t->pos < t->len ? "expected ',', a new line or '}' in a "
							      "map"
							    : "unterminated map: no '}'");
			break;
		}
	}
	oom_guard_pop(&g);
	sb_release(&sb);
	if (!r)
		return NULL;
	t->pos++;
	end_loc(t, n);
	t->depth--;
	return n;
}

/* ---- values and attributes ---------------------------------------------------------- */

static struct node *string_value(struct tv *t, bool here)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &sb);
	struct node *n = here ? heredoc(t, &sb) : quoted(t, &sb);
	oom_guard_pop(&g);
	sb_release(&sb);
	return n;
}

static struct node *value(struct tv *t)
{
	char c = peek(t);
	if (c == '"')
		return string_value(t, false);
	if (c == '<' && t->pos + 1 < t->len && t->s[t->pos + 1] == '<')
		return string_value(t, true);
	if (c == '[')
		return tuple(t);
	if (c == '{')
		return object(t);
	if ((c >= '0' && c <= '9') || c == '-' || c == '+')
		return number(t);
	if (is_name_start(c))
		return keyword(t);
	if (t->pos >= t->len || c == '\n')
		return fail(t, t->pos, "expected a value");
	if (c == '(')
		return fail(t, t->pos, "parentheses need evaluating: a tfvars value must be a "
				       "literal");
	return fail(t, t->pos, "unexpected '%c' where a value belongs", c >= ' ' && c < 0x7f ? c
											    : '?');
}

/* After an error: the next line that starts with a name (where attributes start). */
static void recover(struct tv *t, size_t from)
{
	size_t p = from < t->len ? from : t->len;
	for (;;) {
		const char *nl = memchr(t->s + p, '\n', t->len - p);
		if (!nl) {
			t->pos = t->len;
			return;
		}
		p = (size_t)(nl - t->s) + 1;
		if (p < t->len && is_name_start(t->s[p])) {
			t->pos = p;
			return;
		}
	}
}

/* What follows a complete value: blanks, a comment, then the end of the line. */
static bool line_end(struct tv *t)
{
	if (!skip_space(t, false))
		return false;
	if (t->pos >= t->len || peek(t) == '\n')
		return true;
	char c = peek(t);
	if (c == '?' || strchr("+-*/%<>=!&|.", c))
		fail(t, t->pos, "operator '%c' needs evaluating: a tfvars value must be a literal",
		     c);
	else
		fail(t, t->pos, "expected the end of the line after the value");
	return false;
}

/* One attribute "name = value" at t->pos (a name start) into the top map. */
static bool attribute(struct tv *t, struct node *top, size_t cap[2], struct strmap *seen)
{
	size_t start = t->pos;
	while (t->pos < t->len && is_name(t->s[t->pos]))
		t->pos++;
	struct node *k = node_str(t->a, t->s + start, t->pos - start, at(t, start));
	skip_space(t, false);
	char c = peek(t);
	if (c == '{' || c == '"')
		return fail(t, start, "'%s' starts a block: a tfvars file holds only attributes "
				      "'name = value'", k->str), false;
	if (c != '=' || (t->pos + 1 < t->len && t->s[t->pos + 1] == '='))
		return fail(t, t->pos, "expected '=' after the name '%s'", k->str), false;
	t->pos++;
	skip_space(t, false);
	t->depth = 0;
	struct node *v = value(t);
	if (!v || !line_end(t))
		return false;
	long prev = strmap_get(seen, k->str, k->len);
	if (prev >= 0) {
		struct diag *d = diag_add(t->ctx, "SPEC012", t->env, k->loc,
					  "'%s' is set twice", k->str);
		diag_note(t->ctx, d, top->keys[prev]->loc, "first set here");
		t->failed = true;
		return false;
	}
	strmap_put(t->a, seen, k->str, k->len, top->n);
	map_push(t->a, top, cap, k, v);
	return true;
}

struct node *tfvars_parse(struct ctx *ctx, struct arena *a, const struct srcfile *f,
			  const char *env)
{
	struct tv t = { ctx, a, f, env, f->data, f->len, 0, 0, false };
	struct node *top = node_map(a, (struct loc){ .file = f->id }, 0);
	size_t cap[2] = { 0, 0 };
	struct strmap seen = { 0 };
	while (t.pos < t.len) {
		if (!skip_space(&t, true))
			break;
		if (t.pos >= t.len)
			break;
		size_t here = t.pos;
		if (!is_name_start(peek(&t))) {
			fail(&t, here, "expected an attribute 'name = value'");
			recover(&t, here);
			continue;
		}
		if (!attribute(&t, top, cap, &seen))
			recover(&t, t.pos > here ? t.pos : here);
	}
	if (t.failed)
		return NULL;
	node_map_index(a, top);
	return top;
}

/*
 * emit/helm_yaml.c - the helm back end's writers: block YAML from a values tree (every
 * string through tmpl_escape(ESC_YAML), numbers and booleans canonical, nulls omitted,
 * literal blocks only when provably equivalent, flow style past Y_FLOW_INDENT) and Python
 * literals for the dask-gateway options snippet (ASCII only, so the snippet is safe both
 * as Python and inside a YAML literal block). See helm.c for the values they write.
 */
#include "helm_int.h"

#include <math.h>
#include <string.h>

/* ---- the YAML writer (typed helper: escapes exactly as ESC_YAML) -------------------- */

static void y_indent(struct strbuf *sb, int n)
{
	for (int i = 0; i < n; i++)
		sb_putc(sb, ' ');
}

/* A float as YAML 1.1 and 1.2 both read it back as the same float (never 1e3). */
static void y_float(struct strbuf *sb, double f)
{
	if (isnan(f)) {
		sb_puts(sb, ".nan");
		return;
	}
	if (isinf(f)) {
		sb_puts(sb, f < 0 ? "-.inf" : ".inf");
		return;
	}
	char buf[64];
	snprintf(buf, sizeof(buf), "%.15g", f);
	if (strchr(buf, 'e') || strchr(buf, 'E'))
		snprintf(buf, sizeof(buf), "%.6f", f);
	sb_puts(sb, buf);
	if (!strchr(buf, '.'))
		sb_puts(sb, ".0");
}

/*
 * Can s be written as a literal block scalar (|, |-) that reads back as exactly s? Only
 * several lines of printable text: no control character but the newlines, none of the
 * characters YAML parsers treat as line breaks or BOM (U+0085, U+2028, U+2029, U+FEFF),
 * no leading blank line or space (the indentation would be misread), no trailing
 * whitespace on a line (yamllint), at most one final newline (no "keep" chomping).
 */
static bool y_literal_ok(const char *s, size_t n)
{
	if (!memchr(s, '\n', n) || n == 0 || s[0] == ' ' || s[0] == '\n')
		return false;
	if (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\n')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
				return false;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85)
			return false;
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
			return false;
		if (c == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbb &&
		    (unsigned char)s[i + 2] == 0xbf)
			return false;
	}
	return s[n - 1] != ' ';
}

static void y_literal(struct strbuf *sb, const char *s, size_t n, int indent)
{
	bool final_nl = s[n - 1] == '\n';
	sb_puts(sb, final_nl ? "|" : "|-");
	size_t end = final_nl ? n - 1 : n;
	size_t i = 0;
	while (i <= end) {
		const char *nl = memchr(s + i, '\n', end - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : end - i;
		sb_putc(sb, '\n');
		if (len) {
			y_indent(sb, indent);
			sb_add(sb, s + i, len);
		}
		i += len + 1;
	}
}

static void y_string(struct strbuf *sb, const char *s, size_t n)
{
	if (tmpl_escape(ESC_YAML, s, n, sb) < 0)
		BUG("ESC_YAML refused a string");
}

#define Y_WIDTH 120	/* longer double-quoted scalars are continued on further lines */

/* Length of the escape sequence starting at q[i] ('\\'), as ESC_YAML writes them. */
static size_t y_esc_len(const char *q, size_t i, size_t n)
{
	size_t len = 2;
	if (i + 1 < n && q[i + 1] == 'x')
		len = 4;
	else if (i + 1 < n && q[i + 1] == 'u')
		len = 6;
	else if (i + 1 < n && q[i + 1] == 'U')
		len = 10;
	return i + len <= n ? len : n - i;
}

/*
 * A string value at the cursor, whose lines are at indent: ESC_YAML's scalar, and when a
 * double-quoted one would make the line longer than Y_WIDTH, the same scalar continued
 * on further lines with escaped line breaks ("\" at the end of a line: YAML drops the
 * break and the next line's indentation). Breaks fall only between characters, never
 * inside an escape sequence or a UTF-8 sequence, and never before a space or tab (the
 * continuation line's leading white space is not content), so the value reads back
 * exactly the same.
 */
static void y_string_at(struct strbuf *sb, const char *s, size_t n, int indent)
{
	struct strbuf q = STRBUF_INIT;
	struct oom_guard q_guard;
	oom_guard_strbuf(&q_guard, &q);
	y_string(&q, s, n);
	size_t col = sb->len;
	while (col > 0 && sb->buf[col - 1] != '\n')
		col--;
	col = sb->len - col;
	if (q.len == 0 || q.buf[0] != '"' || col + q.len <= Y_WIDTH) {
		sb_add(sb, q.buf, q.len);
		oom_guard_pop(&q_guard);
		sb_release(&q);
		return;
	}
	/* break before a word where possible, anywhere else past a hard limit */
	size_t start = 0, i = 1, line = col;
	while (i < q.len) {
		size_t step = q.buf[i] == '\\' ? y_esc_len(q.buf, i, q.len) : 1;
		while (q.buf[i] != '\\' && i + step < q.len &&
		       ((unsigned char)q.buf[i + step] & 0xc0) == 0x80)
			step++;
		size_t width = line + (i - start);
		bool word = q.buf[i - 1] == ' ' && width >= Y_WIDTH - 20;
		bool can_break = i + 1 < q.len && q.buf[i] != ' ' && q.buf[i] != '\t' &&
				 i > start + 8 && (word || width >= Y_WIDTH + 10);
		if (can_break) {
			sb_add(sb, q.buf + start, i - start);
			sb_puts(sb, "\\\n");
			y_indent(sb, indent);
			line = (size_t)indent;
			start = i;
		}
		i += step;
	}
	sb_add(sb, q.buf + start, q.len - start);
	oom_guard_pop(&q_guard);
	sb_release(&q);
}

bool y_present(const struct node *n)
{
	return n && n->kind != NODE_NULL;
}

static size_t y_count(const struct node *n)
{
	size_t c = 0;
	for (size_t i = 0; i < n->n; i++)
		c += y_present(n->items[i]);
	return c;
}


#define Y_FLOW_INDENT 64

static void y_scalar(struct strbuf *sb, const struct node *n);

/* n in flow style, on one line: ESC_YAML's scalars (plain ones hold no flow indicator)
 * for keys and strings, nulls left out as in block style. */
static void y_flow(struct strbuf *sb, const struct node *n)
{
	if (n->kind != NODE_MAP && n->kind != NODE_SEQ) {
		y_scalar(sb, n);
		return;
	}
	sb_putc(sb, n->kind == NODE_MAP ? '{' : '[');
	bool first = true;
	for (size_t i = 0; i < n->n; i++) {
		if (!y_present(n->items[i]))
			continue;
		if (!first)
			sb_puts(sb, ", ");
		first = false;
		if (n->kind == NODE_MAP) {
			/* implicit keys are limited to 1024 characters: long ones are explicit */
			if (n->keys[i]->len > 500)
				sb_puts(sb, "? ");
			y_string(sb, n->keys[i]->str, n->keys[i]->len);
			sb_puts(sb, ": ");
		}
		y_flow(sb, n->items[i]);
	}
	sb_putc(sb, n->kind == NODE_MAP ? '}' : ']');
}

/*
 * Write value n after "key:" (a space first) or after "- " (after_dash): scalars on the
 * same line, non-empty collections on the next lines at indent (a list item's first
 * entry on the dash's line). Ends with a newline.
 */
static void y_value(struct strbuf *sb, const struct node *n, int indent, bool after_dash)
{
	const char *sep = after_dash ? "" : " ";
	switch (n->kind) {
	case NODE_MAP:
	case NODE_SEQ:
		if (!y_count(n)) {
			sb_puts(sb, sep);
			sb_puts(sb, n->kind == NODE_MAP ? "{}\n" : "[]\n");
			return;
		}
		if (indent > Y_FLOW_INDENT) {
			sb_puts(sb, sep);
			y_flow(sb, n);
			sb_putc(sb, '\n');
			return;
		}
		if (after_dash) {
			/* "- " then the collection's first line inline: render it at indent
			 * and drop the first line's indentation */
			struct strbuf tmp = STRBUF_INIT;
			struct oom_guard tmp_guard;
			oom_guard_strbuf(&tmp_guard, &tmp);
			y_block(&tmp, n, indent);
			sb_add(sb, tmp.buf + indent, tmp.len - (size_t)indent);
			oom_guard_pop(&tmp_guard);
			sb_release(&tmp);
		} else {
			sb_putc(sb, '\n');
			y_block(sb, n, indent);
		}
		return;
	case NODE_STR:
		sb_puts(sb, sep);
		if (indent > Y_FLOW_INDENT)
			y_string(sb, n->str, n->len);
		else if (y_literal_ok(n->str, n->len))
			y_literal(sb, n->str, n->len, indent);
		else
			y_string_at(sb, n->str, n->len, indent);
		break;
	default:
		sb_puts(sb, sep);
		y_scalar(sb, n);
	}
	sb_putc(sb, '\n');
}

/* A number, boolean or (on one line) string. */
static void y_scalar(struct strbuf *sb, const struct node *n)
{
	switch (n->kind) {
	case NODE_STR:
		y_string(sb, n->str, n->len);
		break;
	case NODE_INT:
		sb_printf(sb, "%lld", (long long)n->v.i);
		break;
	case NODE_FLOAT:
		y_float(sb, n->v.f);
		break;
	case NODE_BOOL:
		sb_puts(sb, n->v.b ? "true" : "false");
		break;
	default:
		BUG("a %s reached the YAML writer as a scalar", node_kind_name(n->kind));
	}
}

/* The entries of a non-empty map or list, each line at indent. */
void y_block(struct strbuf *sb, const struct node *n, int indent)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct node *v = n->items[i];
		if (!y_present(v))
			continue;
		y_indent(sb, indent);
		if (n->kind == NODE_SEQ) {
			sb_puts(sb, "- ");
			y_value(sb, v, indent + 2, true);
			continue;
		}
		struct strbuf key = STRBUF_INIT;
		struct oom_guard key_guard;
		oom_guard_strbuf(&key_guard, &key);
		y_string(&key, n->keys[i]->str, n->keys[i]->len);
		/* implicit keys are limited to 1024 characters: longer ones are explicit */
		if (key.len > 1000) {
			sb_puts(sb, "? ");
			sb_add(sb, key.buf, key.len);
			sb_putc(sb, '\n');
			y_indent(sb, indent);
		} else {
			sb_add(sb, key.buf, key.len);
		}
		oom_guard_pop(&key_guard);
		sb_release(&key);
		sb_putc(sb, ':');
		y_value(sb, v, indent + 2, false);
	}
}

/* "key:" and its value as a top-level document fragment, without the final newline. */
struct node *y_fragment(struct arena *a, const char *key, const struct node *val)
{
	struct node *m = v_map(a);
	v_set(a, m, key, (struct node *)val);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	y_block(&sb, m, 0);
	if (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.len--;
	struct node *f = v_fragment(a, sb.buf ? sb.buf : "", sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return f;
}

/* ---- Python literals for the dask-gateway options snippet -------------------------- */

/* A Python str literal of s: ASCII only (\uXXXX, \UXXXXXXXX for the rest). */
void py_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n;) {
		uint32_t cp = utf8_next(s, n, &i);
		if (cp == '"' || cp == '\\')
			sb_printf(sb, "\\%c", (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			sb_printf(sb, "\\x%02x", (unsigned)cp);
		else if (cp < 0x80)
			sb_putc(sb, (char)cp);
		else if (cp <= 0xffff)
			sb_printf(sb, "\\u%04x", (unsigned)cp);
		else
			sb_printf(sb, "\\U%08x", (unsigned)cp);
	}
	sb_putc(sb, '"');
}

/* A Python str literal of s split into adjacent literals of at most width characters,
 * one per line at indent (Python joins them), never inside an escape sequence. */
void py_str_lines(struct strbuf *sb, const char *s, size_t n, int indent, size_t width)
{
	struct strbuf q = STRBUF_INIT;
	struct oom_guard q_guard;
	oom_guard_strbuf(&q_guard, &q);
	py_str(&q, s, n);
	/* q is "...": split its inside */
	size_t start = 1, end = q.len - 1;
	bool first = true;
	while (start < end || first) {
		size_t stop = start;
		while (stop < end) {
			size_t step = 1;
			if (q.buf[stop] == '\\')
				step = q.buf[stop + 1] == 'x' ? 4 : q.buf[stop + 1] == 'u' ? 6
				     : q.buf[stop + 1] == 'U' ? 10 : 2;
			if (stop + step - start > width && stop > start)
				break;
			stop += step;
		}
		if (!first)
			sb_putc(sb, '\n');
		y_indent(sb, indent);
		sb_putc(sb, '"');
		sb_add(sb, q.buf + start, stop - start);
		sb_putc(sb, '"');
		start = stop;
		first = false;
	}
	oom_guard_pop(&q_guard);
	sb_release(&q);
}

/* A Python float literal (always with a point, so never an int). */
void py_float(struct strbuf *sb, double f)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.15g", f);
	if (!strchr(buf, '.') && !strchr(buf, 'e'))
		sb_printf(sb, "%s.0", buf);
	else
		sb_puts(sb, buf);
}

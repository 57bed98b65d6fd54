/*
 * emit/helm.c - the helm back end: out/<env>/helm/values.yaml, the values of the daskhub
 * chart (DESIGN 6), from the model of the spec (env->model) and the placement matrix.
 *
 * The values are built in C as a tree (the view's helm.values) because hub.extra_values
 * is deep-merged over them last (maps merge key by key, lists and scalars replace, a null
 * removes a key), which a template cannot do. A typed helper renders the tree as block
 * YAML: every string key and value goes through tmpl_escape(ESC_YAML); numbers and
 * booleans are written canonically; a multi-line string becomes a literal block only
 * when that is provably equivalent, else a quoted scalar. No null is ever written (the
 * real deployment crashed on one): null values are omitted. A collection nested deeper
 * than Y_FLOW_INDENT columns (only hub.extra_values gets there) is written in flow
 * style: in block style every line repeats its indentation, and a value nested 256 deep
 * would cost the square of its size. The rendered sections are
 * fragments in the view (helm.yaml.*) that templates/helm/values.yaml.mustache lays out.
 *
 * Secrets never reach the file: the view lists in helm.set_sensitive the Helm paths the
 * platform stack must set from the SOPS data (set_sensitive), and in helm.set those it
 * must set from its own resources (the ACM certificate ARN of the NLB listener).
 *
 * The dask-gateway cluster options are a Python snippet (gateway.extraConfig): spec
 * strings in it are Python string literals written by py_str, ASCII only, so the snippet
 * is safe both as Python and inside a YAML literal block.
 */
#include "backend.h"
#include "data.h"
#include "helm_proxy.h"
#include "model.h"
#include "placement.h"

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

static bool y_present(const struct node *n)
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

static void y_block(struct strbuf *sb, const struct node *n, int indent);

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
static void y_block(struct strbuf *sb, const struct node *n, int indent)
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
static struct node *y_fragment(struct arena *a, const char *key, const struct node *val)
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
static void py_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		size_t len = 1;
		if (c >= 0xf0 && i + 3 < n + 0 && (c & 0xf8) == 0xf0) {
			cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
			     (uint32_t)(s[i + 2] & 0x3f) << 6 | (uint32_t)(s[i + 3] & 0x3f);
			len = 4;
		} else if (c >= 0xe0 && i + 2 < n && (c & 0xf0) == 0xe0) {
			cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 |
			     (uint32_t)(s[i + 2] & 0x3f);
			len = 3;
		} else if (c >= 0xc0 && i + 1 < n && (c & 0xe0) == 0xc0) {
			cp = (uint32_t)(c & 0x1f) << 6 | (uint32_t)(s[i + 1] & 0x3f);
			len = 2;
		}
		i += len;
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
static void py_str_lines(struct strbuf *sb, const char *s, size_t n, int indent, size_t width)
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
static void py_float(struct strbuf *sb, double f)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.15g", f);
	if (!strchr(buf, '.') && !strchr(buf, 'e'))
		sb_printf(sb, "%s.0", buf);
	else
		sb_puts(sb, buf);
}

/* ---- building the values tree ------------------------------------------------------ */

struct hb {
	struct ctx *ctx;
	struct env *env;
	struct arena *a;
	const struct model *spec;
	const struct placement *p;
	struct node *sensitive;	/* [{name, sops}] */
	struct node *set;	/* [{name, from}] */
};

static long h_index(const struct node *map, const char *key)
{
	return node_index(map, key);
}

/* map[key] = val, replacing an existing entry (maps built here only). */
static struct node *h_put(struct arena *a, struct node *map, const char *key, struct node *val)
{
	long i = h_index(map, key);
	if (i >= 0) {
		map->items[i] = val;
		return val;
	}
	return v_set(a, map, key, val);
}

/* map[key], a map, created when absent. */
static struct node *h_map(struct arena *a, struct node *map, const char *key)
{
	long i = h_index(map, key);
	if (i >= 0 && map->items[i]->kind == NODE_MAP)
		return map->items[i];
	return h_put(a, map, key, v_map(a));
}

/* Drop the entries whose value is NULL (h_merge's removals, done at once: one at a
 * time would move the rest of the map each time). */
static void h_compact(struct arena *a, struct node *map)
{
	size_t o = 0;
	for (size_t i = 0; i < map->n; i++) {
		if (!map->items[i])
			continue;
		map->keys[o] = map->keys[i];
		map->items[o++] = map->items[i];
	}
	if (o == map->n)
		return;
	map->n = (uint32_t)o;
	map->v.index = NULL;	/* the keys moved */
	node_map_index(a, map);
}

static void h_del(struct arena *a, struct node *map, long i)
{
	map->items[i] = NULL;
	h_compact(a, map);
}

/* A copy of a spec subtree in view nodes, without nulls (null map values and items are
 * dropped: they can only mean "absent" in our output). */
static struct node *h_copy(struct arena *a, const struct node *n)
{
	if (n->kind == NODE_MAP) {
		struct node *m = v_map(a);
		for (size_t i = 0; i < n->n; i++)
			if (y_present(n->items[i]))
				h_put(a, m, n->keys[i]->str, h_copy(a, n->items[i]));
		return m;
	}
	if (n->kind == NODE_SEQ) {
		struct node *s = v_seq(a);
		for (size_t i = 0; i < n->n; i++)
			if (y_present(n->items[i]))
				v_push(a, s, h_copy(a, n->items[i]));
		return s;
	}
	return (struct node *)n;
}

/* Deep-merge src (spec) over dst (ours): maps merge, lists and scalars replace, null
 * removes the key. */
static void h_merge(struct arena *a, struct node *dst, const struct node *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const char *key = src->keys[i]->str;
		const struct node *v = src->items[i];
		long at = h_index(dst, key);
		if (!y_present(v)) {
			if (at >= 0)
				dst->items[at] = NULL;	/* src's keys are distinct: not seen again */
		} else if (v->kind == NODE_MAP && at >= 0 && dst->items[at]->kind == NODE_MAP) {
			h_merge(a, dst->items[at], v);
		} else {
			h_put(a, dst, key, h_copy(a, v));
		}
	}
	h_compact(a, dst);
}

static struct node *S(struct hb *b, const char *s)
{
	return v_str(b->a, s);
}

static void put_str(struct hb *b, struct node *map, const char *key, const char *s)
{
	h_put(b->a, map, key, S(b, s));
}

/* A string list from a spec list of strings. */
static struct node *str_list(struct hb *b, const struct m_strs *seq)
{
	struct node *l = v_seq(b->a);
	for (size_t i = 0; i < seq->count; i++)
		if (seq->v[i].s)
			v_push(b->a, l, (struct node *)seq->v[i].n);
	return l;
}

/* ---- placement ---- */

static struct node *selector_map(struct hb *b, const struct pl_workload *w)
{
	struct node *m = v_map(b->a);
	for (size_t i = 0; w && i < w->nselector; i++)
		h_put(b->a, m, w->selector[i].key, S(b, w->selector[i].value));
	return m;
}

static bool tol_wanted(const struct pl_toleration *t)
{
	return t->from != PL_CHART;
}

/* A toleration as Kubernetes writes it (key, operator, value, effect,
 * tolerationSeconds), absent fields omitted. */
static struct node *toleration_map(struct hb *b, const struct pl_toleration *t)
{
	struct node *m = v_map(b->a);
	if (t->t.key && *t->t.key)
		put_str(b, m, "key", t->t.key);
	put_str(b, m, "operator", t->t.op ? t->t.op : "Equal");
	if (t->t.value && *t->t.value)
		put_str(b, m, "value", t->t.value);
	if (t->t.effect && *t->t.effect)
		put_str(b, m, "effect", t->t.effect);
	const struct m_int *secs = t->from == PL_OWN && t->own ? &t->own->toleration_seconds : NULL;
	if (secs && secs->set)
		h_put(b->a, m, "tolerationSeconds", (struct node *)secs->n);
	return m;
}

/* The workload's own or derived tolerations (never those the chart adds itself). */
static struct node *toleration_list(struct hb *b, const struct pl_workload *w)
{
	struct node *l = v_seq(b->a);
	for (size_t i = 0; w && i < w->ntols; i++)
		if (tol_wanted(&w->tols[i]))
			v_push(b->a, l, toleration_map(b, &w->tols[i]));
	return l;
}

/* nodeSelector / tolerations (under the given key names) of workload w into map,
 * omitted when empty. */
static void place(struct hb *b, struct node *map, const struct pl_workload *w,
		  const char *sel_key, const char *tol_key)
{
	struct node *sel = selector_map(b, w);
	struct node *tol = toleration_list(b, w);
	if (sel->n)
		h_put(b->a, map, sel_key, sel);
	if (tol->n)
		h_put(b->a, map, tol_key, tol);
}

static const struct pl_workload *wl_row(const struct placement *p, enum workload wl)
{
	return p && p->nwls > (size_t)wl ? &p->wls[wl] : NULL;
}

/* ---- images ---- */

/* Split an image reference into the chart's {name, tag}: "repo:tag" -> repo, tag;
 * "repo:tag@sha256:..." -> repo, "tag@sha256:..."; "repo@sha256:..." and "repo" keep
 * the whole reference as the name with an empty tag (z2jh then uses the name alone). */
static struct node *image_map(struct hb *b, const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *last = slash ? slash + 1 : ref;
	const char *at = strchr(last, '@');
	const char *colon = memchr(last, ':', at ? (size_t)(at - last) : strlen(last));
	struct node *m = v_map(b->a);
	if (colon) {
		h_put(b->a, m, "name", v_strn(b->a, ref, (size_t)(colon - ref)));
		put_str(b, m, "tag", colon + 1);
	} else {
		put_str(b, m, "name", ref);
		put_str(b, m, "tag", "");
	}
	return m;
}

/* ---- authentication ---- */

static void sensitive(struct hb *b, const char *helm_path, const struct node *ref)
{
	if (!ref || ref->kind != NODE_STR || strncmp(ref->str, "sops:", 5) != 0)
		return;
	struct node *e = v_map(b->a);
	put_str(b, e, "name", helm_path);
	put_str(b, e, "sops_key", ref->str + 5);
	v_push(b->a, b->sensitive, e);
}

/* Percent-encoding of a URL query value (RFC 3986 unreserved characters kept). */
static void url_query(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			sb_putc(sb, (char)c);
		else
			sb_printf(sb, "%%%02X", c);
	}
}

static const char *hub_url(struct hb *b)
{
	const char *name = b->spec->domain.name.s;
	if (!name || !*name)
		return NULL;
	return arena_printf(b->a, "%s://%s", model_https(b->spec) ? "https" : "http",
			    name);
}

static void auth_config(struct hb *b, struct node *config)
{
	struct arena *a = b->a;
	const struct m_auth *spec = &b->spec->auth;
	const char *url = hub_url(b);
	const char *callback = url ? arena_printf(a, "%s/hub/oauth_callback", url) : NULL;
	if (!spec->mode.s)
		return;

	struct node *jh = h_map(a, config, "JupyterHub");
	struct node *au = h_map(a, config, "Authenticator");
	struct node *admins = str_list(b, &spec->admins);
	struct node *allowed = str_list(b, &spec->allowed_users);
	if (admins->n)
		h_put(a, au, "admin_users", admins);
	if (allowed->n)
		h_put(a, au, "allowed_users", allowed);
	h_put(a, au, "allow_all", v_bool(a, spec->allow_all_users.v));

	if (spec->mode.v == AUTH_DUMMY) {
		put_str(b, jh, "authenticator_class", "dummy");
		sensitive(b, "jupyterhub.hub.config.DummyAuthenticator.password",
			  spec->dummy.password.n);
	} else if (spec->mode.v == AUTH_GITHUB) {
		put_str(b, jh, "authenticator_class", "github");
		struct node *gh = h_map(a, config, "GitHubOAuthenticator");
		if (callback)
			put_str(b, gh, "oauth_callback_url", callback);
		const struct node *org = m_str_node(&spec->github.org);
		if (org) {
			struct node *orgs = v_seq(a);
			v_push(a, orgs, (struct node *)org);
			h_put(a, gh, "allowed_organizations", orgs);
			struct node *scope = v_seq(a);
			v_push(a, scope, S(b, "read:org"));
			h_put(a, gh, "scope", scope);
		}
		sensitive(b, "jupyterhub.hub.config.GitHubOAuthenticator.client_id",
			  spec->github.client_id.n);
		sensitive(b, "jupyterhub.hub.config.GitHubOAuthenticator.client_secret",
			  spec->github.client_secret.n);
	} else if (spec->mode.v == AUTH_COGNITO) {
		put_str(b, jh, "authenticator_class", "generic-oauth");
		struct node *g = h_map(a, config, "GenericOAuthenticator");
		const char *domain = spec->cognito.domain.s;
		const char *client = spec->cognito.client_id.s;
		if (client)
			put_str(b, g, "client_id", client);
		if (callback)
			put_str(b, g, "oauth_callback_url", callback);
		if (domain) {
			put_str(b, g, "authorize_url",
				arena_printf(a, "https://%s/oauth2/authorize", domain));
			put_str(b, g, "token_url", arena_printf(a, "https://%s/oauth2/token", domain));
			put_str(b, g, "userdata_url",
				arena_printf(a, "https://%s/oauth2/userInfo", domain));
		}
		if (domain && client && url) {
			struct strbuf sb = STRBUF_INIT;
			struct oom_guard sb_guard;
			oom_guard_strbuf(&sb_guard, &sb);
			sb_printf(&sb, "https://%s/logout?client_id=", domain);
			url_query(&sb, client);
			sb_puts(&sb, "&logout_uri=");
			url_query(&sb, arena_printf(a, "%s/", url));
			put_str(b, g, "logout_redirect_url", sb.buf);
			oom_guard_pop(&sb_guard);
			sb_release(&sb);
		}
		put_str(b, g, "login_service", "AWS Cognito");
		put_str(b, g, "username_claim", "email");
		struct node *scope = v_seq(a);
		v_push(a, scope, S(b, "openid"));
		v_push(a, scope, S(b, "email"));
		h_put(a, g, "scope", scope);
		sensitive(b, "jupyterhub.hub.config.GenericOAuthenticator.client_secret",
			  spec->cognito.client_secret.n);
	}
}

/* ---- singleuser: profiles and image choices ---- */

static int64_t int_or(const struct m_int *f, int64_t dflt)
{
	return f->set ? f->v : dflt;
}

static bool bool_or(const struct m_bool *f, bool dflt)
{
	return f->set ? f->v : dflt;
}

/*
 * The image option of a profile: the profile's default image first (keyed "default",
 * or a free variant of it when a choice took that slug), then every image choice keyed
 * by its slug, and an unlisted (free-text) choice when hub.custom_images. NULL when
 * there is nothing to choose.
 */
static struct node *image_option(struct hb *b, const char *dflt_image)
{
	struct arena *a = b->a;
	const struct m_image_choice *choices = b->spec->hub.image_choices.v;
	bool custom = bool_or(&b->spec->hub.custom_images, false);
	size_t nchoices = b->spec->hub.image_choices.count;
	if (!nchoices && !custom)
		return NULL;

	struct node *opt = v_map(a);
	put_str(b, opt, "display_name", "Image");
	struct node *ch = h_map(a, opt, "choices");

	bool listed = false, marked = false;
	struct strmap slugs = { 0 };
	for (size_t i = 0; i < nchoices; i++) {
		const char *img = choices[i].image.s;
		const char *slug = choices[i].slug.s;
		listed |= img && strcmp(img, dflt_image) == 0;
		marked |= bool_or(&choices[i].is_default, false);
		if (slug)
			strmap_put(a, &slugs, slug, strlen(slug), i);
	}
	if (!listed) {
		const char *key = "default";
		for (int k = 1; strmap_get(&slugs, key, strlen(key)) >= 0; k++)
			key = arena_printf(a, "default-%d", k);
		struct node *c = h_map(a, ch, key);
		put_str(b, c, "display_name", arena_printf(a, "Default (%s)", dflt_image));
		if (!marked)
			h_put(a, c, "default", v_bool(a, true));
		put_str(b, h_map(a, c, "kubespawner_override"), "image", dflt_image);
	}
	for (size_t i = 0; i < nchoices; i++) {
		const struct m_image_choice *cs = &choices[i];
		const char *slug = cs->slug.s;
		const char *img = cs->image.s;
		if (!slug || !img)
			continue;
		struct node *c = h_map(a, ch, slug);
		if (cs->display_name.s)
			h_put(a, c, "display_name", (struct node *)cs->display_name.n);
		if (cs->description.s)
			h_put(a, c, "description", (struct node *)cs->description.n);
		if (bool_or(&cs->is_default, false) || (!marked && listed &&
							 strcmp(img, dflt_image) == 0))
			h_put(a, c, "default", v_bool(a, true));
		put_str(b, h_map(a, c, "kubespawner_override"), "image", img);
	}
	if (custom) {
		struct node *u = h_map(a, opt, "unlisted_choice");
		h_put(a, u, "enabled", v_bool(a, true));
		put_str(b, u, "display_name", "Other image");
		put_str(b, u, "validation_regex", "^[^\\s]+[:@][^\\s]+$");
		put_str(b, u, "validation_message",
			"an image reference with a tag or digest, e.g. quay.io/jupyter/scipy-notebook:2024-12-09");
		put_str(b, h_map(a, u, "kubespawner_override"), "image", "{value}");
	}
	return opt;
}

static void resources(struct hb *b, struct node *ko, const struct m_profile *prof)
{
	const struct {
		const struct node *v;
		const char *key;
	} res[] = {
		{ prof->cpu.guarantee.n, "cpu_guarantee" },
		{ prof->cpu.limit.n, "cpu_limit" },
		{ prof->memory.guarantee.n, "mem_guarantee" },
		{ prof->memory.limit.n, "mem_limit" },
	};
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		const struct node *v = res[i].v;
		if (v && (v->kind == NODE_INT || v->kind == NODE_FLOAT || v->kind == NODE_STR))
			h_put(b->a, ko, res[i].key, (struct node *)v);
	}
}

static struct node *profile_list(struct hb *b, const char *image)
{
	struct arena *a = b->a;
	struct node *list = v_seq(a);
	size_t n = b->spec->hub.profiles.count;
	for (size_t i = 0; i < n; i++) {
		const struct m_profile *pr = &b->spec->hub.profiles.v[i];
		const struct pl_workload *row =
			b->p && i < b->p->nprofiles ? b->p->profile_rows[i] : NULL;
		struct node *e = v_map(a);
		const char *own = pr->image.s;
		const char *img = own ? own : image;
		const struct {
			const char *key;
			const struct m_str *f;
		} keys[] = {
			{ "display_name", &pr->display_name },
			{ "slug", &pr->slug },
			{ "description", &pr->description },
		};
		for (size_t k = 0; k < 3; k++)
			if (keys[k].f->s)
				h_put(a, e, keys[k].key, (struct node *)keys[k].f->n);
		if (bool_or(&pr->is_default, false))
			h_put(a, e, "default", v_bool(a, true));
		struct node *ko = h_map(a, e, "kubespawner_override");
		if (own)
			put_str(b, ko, "image", own);
		resources(b, ko, pr);
		h_put(a, ko, "node_selector", selector_map(b, row));
		h_put(a, ko, "tolerations", toleration_list(b, row));
		struct node *opt = image_option(b, img);
		if (opt)
			h_put(a, h_map(a, e, "profile_options"), "image", opt);
		v_push(a, list, e);
	}
	if (!n) {
		/* no sizes, but images to choose: one profile carries the choice */
		struct node *opt = image_option(b, image);
		if (opt) {
			const struct pl_workload *row = wl_row(b->p, WL_NOTEBOOK);
			struct node *e = v_map(a);
			put_str(b, e, "display_name", "Default");
			put_str(b, e, "slug", "default");
			h_put(a, e, "default", v_bool(a, true));
			struct node *ko = h_map(a, e, "kubespawner_override");
			h_put(a, ko, "node_selector", selector_map(b, row));
			h_put(a, ko, "tolerations", toleration_list(b, row));
			h_put(a, h_map(a, e, "profile_options"), "image", opt);
			v_push(a, list, e);
		}
	}
	return list;
}

/*
 * singleuser.nodeSelector and extraTolerations: what every user pod shares. Profiles
 * override both with their own; the image pullers use these, so the selector is the
 * labels common to every row user pods use (notebook's when there are no profiles), and
 * the tolerations the union of their own/derived ones.
 */
static void singleuser_placement(struct hb *b, struct node *su)
{
	struct arena *a = b->a;
	const struct placement *p = b->p;
	const struct pl_workload *rows[64];
	size_t nrows = 0;
	if (p && p->nprofiles) {
		for (size_t i = 0; i < p->nprofiles && nrows < 64; i++)
			if (p->profile_rows[i])
				rows[nrows++] = p->profile_rows[i];
	} else if (wl_row(p, WL_NOTEBOOK)) {
		rows[nrows++] = wl_row(p, WL_NOTEBOOK);
	}
	if (!nrows)
		return;
	/* the entries of the first row's selector that every other row has too: counted
	 * row by row through a table of the other row's entries */
	size_t *common = arena_alloc(a, (rows[0]->nselector + 1) * sizeof(*common));
	for (size_t r = 1; r < nrows; r++) {
		struct pl_pairs has = { 0 };
		for (size_t j = 0; j < rows[r]->nselector; j++)
			pl_pairs_put(a, &has, rows[r]->selector[j].key, rows[r]->selector[j].value, 0);
		for (size_t i = 0; i < rows[0]->nselector; i++)
			common[i] += pl_pairs_get(&has, rows[0]->selector[i].key,
						  rows[0]->selector[i].value) >= 0;
	}
	struct node *sel = v_map(a);
	for (size_t i = 0; i < rows[0]->nselector; i++) {
		const struct pl_label *l = &rows[0]->selector[i];
		if (common[i] == nrows - 1)
			h_put(a, sel, l->key, S(b, l->value));
	}
	struct node *tols = v_seq(a);
	struct nodeset seen = { 0 };
	for (size_t r = 0; r < nrows; r++) {
		struct node *l = toleration_list(b, rows[r]);
		for (size_t i = 0; i < l->n; i++)
			if (nodeset_add(a, &seen, l->items[i], tols->n) < 0)
				v_push(a, tols, l->items[i]);
	}
	if (sel->n)
		h_put(a, su, "nodeSelector", sel);
	if (tols->n)
		h_put(a, su, "extraTolerations", tols);
}

/* ---- the sections ---- */

static struct node *jupyterhub_values(struct hb *b)
{
	struct arena *a = b->a;
	const struct model *spec = b->spec;
	struct node *jh = v_map(a);
	const char *image = spec->hub.image.s;

	/* hub */
	struct node *hub = h_map(a, jh, "hub");
	place(b, hub, wl_row(b->p, WL_HUB), "nodeSelector", "tolerations");
	struct node *config = h_map(a, hub, "config");
	auth_config(b, config);
	int64_t kidle = int_or(&spec->hub.culling.kernel_idle_s, 1200);
	int64_t kint = int_or(&spec->hub.culling.kernel_interval_s, 120);
	if (kidle > 0) {
		/* kernel culling is the notebook server's job: arguments of every server */
		struct node *args = v_seq(a);
		v_push(a, args, S(b, arena_printf(a, "--MappingKernelManager.cull_idle_timeout=%lld",
						  (long long)kidle)));
		v_push(a, args, S(b, arena_printf(a, "--MappingKernelManager.cull_interval=%lld",
						  (long long)kint)));
		h_put(a, h_map(a, config, "KubeSpawner"), "args", args);
	}

	/* proxy: the load balancer and TLS (helm_proxy.c), the proxy pods' placement */
	struct node *proxy = h_put(a, jh, "proxy", helm_proxy_values(a, spec, b->set));
	struct node *chp = h_map(a, proxy, "chp");
	place(b, chp, wl_row(b->p, WL_PROXY), "nodeSelector", "tolerations");
	if (!chp->n)
		h_del(b->a, proxy, h_index(proxy, "chp"));

	/* singleuser */
	struct node *su = h_map(a, jh, "singleuser");
	if (image)
		h_put(a, su, "image", image_map(b, image));
	const char *url = spec->hub.default_url.s;
	if (url)
		put_str(b, su, "defaultUrl", url);
	singleuser_placement(b, su);
	/* the platform stack's service account, bound to the scratch-bucket role */
	const char *release = spec->hub.release.s;
	const char *user_sa = arena_printf(a, "%s-user", release ? release : "daskhub");
	put_str(b, su, "serviceAccountName", user_sa);
	struct node *st = h_map(a, su, "storage");
	put_str(b, st, "capacity",
		arena_printf(a, "%lldGi", (long long)int_or(&spec->storage.home_gb, 10)));
	const char *sc = spec->storage.class.s;
	put_str(b, h_map(a, st, "dynamic"), "storageClass", sc ? sc : "gp3");
	struct node *profiles = profile_list(b, image ? image : "");
	if (profiles->n)
		h_put(a, su, "profileList", profiles);

	/* scheduling: the user-scheduler packs user pods so idle nodes can scale down */
	struct node *us = h_map(a, h_map(a, jh, "scheduling"), "userScheduler");
	h_put(a, us, "enabled", v_bool(a, true));
	place(b, us, wl_row(b->p, WL_USER_SCHEDULER), "nodeSelector", "tolerations");

	/* image pullers */
	bool prepull = bool_or(&spec->hub.prepull, true);
	struct node *pp = h_map(a, jh, "prePuller");
	h_put(a, h_map(a, pp, "hook"), "enabled", v_bool(a, prepull));
	h_put(a, h_map(a, pp, "continuous"), "enabled", v_bool(a, prepull));
	if (prepull && spec->hub.image_choices.count) {
		struct node *extra = h_map(a, pp, "extraImages");
		for (size_t i = 0; i < spec->hub.image_choices.count; i++) {
			const char *slug = spec->hub.image_choices.v[i].slug.s;
			const char *img = spec->hub.image_choices.v[i].image.s;
			struct node *im = slug && img ? image_map(b, img) : NULL;
			/* the pullers write name:tag: a reference without a tag cannot go there
			 * (the profile_options choice still offers it) */
			if (im && node_get(im, "tag")->len)
				h_put(a, extra, arena_printf(a, "choice-%s", slug), im);
		}
	}

	/* idle servers */
	int64_t idle = int_or(&spec->hub.culling.server_idle_s, 3600);
	struct node *cull = h_map(a, jh, "cull");
	h_put(a, cull, "enabled", v_bool(a, idle > 0));
	if (idle > 0) {
		/* check six times per timeout, within z2jh's default (600 s) and once a minute */
		int64_t every = idle / 6;
		every = every < 60 ? 60 : every > 600 ? 600 : every;
		h_put(a, cull, "timeout", v_int(a, idle));
		h_put(a, cull, "every", v_int(a, every));
	}
	return jh;
}

static double num_or(const struct m_num *f, double dflt)
{
	return f->set ? f->v : dflt;
}

/* gateway.extraConfig: the options users may pick for a cluster, and its limits. */
static struct node *cluster_options(struct hb *b)
{
	const struct model *spec = b->spec;
	double cores = num_or(&spec->dask.worker_cores_max, 4);
	double mem = num_or(&spec->dask.worker_memory_max_gb, 16);
	const struct m_num *maxc = &spec->dask.cluster_max_cores;
	int64_t idle = int_or(&spec->dask.idle_timeout_s, 1800);
	const char *image = spec->hub.image.s;
	double cores_min = cores < 1 ? cores : 1;
	double mem_min = mem < 1 ? mem : 1;
	double mem_dflt = mem < 4 ? mem : 4;

	struct strbuf sb = STRBUF_INIT;
	struct oom_guard sb_guard;
	oom_guard_strbuf(&sb_guard, &sb);
	sb_puts(&sb, "# Written by eragen from the environment spec (dask.*, hub.image).\n"
		     "from dask_gateway_server.options import Float, Options, String\n\n"
		     "eragen_image = (\n");
	py_str_lines(&sb, image ? image : "", image ? strlen(image) : 0, 4, 72);
	sb_puts(&sb, "\n)\n\n\n"
		     "def eragen_cluster_options(options):\n"
		     "    return {\n"
		     "        \"worker_cores\": options.worker_cores,\n"
		     "        \"worker_memory\": int(options.worker_memory * 2**30),\n"
		     "        \"image\": options.image,\n"
		     "    }\n\n\n"
		     "c.Backend.cluster_options = Options(\n"
		     "    Float(\"worker_cores\", default=");
	py_float(&sb, cores_min);
	sb_puts(&sb, ", min=");
	py_float(&sb, cores_min);
	sb_puts(&sb, ", max=");
	py_float(&sb, cores);
	sb_puts(&sb, ", label=\"Worker cores\"),\n"
		     "    Float(\"worker_memory\", default=");
	py_float(&sb, mem_dflt);
	sb_puts(&sb, ", min=");
	py_float(&sb, mem_min);
	sb_puts(&sb, ", max=");
	py_float(&sb, mem);
	sb_puts(&sb, ", label=\"Worker memory (GiB)\"),\n"
		     "    String(\"image\", default=eragen_image, label=\"Image\"),\n"
		     "    handler=eragen_cluster_options,\n"
		     ")\n");
	sb_puts(&sb, "c.ClusterConfig.idle_timeout = ");
	py_float(&sb, (double)idle);
	sb_putc(&sb, '\n');
	if (maxc->set) {
		sb_puts(&sb, "c.ClusterConfig.cluster_max_cores = ");
		py_float(&sb, maxc->v);
		sb_putc(&sb, '\n');
	}
	struct node *n = v_strn(b->a, sb.buf, sb.len);
	oom_guard_pop(&sb_guard);
	sb_release(&sb);
	return n;
}

static struct node *dask_gateway_values(struct hb *b)
{
	struct arena *a = b->a;
	struct node *dg = v_map(a);
	h_put(a, dg, "enabled", v_bool(a, true));
	const struct pl_workload *gw = wl_row(b->p, WL_GATEWAY);
	struct node *gateway = h_map(a, dg, "gateway");
	place(b, gateway, gw, "nodeSelector", "tolerations");
	struct node *backend = h_map(a, gateway, "backend");
	const char *release = b->spec->hub.release.s;
	const char *user_sa = arena_printf(a, "%s-user", release ? release : "daskhub");
	static const struct {
		const char *key;
		enum workload wl;
	} pods[] = { { "scheduler", WL_DASK_SCHEDULER }, { "worker", WL_DASK_WORKER } };
	for (size_t i = 0; i < 2; i++) {
		struct node *pod = v_map(a);
		place(b, pod, wl_row(b->p, pods[i].wl), "nodeSelector", "tolerations");
		put_str(b, pod, "serviceAccountName", user_sa);
		h_put(a, h_map(a, backend, pods[i].key), "extraPodConfig", pod);
	}
	if (!backend->n)
		h_del(b->a, gateway, h_index(gateway, "backend"));
	h_put(a, h_map(a, gateway, "extraConfig"), "eragen-cluster-options", cluster_options(b));
	static const char *const others[] = { "controller", "traefik" };
	for (size_t i = 0; i < 2; i++) {
		struct node *m = v_map(a);
		place(b, m, gw, "nodeSelector", "tolerations");
		if (m->n)
			h_put(a, dg, others[i], m);
	}
	return dg;
}

/* The whole values tree, extra_values merged last. */
static struct node *helm_values(struct hb *b)
{
	struct arena *a = b->a;
	struct node *v = v_map(a);
	h_put(a, h_map(a, v, "rbac"), "enabled", v_bool(a, true));
	h_put(a, v, "jupyterhub", jupyterhub_values(b));
	h_put(a, v, "dask-gateway", dask_gateway_values(b));
	h_put(a, h_map(a, v, "dask-kubernetes"), "enabled", v_bool(a, false));
	const struct node *extra = b->spec->hub.extra_values;	/* free-form */
	if (extra && extra->kind == NODE_MAP)
		h_merge(a, v, extra);
	return v;
}

/* ---- the back end ------------------------------------------------------------------ */

static struct node *helm_view(struct ctx *ctx, struct env *env, struct arena *a,
			      const struct node *common)
{
	(void)common;
	struct hb b = { ctx, env, a, env->model, placement_build(ctx, env, a, false), v_seq(a),
			v_seq(a) };
	struct node *view = v_map(a);

	const char *chart = b.spec->hub.chart_version.s;
	const struct data *d = data_get(ctx);
	const struct chart_info *ci = chart && d ? data_chart(d, chart) : NULL;
	struct node *cv = v_set(a, view, "chart", v_map(a));
	v_set(a, cv, "version", v_str(a, chart));
	if (ci) {
		v_set(a, cv, "z2jh", v_str(a, ci->z2jh));
		v_set(a, cv, "dask_gateway", v_str(a, ci->dask_gateway));
	}
	v_set(a, view, "path", v_str(a, arena_printf(a, "out/%s/helm/values.yaml", env->name)));

	struct node *values = helm_values(&b);
	v_set(a, view, "values", values);

	/* the rendered sections, in the chart's order; keys extra_values added go last */
	static const struct {
		const char *key, *name;
	} known[] = {
		{ "rbac", "rbac" },
		{ "jupyterhub", "jupyterhub" },
		{ "dask-gateway", "dask_gateway" },
		{ "dask-kubernetes", "dask_kubernetes" },
	};
	struct node *yaml = v_set(a, view, "yaml", v_map(a));
	struct node *rest = v_map(a);
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		long i = h_index(values, known[k].key);
		if (i >= 0 && y_present(values->items[i]))
			v_set(a, yaml, known[k].name, y_fragment(a, known[k].key, values->items[i]));
	}
	for (size_t i = 0; i < values->n; i++) {
		bool is_known = false;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			is_known |= strcmp(values->keys[i]->str, known[k].key) == 0;
		if (!is_known && y_present(values->items[i]))
			v_set(a, rest, values->keys[i]->str, values->items[i]);
	}
	if (rest->n) {
		struct strbuf sb = STRBUF_INIT;
		struct oom_guard sb_guard;
		oom_guard_strbuf(&sb_guard, &sb);
		y_block(&sb, rest, 0);
		if (sb.len)
			sb.len--;
		v_set(a, yaml, "other", v_fragment(a, sb.buf, sb.len));
		oom_guard_pop(&sb_guard);
		sb_release(&sb);
	}
	v_mark_last(a, b.sensitive);
	v_mark_last(a, b.set);
	v_set(a, view, "set_sensitive", b.sensitive);
	v_set(a, view, "set", b.set);
	v_set(a, view, "platform_sets", v_bool(a, b.sensitive->n || b.set->n));
	return view;
}

static void helm_emit_env(struct ctx *ctx, struct env *env, const struct node *view,
			  struct tmpl_set *t, struct outset *set)
{
	const struct node *helm = node_get(view, "helm");
	if (!helm)
		return;
	struct outfile *f = out_add(ctx, set, arena_printf(&set->arena, "out/%s/helm/values.yaml",
							    env->name),
				    COMMENT_HASH, env->name);
	for (const struct env *e = env; e; e = e->parent)
		out_source(ctx, f, arena_printf(&set->arena, "%s/env.yaml", e->dir));
	if (ctx->defaults)
		out_source(ctx, f, "environments/_defaults.yaml");
	out_source(ctx, f, "templates/helm/values.yaml.mustache");
	tmpl_set_render(t, "helm/values.yaml.mustache", view, ESC_YAML, &f->body);
}

static const char *const helm_env_paths[] = { "out/*/helm/values.yaml", NULL };

const struct backend backend_helm = {
	.name = "helm",
	.view = helm_view,
	.emit_env = helm_emit_env,
	.owns = { .env = helm_env_paths },
};

/*
 * tmpl.c - the Mustache renderer and the template sets (tmpl.h).
 *
 * Consumes a parsed template (tmpl_parse.c) and a view (a node tree); produces text,
 * escaped by the escaper of the output type (tmpl_escape.c). Rendering walks the token
 * tree with a context stack.
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
#include "tmpl_int.h"
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TMPL_MAX_DEPTH 64	/* nested partials/parents per render */
#define TMPL_MAX_LEVELS 1024	/* nested sections, partials and blocks per render */
#define TMPL_MAX_OUTPUT (64u << 20)	/* bytes one render may produce */
#define TMPL_MAX_STEPS 20000000u	/* tokens one render may visit */

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
			while (i + w < n && tpl_blank(s[i + w]))
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
			tpl_err(r->err, r->errlen, t, tk->off, "no value '%.*s' in the view", (int)tk->n, tk->s);
			return -1;
		}
		return 0;
	}
	if (node_is_masked(v)) {
		/* a secret value never reaches a generated file (they are committed) */
		tpl_err(r->err, r->errlen, t, tk->off, "'%.*s' is a secret value: it is never written to an output",
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
			tpl_err(r->err, r->errlen, t, tk->off, "'%.*s' is not a finite number", (int)tk->n, tk->s);
			return -1;
		}
		emit_indent(r, num[0]);
		sb_puts(r->out, num);
		return 0;
	case NODE_STR:
		break;
	default:
		tpl_err(r->err, r->errlen, t, tk->off, "'%.*s' is a %s, not a value to print: use a section",
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
			tpl_err(r->err, r->errlen, t, tk->off,
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
		tpl_err(r->err, r->errlen, t, tk->off,
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
				tpl_err(r->err, r->errlen, t, tk->off, "'%.*s' does not name a template",
					(int)tk->n, tk->s);
				return -1;
			}
			return 0;
		}
		name = v->str, n = v->len;
	}
	if (r->depth >= TMPL_MAX_DEPTH) {
		tpl_err(r->err, r->errlen, t, tk->off, "partials nested deeper than %d (a recursion?)",
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
		tpl_err(r->err, r->errlen, t, tk->off, "unknown partial '%.*s'", (int)n, name);
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
		tpl_err(r->err, r->errlen, t, toks[0].off, "sections and partials nested deeper than %d",
			TMPL_MAX_LEVELS);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (++r->steps > TMPL_MAX_STEPS) {
			tpl_err(r->err, r->errlen, t, toks[i].off, "the render takes more than %u steps",
				TMPL_MAX_STEPS);
			rc = -1;
			break;
		}
		rc = render_tok(r, t, &toks[i], args);
		if (rc == 0 && r->out->len - r->start > TMPL_MAX_OUTPUT) {
			tpl_err(r->err, r->errlen, t, toks[i].off, "the output is larger than %u bytes",
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
			tpl_err(r->err, r->errlen, t, tk->off, "blocks nested deeper than %d",
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

/*
 * tmpl.h - the Mustache engine (tmpl.c): variables, sections, inverted sections,
 * comments, partials (standalone indentation), set delimiters, template inheritance
 * ({{<parent}} {{$block}}) and dynamic names ({{>*name}}), per the official spec. Views
 * are node trees (eragen.h); the escaper is chosen per output type.
 *
 * Raw interpolation ({{{x}}}, {{&x}}) is refused for ordinary strings when
 * TMPL_RAW_FRAGMENTS is set (eragen's back ends always set it): only NODE_FRAGMENT
 * nodes, text rendered by a typed C helper that escaped every value it holds with
 * tmpl_escape, may be inserted unescaped. A fragment is inserted verbatim by {{x}} too.
 */
#ifndef ERAGEN_TMPL_H
#define ERAGEN_TMPL_H

#include "eragen.h"

enum tmpl_escape {
	ESC_HTML,	/* the spec's escaper: & < > " (and ') */
	ESC_NONE,	/* nothing escaped (tests only) */
	ESC_HCL,	/* inside an HCL quoted string: \ " newline, control chars, ${ and %{ */
	ESC_YAML,	/* a whole YAML scalar: plain when safe, else double-quoted */
	ESC_MAKE,	/* a Makefile word: $ -> $$, # -> \#; newlines refused */
	ESC_GHA,	/* a YAML scalar in a workflow: ESC_YAML and ${{ neutralised */
	ESC_JSON,	/* a JSON string literal, quotes included */
};

/*
 * Append s escaped for esc to out. Returns 0, or -1 when s cannot be represented in the
 * target (a newline in a Makefile value): callers report that as a diagnostic.
 */
int tmpl_escape(enum tmpl_escape esc, const char *s, size_t n, struct strbuf *out);

/* Where partials and parents come from: the text of a template by name, or NULL. */
typedef const char *(*tmpl_load_fn)(void *ud, const char *name, size_t *len);

enum tmpl_flags {
	TMPL_RAW_FRAGMENTS = 1 << 0,	/* raw interpolation only of NODE_FRAGMENT values */
	TMPL_STRICT = 1 << 1,		/* a missing variable is an error, not "" */
};

struct tmpl_opts {
	enum tmpl_escape esc;
	unsigned flags;
	tmpl_load_fn load;
	void *load_ud;
};

/*
 * Render template text (name is used in error messages) with view into out. Returns 0,
 * or -1 with a message in err ("NAME:LINE:COL: what") on a template error (unclosed
 * section, unknown partial, raw interpolation of a spec string, an unrepresentable
 * value, recursion deeper than a limit). Never crashes on any input.
 */
int tmpl_render(const char *name, const char *text, size_t len, const struct node *view,
		const struct tmpl_opts *opts, struct strbuf *out, char *err, size_t errlen);

/*
 * The templates of a run: templates/<name> from the repository when it has that file,
 * else from the installed data directory (DESIGN 2: file by file). Each is read and
 * parsed once per run. A template that cannot be read or rendered is SPEC012 at the
 * template (with its line) and tmpl_set_render returns -1.
 */
struct tmpl_set;
struct tmpl_set *tmpl_set_open(struct ctx *ctx);
int tmpl_set_render(struct tmpl_set *t, const char *name, const struct node *view,
		    enum tmpl_escape esc, struct strbuf *out);
void tmpl_set_free(struct tmpl_set *t);

#endif

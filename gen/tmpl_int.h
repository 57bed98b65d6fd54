/*
 * tmpl_int.h - what the template parser (tmpl_parse.c) hands the renderer (tmpl.c): the
 * token tree of a parsed template. Not for use outside the template engine.
 *
 * A template and its tokens live in the arena they were parsed into; TEXT tokens and tag
 * names point into the source text, which the caller keeps alive as long as the template.
 */
#ifndef ERAGEN_TMPL_INT_H
#define ERAGEN_TMPL_INT_H

#include "tmpl.h"

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

static inline bool tpl_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Write "NAME:LINE:COL: " and the message for offset off of t into err (if any). */
void ATTR_PRINTF(5, 6) tpl_err(char *err, size_t errlen, const struct tpl *t, size_t off,
			       const char *fmt, ...);

/* Parse src (kept, not copied) into a template allocated in a; NULL with err set. */
struct tpl *tpl_parse(struct arena *a, const char *name, const char *src, size_t len,
		      uint32_t file, char *err, size_t errlen);

#endif

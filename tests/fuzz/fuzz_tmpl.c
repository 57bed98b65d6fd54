/*
 * fuzz_tmpl.c - libFuzzer harness: the Mustache engine (tmpl.c) and its escapers.
 *
 * Consumes "TEMPLATE\0VIEW": the bytes before the first NUL are the template, the rest is
 * JSON turned into the view with json_to_node (no NUL: an empty view). The template is
 * rendered with every escaper, with and without TMPL_RAW_FRAGMENTS | TMPL_STRICT; partials
 * and parents resolve to a few fixed templates ("p", "parent") or the input itself
 * ("self", so that recursion limits are reached). Produces nothing: a crash, a sanitizer
 * report or a leak is the finding; a render error is a normal result.
 */
#include "eragen.h"
#include "tmpl.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_src {
	const char *text;
	size_t len;
};

static const char *fuzz_load(void *ud, const char *name, size_t *len)
{
	static const char *const fixed[][2] = {
		{ "p", "[{{x}}|{{{x}}}|{{#a}}{{.}}{{/a}}]\n" },
		{ "parent", "<{{$b}}default{{/b}}>{{$c}}{{x}}{{/c}}\n" },
		{ "indented", "  {{x}}\n  {{>p}}\n" },
	};
	const struct fuzz_src *src = ud;
	if (strcmp(name, "self") == 0) {
		*len = src->len;
		return src->text;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(name, fixed[i][0]) == 0) {
			*len = strlen(fixed[i][1]);
			return fixed[i][1];
		}
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nul = memchr(in, '\0', size);
	size_t tlen = nul ? (size_t)(nul - in) : size;

	struct arena a;
	arena_init(&a);
	/* both parts NUL-terminated copies, as the engine's callers give them */
	char *text = arena_strndup(&a, in, tlen);
	const struct node *view = NULL;
	if (nul) {
		size_t jlen = size - tlen - 1;
		char *json = arena_strndup(&a, nul + 1, jlen);
		view = json_to_node(&a, json, jlen, 0);
	}
	if (!view)
		view = json_to_node(&a, "{}", 2, 0);

	struct fuzz_src src = { text, tlen };
	static const enum tmpl_escape escapers[] = {
		ESC_HTML, ESC_NONE, ESC_HCL, ESC_YAML, ESC_MAKE, ESC_GHA, ESC_JSON,
	};
	struct strbuf out = STRBUF_INIT;
	char err[256];
	for (size_t i = 0; i < sizeof(escapers) / sizeof(escapers[0]); i++) {
		for (unsigned flags = 0; flags <= (TMPL_RAW_FRAGMENTS | TMPL_STRICT);
		     flags += TMPL_RAW_FRAGMENTS | TMPL_STRICT) {
			struct tmpl_opts o = { escapers[i], flags, fuzz_load, &src };
			sb_reset(&out);
			tmpl_render("fuzz", text, tlen, view, &o, &out, err, sizeof(err));
		}
		/* the escaper alone, on the template text as a value */
		sb_reset(&out);
		tmpl_escape(escapers[i], text, tlen, &out);
	}
	sb_release(&out);
	arena_release(&a);
	return 0;
}

/*
 * linecol_test.c - the one offset -> line and column search (srcfile.c): text_linecol
 * over raw text (LF, CRLF and a lone CR end a line; columns count code points), and
 * srcfile_loc, its indexed form over a registered file's line table, giving the same
 * answer at every offset of text without CR.
 */
#include "eragen.h"
#include "t.h"

static const struct {
	const char *s;
	size_t off;
	uint32_t line, col;
} cases[] = {
	{ "abc", 0, 1, 1 },
	{ "abc", 2, 1, 3 },
	{ "a\nbc", 2, 2, 1 },
	{ "a\r\nbc", 4, 2, 2 },
	{ "a\rbc", 2, 2, 1 },		/* a lone CR ends a line */
	{ "\xc3\xa9\xc3\xa9x", 4, 1, 3 },	/* columns are code points */
	{ "ab", 9, 1, 3 },		/* past the end: the end */
	{ "a\r", 2, 2, 1 },		/* a CR as the last byte */
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t line, col;
		text_linecol(cases[i].s, strlen(cases[i].s), cases[i].off, &line, &col);
		CHECK(line == cases[i].line && col == cases[i].col, "case %zu: %u:%u, want %u:%u",
		      i, line, col, cases[i].line, cases[i].col);
	}

	const char *text = "name: x\n\xc3\xa9t\xc3\xa9: 1\n\nlast: [a, b]\n";
	struct ctx ctx;
	ctx_init(&ctx);
	struct srcfile *f = srcfile_from_mem(&ctx, "f.yaml", text, strlen(text), (struct loc){ 0 });
	CHECK(f != NULL, "srcfile_from_mem refused the text");
	for (size_t off = 0; f && off <= f->len; off++) {
		uint32_t line, col;
		text_linecol(f->data, f->len, off, &line, &col);
		struct loc l = srcfile_loc(f, off);
		CHECK(l.line == line && l.col == col, "offset %zu: srcfile_loc %u:%u, scan %u:%u",
		      off, l.line, l.col, line, col);
	}
	ctx_release(&ctx);
	return T_DONE("linecol_test");
}

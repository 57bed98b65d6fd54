/*
 * load_test.c - the YAML front end: 1-based spans in characters (multibyte text), YAML
 * 1.2 core typing, and the inputs it must refuse with a diagnostic (never a crash).
 */
#include "eragen.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ctx ctx;
static struct arena arena;

static struct node *load(const char *text, size_t len)
{
	struct srcfile *f = srcfile_from_mem(&ctx, "t.yaml", text, len, (struct loc){ 0 });
	return f ? yaml_load(&ctx, &arena, f) : NULL;
}

static struct node *load_str(const char *text)
{
	return load(text, strlen(text));
}

/* The rule of the last diagnostic, or "". */
static const char *last_rule(void)
{
	return ctx.ndiags ? ctx.diags[ctx.ndiags - 1]->rule->id : "";
}

static void test_spans(void)
{
	struct node *r = load_str("a: é\nbb: [x, \"日本語\"]   # c\n");
	CHECK(r && r->kind == NODE_MAP && r->n == 2, "map of two");
	if (!r || r->n != 2)
		return;
	struct node *a = r->items[0];
	CHECK(a->loc.line == 1 && a->loc.col == 4 && a->loc.end_col == 4,
	      "'é' at 1:4-4, got %u:%u-%u", a->loc.line, a->loc.col, a->loc.end_col);
	struct node *k = r->keys[1];
	CHECK(k->loc.line == 2 && k->loc.col == 1 && k->loc.end_col == 2, "key bb at 2:1-2");
	struct node *seq = r->items[1];
	CHECK(seq->kind == NODE_SEQ && seq->loc.col == 5, "flow seq at col 5, got %u", seq->loc.col);
	struct node *s = seq->items[1];
	CHECK(s->loc.col == 9 && s->loc.end_col == 13,
	      "quoted multibyte scalar at 9-13 (characters), got %u-%u", s->loc.col, s->loc.end_col);
	CHECK(seq->loc.end_col == 14, "flow seq ends at its ] (col 14), got %u", seq->loc.end_col);
	CHECK(s->len == strlen("日本語") && memcmp(s->str, "日本語", s->len) == 0, "value kept");
}

struct typing {
	const char *text;
	enum node_kind kind;
	double num;
};

static void test_typing(void)
{
	static const struct typing cases[] = {
		{ "1.30", NODE_FLOAT, 1.30 }, { "\"1.30\"", NODE_STR, 0 },
		{ "'1.30'", NODE_STR, 0 },    { "42", NODE_INT, 42 },
		{ "-12", NODE_INT, -12 },     { "+7", NODE_INT, 7 },
		{ "0x1F", NODE_INT, 31 },     { "0o17", NODE_INT, 15 },
		{ "1e3", NODE_FLOAT, 1000 },  { ".5", NODE_FLOAT, 0.5 },
		{ ".inf", NODE_FLOAT, 0 },    { ".nan", NODE_FLOAT, 0 },
		{ "true", NODE_BOOL, 1 },     { "False", NODE_BOOL, 0 },
		{ "yes", NODE_STR, 0 },       { "on", NODE_STR, 0 },
		{ "~", NODE_NULL, 0 },        { "null", NODE_NULL, 0 },
		{ "", NODE_NULL, 0 },         { "2027-03-31", NODE_STR, 0 },
		{ "0b101", NODE_STR, 0 },     { "1_000", NODE_STR, 0 },
		{ "!!str 12", NODE_STR, 0 },  { "!!float 3", NODE_FLOAT, 3 },
		{ "99999999999999999999", NODE_FLOAT, 1e20 },
		{ "|\n  12\n", NODE_STR, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "v: %s\n", cases[i].text);
		struct node *r = load_str(buf);
		struct node *v = r ? node_get(r, "v") : NULL;
		CHECK(v && v->kind == cases[i].kind, "'%s' is a %s, got %s", cases[i].text,
		      node_kind_name(cases[i].kind), v ? node_kind_name(v->kind) : "nothing");
		if (v && node_is_num(v) && cases[i].num != 0)
			CHECK(node_num(v) == cases[i].num, "'%s' == %g", cases[i].text, cases[i].num);
	}
}

struct refusal {
	const char *name;
	const char *text;
	const char *rule;
	uint32_t line, col;
};

static void test_refusals(void)
{
	static const struct refusal cases[] = {
		{ "duplicate key", "a: 1\nb: 2\na: 3\n", "SPEC002", 3, 1 },
		{ "merge key", "x: &x {a: 1}\ny:\n  <<: *x\n", "SPEC009", 3, 3 },
		{ "custom tag", "a: !vault abc\n", "SPEC009", 1, 4 },
		{ "non-scalar key", "? [a, b]\n: 1\n", "SPEC009", 1, 3 },
		{ "two documents", "a: 1\n---\nb: 2\n", "SPEC009", 2, 1 },
		{ "syntax error", "a: [1, 2\nb: 3\n", "SPEC001", 2, 2 },
		{ "bad indentation", "a:\n  b: 1\n c: 2\n", "SPEC001", 3, 2 },
		{ "unknown anchor", "a: *nope\n", "SPEC001", 1, 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t before = ctx.ndiags;
		struct node *r = load_str(cases[i].text);
		CHECK(r == NULL, "%s: refused", cases[i].name);
		CHECK(ctx.ndiags > before && strcmp(ctx.diags[before]->rule->id, cases[i].rule) == 0,
		      "%s: %s, got %s", cases[i].name, cases[i].rule,
		      ctx.ndiags > before ? ctx.diags[before]->rule->id : "none");
		if (ctx.ndiags > before)
			CHECK(ctx.diags[before]->loc.line == cases[i].line &&
				      ctx.diags[before]->loc.col == cases[i].col,
			      "%s: at %u:%u, got %u:%u (%s)", cases[i].name, cases[i].line,
			      cases[i].col, ctx.diags[before]->loc.line, ctx.diags[before]->loc.col,
			      ctx.diags[before]->msg);
	}
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_hostile(void)
{
	/* billion laughs: 10 levels of 10 aliases */
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "a0: &a0 [lol]\n");
	for (int i = 1; i <= 10; i++) {
		sb_printf(&sb, "a%d: &a%d [", i, i);
		for (int k = 0; k < 10; k++)
			sb_printf(&sb, "%s*a%d", k ? ", " : "", i - 1);
		sb_puts(&sb, "]\n");
	}
	double t0 = seconds();
	CHECK(load(sb.buf, sb.len) == NULL && strcmp(last_rule(), "SPEC009") == 0,
	      "billion laughs refused with SPEC009, got %s", last_rule());
	CHECK(seconds() - t0 < 0.5, "billion laughs refused fast (%.3f s)", seconds() - t0);
	sb_release(&sb);

	/* 200,000 nested flow sequences */
	size_t n = 200000;
	char *deep = xmalloc(n + 1);
	memset(deep, '[', n);
	deep[n] = '\0';
	t0 = seconds();
	CHECK(load(deep, n) == NULL && strcmp(last_rule(), "SPEC012") == 0,
	      "deep nesting refused with SPEC012, got %s", last_rule());
	CHECK(seconds() - t0 < 0.5, "deep nesting refused fast (%.3f s)", seconds() - t0);
	free(deep);

	CHECK(load("a: \xff\n", 5) == NULL && strcmp(last_rule(), "SPEC012") == 0 &&
		      ctx.diags[ctx.ndiags - 1]->loc.line == 1 && ctx.diags[ctx.ndiags - 1]->loc.col == 4,
	      "invalid UTF-8 refused at 1:4");
	CHECK(load("\xff\xfe" "a\0:\0", 6) == NULL && strcmp(last_rule(), "SPEC012") == 0,
	      "UTF-16 refused");
	CHECK(load("a: b\0c\n", 7) == NULL && strcmp(last_rule(), "SPEC012") == 0, "NUL refused");
	CHECK(load("a: \xed\xa0\x80\n", 7) == NULL, "UTF-8 surrogate refused");
	CHECK(load("a: \xc0\xaf\n", 6) == NULL, "overlong UTF-8 refused");

	struct node *r = load_str("\xef\xbb\xbf" "a: 1\r\nb: x\r\n");
	CHECK(r && node_get(r, "b") && node_get(r, "b")->loc.line == 2 &&
		      node_get(r, "b")->len == 1,
	      "BOM and CRLF accepted, lines right");
	r = load_str("");
	CHECK(r && r->kind == NODE_NULL, "empty file is an empty document");
}

static void test_utf8(void)
{
	CHECK(utf8_count("aé日😀", strlen("aé日😀")) == 4, "utf8_count counts code points");
	CHECK(utf8_check("\xf4\x90\x80\x80", 4) == 0, "beyond U+10FFFF refused");
	CHECK(utf8_check("ok é", 5) == (size_t)-1, "valid UTF-8 accepted");
}

int main(void)
{
	ctx_init(&ctx);
	arena_init(&arena);
	test_spans();
	test_typing();
	test_refusals();
	test_hostile();
	test_utf8();
	arena_release(&arena);
	ctx_release(&ctx);
	return T_DONE("load_test");
}

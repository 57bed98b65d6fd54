/*
 * schema_rx_test.c - a pattern written twice in a schema is compiled once and shared
 * (schema_keyword.c's compile_rx): the same decisions, at every place it is used, as a
 * schema whose second copies are distinct but equivalent patterns (an empty group
 * appended), compiled separately. Matches, mismatches and a catastrophic pattern's
 * "undecided", interleaved, in properties, items and patternProperties.
 * Prints "schema_rx_test: N passed, M failed"; exits 1 on any failure.
 */
#include "eragen.h"
#include "schema.h"
#include "t.h"

#include <string.h>

/* The kind and place of each error: the messages quote the pattern, which differs. */
static void sink(void *ud, const struct schema_error *e)
{
	sb_printf(ud, "%d %u:%u\n", (int)e->kind, e->at->loc.line, e->at->loc.col);
}

static void fill(struct strbuf *sb, const char *second_a, const char *second_c)
{
	sb_printf(sb,
		  "{\"type\":\"object\",\"properties\":{"
		  "\"a\":{\"pattern\":\"^[a-z]+$\"},\"b\":{\"pattern\":\"%s\"},"
		  "\"c\":{\"pattern\":\"(a+)+$\"},\"d\":{\"pattern\":\"%s\"},"
		  "\"l\":{\"type\":\"array\",\"items\":{\"pattern\":\"%s\"}}},"
		  "\"patternProperties\":{\"^[a-z]+$\":{\"type\":\"string\"}}}",
		  second_a, second_c, second_a);
}

static const char inst[] =
	"{\"a\":\"abc\",\"b\":\"ABC\",\"c\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\","
	"\"d\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\",\"l\":[\"x\",\"Y\",\"z\",\"1\"],"
	"\"q\":1,\"r\":\"s\"}";

static const char *run(const char *second_a, const char *second_c, struct strbuf *out)
{
	struct strbuf sch = STRBUF_INIT;
	fill(&sch, second_a, second_c);
	char err[300] = "";
	struct schema *s = schema_compile(sch.buf, sch.len, "file:///schemas/t.json", NULL,
					  NULL, err, sizeof(err));
	CHECK(s != NULL, "schema does not compile: %s", err);
	struct arena a;
	arena_init(&a);
	struct node *n = json_to_node(&a, inst, strlen(inst), 1);
	CHECK(n != NULL, "instance does not parse");
	if (s && n)
		schema_validate(s, n, sink, out);
	arena_release(&a);
	schema_free(s);
	sb_release(&sch);
	return out->buf ? out->buf : "";
}

int main(void)
{
	struct strbuf shared = STRBUF_INIT, apart = STRBUF_INIT;
	const char *got = run("^[a-z]+$", "(a+)+$", &shared);
	const char *want = run("^[a-z]+$(?:)", "(a+)+$(?:)", &apart);
	CHECK(strcmp(got, want) == 0, "shared patterns decide otherwise:\n%s--- apart:\n%s", got,
	      want);
	size_t lines = 0;
	for (const char *p = got; *p; p++)
		lines += *p == '\n';
	/* b and two items of l (VALUE); l and q, not strings (patternProperties); c and d
	 * undecided */
	CHECK(lines == 7, "%zu errors, want 7:\n%s", lines, got);
	CHECK(strstr(got, "4 ") != NULL, "no undecided match:\n%s", got);
	sb_release(&shared);
	sb_release(&apart);
	return T_DONE("schema_rx_test");
}

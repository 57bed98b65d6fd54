/*
 * merge_test.c - the one deep merge (node.c, node_merge): maps merge key by key, lists
 * and scalars replace, a null removes a key; keys in either order; the take hook on the
 * values taken whole; unchanged subtrees shared, not copied.
 */
#include "eragen.h"
#include "show.h"
#include "t.h"

#include <stdlib.h>

static struct ctx ctx;

static struct node *J(const char *json)
{
	struct node *n = json_to_node(&ctx.perm, json, strlen(json), 0);
	if (!n) {
		printf("bad JSON in the test: %s\n", json);
		exit(1);
	}
	return n;
}

static char *show(const struct node *n)
{
	struct strbuf sb = STRBUF_INIT;
	show_json(&ctx, &sb, n, false);
	char *s = arena_strdup(&ctx.perm, sb.buf ? sb.buf : "");
	sb_release(&sb);
	for (char *p = s, *q = s;; p++) {	/* without white space: one line to compare */
		if (*p != ' ' && *p != '\n')
			*q++ = *p;
		if (!*p)
			break;
	}
	return s;
}

/* The take hook of the test: a value taken whole becomes "taken". */
static struct node *mark(struct arena *a, struct node *n)
{
	(void)n;
	return node_str(a, "taken", 5, (struct loc){ 0 });
}

static const struct {
	const char *base, *over;
	enum merge_order order;
	bool take;
	const char *want;
} cases[] = {
	{ "{\"a\":1,\"b\":2}", "{\"b\":3,\"c\":4}", MERGE_OVER_ORDER, false, "{\"b\":3,\"c\":4,\"a\":1}" },
	{ "{\"a\":1,\"b\":2}", "{\"b\":3,\"c\":4}", MERGE_BASE_ORDER, false, "{\"a\":1,\"b\":3,\"c\":4}" },
	{ "{\"a\":{\"x\":1,\"y\":2}}", "{\"a\":{\"y\":null,\"z\":3}}", MERGE_OVER_ORDER, false,
	  "{\"a\":{\"z\":3,\"x\":1}}" },
	{ "{\"a\":[1,2],\"b\":{\"x\":1}}", "{\"a\":[3],\"b\":5}", MERGE_BASE_ORDER, false,
	  "{\"a\":[3],\"b\":5}" },
	{ "{\"a\":1}", "{\"n\":null}", MERGE_BASE_ORDER, false, "{\"a\":1}" },
	{ "{\"a\":{\"x\":1},\"b\":1}", "{\"a\":{\"y\":2},\"b\":{\"k\":1},\"c\":3}", MERGE_BASE_ORDER,
	  true, "{\"a\":{\"x\":1,\"y\":\"taken\"},\"b\":\"taken\",\"c\":\"taken\"}" },
	{ "{\"a\":1}", "{\"b\":{\"k\":1}}", MERGE_OVER_ORDER, true, "{\"b\":\"taken\",\"a\":1}" },
};

int main(void)
{
	ctx_init(&ctx);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *m = node_merge(&ctx.perm, J(cases[i].base), J(cases[i].over),
					    cases[i].order, cases[i].take ? mark : NULL);
		const char *got = show(m);
		CHECK(strcmp(got, cases[i].want) == 0, "case %zu: %s, want %s", i, got, cases[i].want);
	}
	/* NULL on either side is the other; an unchanged subtree is shared */
	struct node *b = J("{\"keep\":{\"x\":1},\"a\":1}"), *o = J("{\"a\":2}");
	CHECK(node_merge(&ctx.perm, NULL, o, MERGE_OVER_ORDER, NULL) == o, "NULL base");
	CHECK(node_merge(&ctx.perm, b, NULL, MERGE_OVER_ORDER, NULL) == b, "NULL over");
	struct node *m = node_merge(&ctx.perm, b, o, MERGE_OVER_ORDER, NULL);
	CHECK(node_get(m, "keep") == node_get(b, "keep"), "the unchanged subtree is shared");
	ctx_release(&ctx);
	return T_DONE("merge_test");
}

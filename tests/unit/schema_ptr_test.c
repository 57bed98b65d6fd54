/*
 * schema_ptr_test.c - sch_ptr_child (schema.c), the JSON pointer of every subschema:
 * the parent's pointer, '/', and the name with '~' as "~0" and '/' as "~1" (RFC 6901),
 * against the expected text. Prints "schema_ptr_test: N passed, M failed"; exits 1 on
 * any failure.
 */
#include "eragen.h"
#include "schema.h"
#include "schema_int.h"
#include "schema_cc.h"
#include "t.h"

#include <string.h>

static const struct {
	const char *ptr, *name, *want;
} cases[] = {
	{ "#", "properties", "#/properties" },
	{ "#/properties", "a/b", "#/properties/a~1b" },
	{ "#/properties", "~", "#/properties/~0" },
	{ "#/definitions", "x~y/z~", "#/definitions/x~0y~1z~0" },
	{ "#/properties", "", "#/properties/" },
	{ "", "~/~/", "/~0~1~0~1" },
	{ "file:///s.json#/p", "caf\xc3\xa9", "file:///s.json#/p/caf\xc3\xa9" },
};

int main(void)
{
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = sch_ptr_child(&a, cases[i].ptr, cases[i].name);
		CHECK(strcmp(got, cases[i].want) == 0, "'%s' + '%s': '%s', want '%s'",
		      cases[i].ptr, cases[i].name, got, cases[i].want);
	}
	arena_release(&a);
	return T_DONE("schema_ptr_test");
}

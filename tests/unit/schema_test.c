/*
 * schema_test.c - eragen's side of gen/schema*.c, which the official suite does not
 * cover: error kinds and messages, their order, "did you mean", secrets, defaults, strict
 * compilation, recursion limits and json_to_node's locations.
 * Prints "schema_test: N passed, M failed"; exits 1 on any failure.
 */
#include "eragen.h"
#include "schema.h"

#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(bool ok, const char *what, const char *detail)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	}
}

/* Collected errors, rendered one per line as "KIND line:col msg [key] [suggest]". */
struct got {
	struct strbuf sb;
};

static const char *kind_name(enum schema_err k)
{
	static const char *const names[] = {"UNKNOWN_KEY", "TYPE", "REQUIRED", "VALUE",
					    "UNDECIDED"};
	return names[k];
}

static void sink(void *ud, const struct schema_error *e)
{
	struct got *g = ud;
	sb_printf(&g->sb, "%s %u:%u %s", kind_name(e->kind), e->at->loc.line, e->at->loc.col,
		  e->msg);
	if (e->key)
		sb_printf(&g->sb, " [key=%s]", e->key);
	if (e->suggest)
		sb_printf(&g->sb, " [suggest=%s]", e->suggest);
	if (e->expected)
		sb_printf(&g->sb, " [expected=%s]", e->expected);
	sb_putc(&g->sb, '\n');
}

static struct schema *compile(const char *json, char *err, size_t errlen)
{
	return schema_compile(json, strlen(json), "file:///schemas/test.json", NULL, NULL, err,
			      errlen);
}

/* Validate inst (JSON) against schema (JSON); compare the rendered errors. */
static void expect(const char *name, const char *schema, const char *inst, const char *want)
{
	char err[512];
	struct schema *s = compile(schema, err, sizeof(err));
	if (!s) {
		check(false, name, err);
		return;
	}
	struct arena a;
	arena_init(&a);
	struct node *n = json_to_node(&a, inst, strlen(inst), 1);
	struct got g = {STRBUF_INIT};
	if (!n) {
		check(false, name, "instance does not parse");
	} else {
		size_t count = schema_validate(s, n, sink, &g);
		const char *have = g.sb.buf ? g.sb.buf : "";
		size_t lines = 0;
		for (const char *p = have; *p; p++)
			lines += *p == '\n';
		char *detail = NULL;
		bool ok = strcmp(have, want) == 0 && lines == count;
		if (!ok) {
			size_t len = strlen(have) + strlen(want) + 64;
			detail = malloc(len);
			snprintf(detail, len, "\n--- want\n%s--- have\n%s", want, have);
		}
		check(ok, name, detail);
		free(detail);
	}
	sb_release(&g.sb);
	arena_release(&a);
	schema_free(s);
}

static void expect_compile_error(const char *name, const char *schema, const char *want)
{
	char err[512] = "";
	struct schema *s = compile(schema, err, sizeof(err));
	char detail[700];
	snprintf(detail, sizeof(detail), "got '%s'", s ? "(compiled)" : err);
	check(!s && strstr(err, want), name, detail);
	schema_free(s);
}

static const char env_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,"
	" \"required\":[\"name\",\"tier\"],"
	" \"properties\":{"
	"  \"name\":{\"type\":\"string\",\"pattern\":\"^[a-z][a-z0-9-]*$\"},"
	"  \"tier\":{\"enum\":[\"production\",\"staging\",\"development\",\"ephemeral\"]},"
	"  \"kubernetes_version\":{\"type\":\"string\"},"
	"  \"replicas\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},"
	"  \"ratio\":{\"type\":\"number\",\"multipleOf\":0.0001},"
	"  \"azs\":{\"type\":\"array\",\"minItems\":2,\"uniqueItems\":true,"
	"          \"items\":{\"type\":\"string\",\"minLength\":3}},"
	"  \"description\":{\"type\":[\"string\",\"null\"],\"maxLength\":5}"
	" }}";

static void test_messages(void)
{
	expect("valid instance", env_schema, "{\"name\":\"cae\",\"tier\":\"staging\"}", "");
	expect("unknown key with suggestion", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"replcas\":2}",
	       "UNKNOWN_KEY 1:32 unknown key 'replcas' [key=replcas] [suggest=replicas]\n");
	expect("unknown key without suggestion", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"zzzzzzzz\":2}",
	       "UNKNOWN_KEY 1:32 unknown key 'zzzzzzzz' [key=zzzzzzzz]\n");
	expect("missing required keys, at the map", env_schema, "{}",
	       "REQUIRED 1:1 missing required key 'name' [key=name]\n"
	       "REQUIRED 1:1 missing required key 'tier' [key=tier]\n");
	expect("number where a string is expected: quote it", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"kubernetes_version\":1.30}",
	       "TYPE 1:53 expected a string, found a number: quote it [expected=string]\n");
	expect("several types", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"description\":[]}",
	       "TYPE 1:46 expected a string or null, found a list [expected=string or null]\n");
	expect("enum", env_schema, "{\"name\":\"cae\",\"tier\":\"prod\"}",
	       "VALUE 1:22 value 'prod' is not one of: 'production', 'staging', 'development', "
	       "'ephemeral' [suggest=production]\n");
	expect("pattern", env_schema, "{\"name\":\"Cae\",\"tier\":\"staging\"}",
	       "VALUE 1:9 value 'Cae' does not match pattern '^[a-z][a-z0-9-]*$'\n");
	expect("range", env_schema, "{\"name\":\"cae\",\"tier\":\"staging\",\"replicas\":0}",
	       "VALUE 1:43 must be at least 1, found 0\n");
	expect("integer accepts 1.0", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"replicas\":1.0}", "");
	expect("multipleOf on decimals", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"ratio\":0.0075}", "");
	expect("multipleOf fails", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"ratio\":0.00751}",
	       "VALUE 1:40 must be a multiple of 0.0001, found 0.00751\n");
	expect("items, lengths and order", env_schema,
	       "{\"tier\":\"x\",\"azs\":[\"ab\"],\"name\":\"cae\"}",
	       "VALUE 1:9 value 'x' is not one of: 'production', 'staging', 'development', "
	       "'ephemeral'\n"
	       "VALUE 1:19 must have at least 2 items, found 1\n"
	       "VALUE 1:20 value 'ab' is too short: at least 3 characters, found 2\n");
	expect("unique items", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"azs\":[\"abc\",\"abd\",\"abc\"]}",
	       "VALUE 1:51 item [2] repeats item [0]: items must be unique\n");
	expect("length counts code points", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"description\":\"\xc3\xa9\xc3\xa9\xc3\xa9"
	       "\xc3\xa9\xc3\xa9\"}", "");
	expect("too long", env_schema,
	       "{\"name\":\"cae\",\"tier\":\"staging\",\"description\":\"abcdef\"}",
	       "VALUE 1:46 value 'abcdef' is too long: at most 5 characters, found 6\n");
	expect("errors in document order across lines", env_schema,
	       "{\n  \"replicas\": 11,\n  \"name\": 5,\n  \"tier\": \"staging\"\n}",
	       "VALUE 2:15 must be at most 10, found 11\n"
	       "TYPE 3:11 expected a string, found a number: quote it [expected=string]\n");
}

static const char auth_schema[] =
	"{\"definitions\":{"
	"  \"github\":{\"type\":\"object\",\"additionalProperties\":false,"
	"            \"required\":[\"mode\",\"org\"],"
	"            \"properties\":{\"mode\":{\"const\":\"github\"},\"org\":{\"type\":\"string\"}}},"
	"  \"cognito\":{\"type\":\"object\",\"additionalProperties\":false,"
	"             \"required\":[\"mode\",\"pool\"],"
	"             \"properties\":{\"mode\":{\"const\":\"cognito\"},\"pool\":{\"type\":\"string\"}}}},"
	" \"oneOf\":[{\"$ref\":\"#/definitions/github\"},{\"$ref\":\"#/definitions/cognito\"}]}";

static void test_combinators(void)
{
	expect("oneOf passes", auth_schema, "{\"mode\":\"github\",\"org\":\"x\"}", "");
	expect("oneOf: the discriminated branch reports", auth_schema,
	       "{\"mode\":\"cognito\",\"pol\":\"x\"}",
	       "REQUIRED 1:1 missing required key 'pool' [key=pool]\n"
	       "UNKNOWN_KEY 1:19 unknown key 'pol' [key=pol] [suggest=pool]\n");
	expect("oneOf: no branch stands out", auth_schema, "{\"mode\":\"ldap\"}",
	       "VALUE 1:1 mapping does not match any allowed form\n");
	expect("oneOf: no branch's type fits", auth_schema, "[1]",
	       "TYPE 1:1 expected a mapping, found a list [expected=mapping]\n");
	expect("anyOf: the branch whose type fits reports",
	       "{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^sops:\"},{\"type\":\"null\"}]}",
	       "\"plain\"", "VALUE 1:1 value 'plain' does not match pattern '^sops:'\n");
	expect("anyOf: type union",
	       "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "{}",
	       "TYPE 1:1 expected an integer or string, found a mapping "
	       "[expected=integer or string]\n");
	expect("oneOf: more than one", "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "3",
	       "VALUE 1:1 value 3 matches more than one allowed form ('#/oneOf/0' and "
	       "'#/oneOf/1')\n");
	expect("oneOf of documented constants",
	       "{\"oneOf\":[{\"const\":\"acm\",\"description\":\"ACM\"},"
	       "{\"const\":\"none\"},{\"enum\":[\"x\",\"y\"]}]}",
	       "\"acme\"",
	       "VALUE 1:1 value 'acme' is not one of: 'acm', 'none', 'x', 'y' [suggest=acm]\n");
	expect("not with enum", "{\"not\":{\"enum\":[\"latest\"]}}", "\"latest\"",
	       "VALUE 1:1 value 'latest' is not allowed\n");
	expect("if/then reports the then errors",
	       "{\"if\":{\"properties\":{\"tls\":{\"const\":\"acm\"}}},"
	       " \"then\":{\"required\":[\"domain\"]}}",
	       "{\"tls\":\"acm\"}", "REQUIRED 1:1 missing required key 'domain' [key=domain]\n");
	expect("allOf errors come through", "{\"allOf\":[{\"minimum\":5},{\"maximum\":1}]}", "3",
	       "VALUE 1:1 must be at least 5, found 3\nVALUE 1:1 must be at most 1, found 3\n");
	expect("dependencies", "{\"dependencies\":{\"a\":[\"b\"]}}", "{\"a\":1}",
	       "REQUIRED 1:1 missing key 'b', required when 'a' is set [key=b]\n");
	expect("false property", "{\"properties\":{\"old\":false}}", "{\"old\":1}",
	       "VALUE 1:2 key 'old' is not allowed\n");
	expect("contains const", "{\"contains\":{\"const\":\"x\"}}", "[\"a\"]",
	       "VALUE 1:1 list must contain 'x'\n");
	expect("format date", "{\"format\":\"date\"}", "\"2024-02-30\"",
	       "VALUE 1:1 value '2024-02-30' is not a valid date (YYYY-MM-DD)\n");
	expect("unknown format accepted", "{\"format\":\"k8s-quantity\"}", "\"14G\"", "");
}

static void count_sink(void *ud, const struct schema_error *e)
{
	struct strbuf *sb = ud;
	sb_printf(sb, "%s|", e->msg);
}

static void test_secrets(void)
{
	const char *schema =
		"{\"properties\":{\"secret\":{\"x-eragen-secret\":true,\"type\":\"string\","
		"\"pattern\":\"^sops:\"},"
		"\"ref\":{\"$ref\":\"#/definitions/s\",\"x-eragen-secret\":true},"
		"\"plain\":{\"type\":\"string\"}},"
		"\"definitions\":{\"s\":{\"enum\":[\"a\"]}}}";
	char err[256];
	struct schema *s = compile(schema, err, sizeof(err));
	check(s != NULL, "secret schema compiles", err);
	if (!s)
		return;
	struct arena a;
	arena_init(&a);
	const char *text = "{\"secret\":\"hunter2\",\"ref\":\"hunter3\",\"plain\":\"p\"}";
	struct node *n = json_to_node(&a, text, strlen(text), 1);
	struct strbuf sb = STRBUF_INIT;
	size_t count = schema_validate(s, n, count_sink, &sb);
	check(count == 2, "secret errors counted", sb.buf);
	check(sb.buf && !strstr(sb.buf, "hunter") && strstr(sb.buf, "***"),
	      "secret values are masked in messages", sb.buf);
	check((node_get(n, "secret")->flags & NODE_SECRET) &&
		      (node_get(n, "ref")->flags & NODE_SECRET) &&
		      !(node_get(n, "plain")->flags & NODE_SECRET),
	      "NODE_SECRET set exactly under x-eragen-secret", NULL);
	sb_release(&sb);
	arena_release(&a);
	schema_free(s);
}

static void test_defaults(void)
{
	const char *schema =
		"{\"definitions\":{\"net\":{\"type\":\"object\",\"properties\":{"
		"   \"nat\":{\"default\":\"single\"},\"newbits\":{\"default\":4}}}},"
		" \"properties\":{"
		"  \"network\":{\"$ref\":\"#/definitions/net\",\"default\":{}},"
		"  \"state\":{\"properties\":{\"key\":{\"default\":\"terraform.tfstate\"}}},"
		"  \"groups\":{\"additionalProperties\":{\"properties\":{\"disk_gb\":{\"default\":50}}}},"
		"  \"list\":{\"items\":{\"properties\":{\"x\":{\"default\":true}}}}},"
		" \"allOf\":[{\"properties\":{\"app\":{\"default\":\"jupyterhub\"}}}]}";
	char err[256];
	struct schema *s = compile(schema, err, sizeof(err));
	check(s != NULL, "defaults schema compiles", err);
	if (!s)
		return;
	struct arena a;
	arena_init(&a);
	const char *text = "{\"state\":{},\"groups\":{\"a\":{},\"b\":{\"disk_gb\":80}},"
			   "\"list\":[{}],\"other\":{\"k\":1}}";
	struct node *in = json_to_node(&a, text, strlen(text), 1);
	size_t n_before = in->n;
	struct node *out = schema_apply_defaults(s, &a, in, 7);
	check(in->n == n_before && !node_get(in, "network") && node_get(in, "state")->n == 0,
	      "defaults do not modify the input", NULL);
	const struct node *nat = node_path(out, "network.nat");
	check(nat && nat->kind == NODE_STR && strcmp(nat->str, "single") == 0 &&
		      (nat->flags & NODE_DEFAULT) && nat->loc.file == 7 && nat->loc.line == 0,
	      "default inserted through $ref and into an inserted default", NULL);
	const struct node *nb = node_path(out, "network.newbits");
	check(nb && nb->kind == NODE_INT && nb->v.i == 4, "integer default", NULL);
	const struct node *key = node_path(out, "state.key");
	check(key && strcmp(key->str, "terraform.tfstate") == 0, "nested default", NULL);
	check(node_path(out, "groups.a.disk_gb") && node_path(out, "groups.a.disk_gb")->v.i == 50 &&
		      node_path(out, "groups.b.disk_gb")->v.i == 80,
	      "additionalProperties defaults keep given values", NULL);
	const struct node *list = node_get(out, "list");
	check(list && list->n == 1 && node_get(list->items[0], "x") &&
		      node_get(list->items[0], "x")->v.b && node_get(in, "list")->items[0]->n == 0,
	      "item defaults, copy on write", NULL);
	check(node_path(out, "app") && strcmp(node_path(out, "app")->str, "jupyterhub") == 0,
	      "allOf branch defaults", NULL);
	check(node_get(out, "other") == node_get(in, "other"), "untouched subtrees are shared",
	      NULL);
	struct node *again = schema_apply_defaults(s, &a, out, 7);
	check(again == out, "applying defaults twice changes nothing", NULL);
	arena_release(&a);
	schema_free(s);
}

static void test_compile_errors(void)
{
	expect_compile_error("unknown keyword", "{\"properties\":{\"a\":{\"minLenght\":1}}}",
			     "unknown keyword 'minLenght' at '#/properties/a/minLenght' "
			     "(did you mean 'minLength'?)");
	expect_compile_error("invalid pattern", "{\"pattern\":\"(abc\"}",
			     "invalid pattern '(abc' at '#/pattern': missing closing parenthesis");
	expect_compile_error("invalid patternProperties",
			     "{\"patternProperties\":{\"[\":{}}}", "invalid pattern '['");
	expect_compile_error("bad keyword value", "{\"minLength\":-1}",
			     "'minLength' at '#/minLength' must be a non-negative integer");
	expect_compile_error("bad type name", "{\"type\":\"str\"}", "'type' at '#/type' must be");
	expect_compile_error("unresolvable ref", "{\"$ref\":\"#/definitions/nope\"}",
			     "cannot resolve '$ref' '#/definitions/nope' at '#'");
	expect_compile_error("remote ref without fetch", "{\"$ref\":\"http://x.org/s.json\"}",
			     "remote references are not allowed");
	expect_compile_error("ref cycle",
			     "{\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
			     "\"b\":{\"$ref\":\"#/definitions/a\"}},\"$ref\":\"#/definitions/a\"}",
			     "cycle of references");
	expect_compile_error("not JSON", "{\"type\":", "invalid JSON");
	expect_compile_error("schema not an object", "{\"properties\":{\"a\":3}}",
			     "invalid schema at '#/properties/a'");
	char err[256];
	struct schema *s = compile("{\"x-vendor\":{\"anything\":1},\"properties\":{\"enum\":{},"
				   "\"x\":{\"default\":{\"notakeyword\":1},\"examples\":[{\"a\":1}]}}}",
				   err, sizeof(err));
	check(s != NULL, "vendor keys, property names and data values are not keywords", err);
	schema_free(s);
}

static void test_limits(void)
{
	/* {"$ref":"#"} under properties on deep data terminates with one error */
	const char *schema = "{\"properties\":{\"a\":{\"$ref\":\"#\"}}}";
	struct strbuf deep = STRBUF_INIT;
	for (int i = 0; i < 500; i++)
		sb_puts(&deep, "{\"a\":");
	sb_puts(&deep, "1");
	for (int i = 0; i < 500; i++)
		sb_putc(&deep, '}');
	char err[256];
	struct schema *s = compile(schema, err, sizeof(err));
	struct arena a;
	arena_init(&a);
	struct node *n = json_to_node(&a, deep.buf, deep.len, 1);
	struct strbuf sb = STRBUF_INIT;
	size_t count = s && n ? schema_validate(s, n, count_sink, &sb) : 0;
	check(count == 1 && sb.buf && strstr(sb.buf, "schema recursion too deep"),
	      "deep recursion ends with one error", sb.buf);
	sb_release(&sb);
	sb_release(&deep);
	arena_release(&a);
	schema_free(s);

	/* a catastrophic pattern is undecided, not "no match" */
	s = compile("{\"pattern\":\"(a+)+$\"}", err, sizeof(err));
	arena_init(&a);
	const char *text = "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"";
	n = json_to_node(&a, text, strlen(text), 1);
	struct got g = {STRBUF_INIT};
	count = s && n ? schema_validate(s, n, sink, &g) : 0;
	check(count == 1 && g.sb.buf && strncmp(g.sb.buf, "UNDECIDED", 9) == 0,
	      "catastrophic pattern is undecided", g.sb.buf);
	sb_release(&g.sb);
	arena_release(&a);
	schema_free(s);
}

static void test_json(void)
{
	struct arena a;
	arena_init(&a);
	const char *text = "{\n  \"k\xc3\xa9y\": [1, -0, 2.5e3, 9223372036854775808, "
			   "\"\\u00e9\\ud83d\\ude00\"],\n  \"b\": true, \"b\": null\n}";
	struct node *n = json_to_node(&a, text, strlen(text), 3);
	check(n && n->kind == NODE_MAP && n->n == 2, "object with a duplicate key", NULL);
	if (n && n->n == 2) {
		const struct node *arr = n->items[0];
		check(n->keys[0]->loc.line == 2 && n->keys[0]->loc.col == 3 && arr->loc.line == 2 &&
			      arr->loc.col == 10 && arr->loc.file == 3,
		      "locations count code points", NULL);
		check(arr->loc.end_line == 2 && arr->loc.end_col == 66, "inclusive end location",
		      NULL);
		check(arr->items[0]->kind == NODE_INT && arr->items[0]->v.i == 1 &&
			      strcmp(arr->items[0]->str, "1") == 0,
		      "integer", NULL);
		check(arr->items[2]->kind == NODE_FLOAT && arr->items[2]->v.f == 2500.0 &&
			      strcmp(arr->items[2]->str, "2.5e3") == 0,
		      "float keeps its text", NULL);
		check(arr->items[3]->kind == NODE_FLOAT, "int64 overflow becomes a float", NULL);
		check(arr->items[4]->len == 6 &&
			      memcmp(arr->items[4]->str, "\xc3\xa9\xf0\x9f\x98\x80", 6) == 0,
		      "escapes and surrogate pairs", NULL);
		check(strcmp(n->keys[1]->str, "b") == 0 && n->items[1]->kind == NODE_NULL &&
			      n->keys[1]->loc.line == 3 && n->keys[1]->loc.col == 14,
		      "duplicate keys: the last wins", NULL);
	}
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"", "\"a\nb\"",
		"\"\xff\"", "[1] 2", "{\"a\":1,}", "\"\\u12\"", "nul",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "syntax error %zu rejected", i);
		check(json_to_node(&a, bad[i], strlen(bad[i]), 1) == NULL, what, bad[i]);
	}
	const char *int_min = "-9223372036854775808";
	struct node *m = json_to_node(&a, int_min, strlen(int_min), 1);
	check(m && m->kind == NODE_INT && m->v.i == INT64_MIN, "INT64_MIN is an integer", NULL);
	arena_release(&a);
}

int main(void)
{
	test_messages();
	test_combinators();
	test_secrets();
	test_defaults();
	test_compile_errors();
	test_limits();
	test_json();
	printf("schema_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

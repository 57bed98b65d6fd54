/*
 * tmpl_test.c - the template engine beyond the Mustache spec (tmpl.c): each escaper on
 * hostile strings, raw-interpolation and strict modes, fragments, indentation, error
 * positions, recursion limits and the template set of a run (tmpl_set_*).
 *
 *   tmpl_test              the table-driven tests ("tmpl: N passed, M failed")
 *   tmpl_test --emit DIR   writes the hostile corpus escaped for each target, for
 *                          tests/cli/escape-roundtrip.sh to parse back with the real
 *                          parsers: DIR/strings.json (the originals, index N),
 *                          DIR/hcl.tf (x_N = "ESC_HCL"), DIR/values.yaml (k_N: ESC_YAML),
 *                          DIR/workflow.yaml (env k_N: ESC_GHA), DIR/vars.mk
 *                          (V_N := ESC_MAKE; strings with line breaks are refused and left
 *                          out), DIR/make-refused.json (the indexes refused)
 */
#define _POSIX_C_SOURCE 200809L
#include "t.h"
#include "tmpl.h"
#include "view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- escapers ---------------------------------------------------------------------- */

static const struct {
	enum tmpl_escape esc;
	const char *in, *out;	/* out NULL: refused (-1) */
} esc_cases[] = {
	/* HCL: inside "..." */
	{ESC_HCL, "plain", "plain"},
	{ESC_HCL, "a\"b", "a\\\"b"},
	{ESC_HCL, "a\\b", "a\\\\b"},
	{ESC_HCL, "l1\nl2\r\tx", "l1\\nl2\\r\\tx"},
	{ESC_HCL, "${var.x}", "$${var.x}"},
	{ESC_HCL, "%{if true}", "%%{if true}"},
	{ESC_HCL, "$${x}", "$$${x}"},
	{ESC_HCL, "$(x) ${{ y }} # z: w", "$(x) $${{ y }} # z: w"},
	{ESC_HCL, "100% $ {", "100% $ {"},
	{ESC_HCL, "\x01\x1f\x7f", "\\u0001\\u001F\\u007F"},
	{ESC_HCL, "caf\xc3\xa9 e\xcc\x81 \xe2\x80\xa8", "caf\xc3\xa9 e\xcc\x81 \xe2\x80\xa8"},
	{ESC_HCL, "\\${x}", "\\\\$${x}"},
	/* YAML: a whole scalar, plain only when no YAML 1.1 or 1.2 reader can mistake it */
	{ESC_YAML, "abc", "abc"},
	{ESC_YAML, "m5.xlarge", "m5.xlarge"},
	{ESC_YAML, "us-east-1", "us-east-1"},
	{ESC_YAML, "jupyter/base-notebook", "jupyter/base-notebook"},
	{ESC_YAML, "", "\"\""},
	{ESC_YAML, "yes", "\"yes\""},
	{ESC_YAML, "No", "\"No\""},
	{ESC_YAML, "on", "\"on\""},
	{ESC_YAML, "OFF", "\"OFF\""},
	{ESC_YAML, "y", "\"y\""},
	{ESC_YAML, "n", "\"n\""},
	{ESC_YAML, "true", "\"true\""},
	{ESC_YAML, "Null", "\"Null\""},
	{ESC_YAML, "~", "\"~\""},
	{ESC_YAML, "010", "\"010\""},
	{ESC_YAML, "1_000", "\"1_000\""},
	{ESC_YAML, "0x1F", "\"0x1F\""},
	{ESC_YAML, "1:20", "\"1:20\""},
	{ESC_YAML, "2024-01-01", "\"2024-01-01\""},
	{ESC_YAML, ".inf", "\".inf\""},
	{ESC_YAML, "-x", "\"-x\""},
	{ESC_YAML, "a: b", "\"a: b\""},
	{ESC_YAML, "#x", "\"#x\""},
	{ESC_YAML, "x #y", "\"x #y\""},
	{ESC_YAML, "a\"b\\c", "\"a\\\"b\\\\c\""},
	{ESC_YAML, "l1\nl2\r\t", "\"l1\\nl2\\r\\t\""},
	{ESC_YAML, "${x} %{y} $(z)", "\"${x} %{y} $(z)\""},
	{ESC_YAML, "${{ secrets.X }}", "\"${{ secrets.X }}\""},
	{ESC_YAML, "caf\xc3\xa9", "\"caf\xc3\xa9\""},
	{ESC_YAML, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "\"a\\u2028b\\u2029c\""},
	{ESC_YAML, "nel\xc2\x85", "\"nel\\u0085\""},
	{ESC_YAML, "\x01\x7f", "\"\\u0001\\u007F\""},
	{ESC_YAML, "'q'", "\"'q'\""},
	{ESC_YAML, "*alias &anchor !tag", "\"*alias &anchor !tag\""},
	/* GHA: ESC_YAML, and no literal ${{ left for GitHub to evaluate */
	{ESC_GHA, "abc", "abc"},
	{ESC_GHA, "yes", "\"yes\""},
	{ESC_GHA, "${{ secrets.TOKEN }}", "\"${{ '$' }}{{ secrets.TOKEN }}\""},
	{ESC_GHA, "$${{x", "\"$${{ '$' }}{{x\""},
	{ESC_GHA, "${{${{", "\"${{ '$' }}{{${{ '$' }}{{\""},
	{ESC_GHA, "${x} $ {{", "\"${x} $ {{\""},
	{ESC_GHA, "a\nb", "\"a\\nb\""},
	/* Make: a variable value after ":=" */
	{ESC_MAKE, "plain", "plain"},
	{ESC_MAKE, "a$b", "a$$b"},
	{ESC_MAKE, "$(shell rm -rf /)", "$$(shell rm -rf /)"},
	{ESC_MAKE, "${x}", "$${x}"},
	{ESC_MAKE, "#x", "\\#x"},
	{ESC_MAKE, "a # b", "a \\# b"},
	{ESC_MAKE, "a\\#b", "a\\$()\\#b"},
	{ESC_MAKE, " lead", "$() lead"},
	{ESC_MAKE, "trail\t", "trail\t$()"},
	{ESC_MAKE, "back\\", "back\\$()"},
	{ESC_MAKE, "a: b; c = d % e", "a: b; c = d % e"},
	{ESC_MAKE, "a\nb", NULL},
	{ESC_MAKE, "a\rb", NULL},
	{ESC_MAKE, "\n", NULL},
	/* JSON: a string literal */
	{ESC_JSON, "a\"b\\c\n", "\"a\\\"b\\\\c\\n\""},
	{ESC_JSON, "${{ x }} #", "\"${{ x }} #\""},
	{ESC_JSON, "\x01", "\"\\u0001\""},
	/* HTML (the spec's) and none */
	{ESC_HTML, "<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"},
	{ESC_NONE, "<\"${x}\n", "<\"${x}\n"},
};

static const char *esc_name(enum tmpl_escape e)
{
	static const char *const names[] = {"HTML", "NONE", "HCL", "YAML", "MAKE", "GHA", "JSON"};
	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

static void test_escapers(void)
{
	for (size_t i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *in = esc_cases[i].in, *want = esc_cases[i].out;
		int rc = tmpl_escape(esc_cases[i].esc, in, strlen(in), &sb);
		if (!want) {
			CHECK(rc == -1, "ESC_%s refuses %s (rc %d)", esc_name(esc_cases[i].esc), in, rc);
		} else {
			const char *got = sb.buf ? sb.buf : "";
			CHECK(rc == 0 && strcmp(got, want) == 0, "ESC_%s(%s) = [%s], want [%s]",
			      esc_name(esc_cases[i].esc), in, got, want);
		}
		sb_release(&sb);
	}
}

/* ---- the engine -------------------------------------------------------------------- */

struct partials {
	const char *const *kv;	/* name, text, ..., NULL */
};

static const char *load(void *ud, const char *name, size_t *len)
{
	const struct partials *p = ud;
	for (size_t i = 0; p && p->kv[i]; i += 2)
		if (strcmp(p->kv[i], name) == 0) {
			*len = strlen(p->kv[i + 1]);
			return p->kv[i + 1];
		}
	return NULL;
}

static struct node *J(struct arena *a, const char *json)
{
	struct node *n = json_to_node(a, json, strlen(json), 0);
	if (!n) {
		printf("bad test JSON: %s\n", json);
		exit(2);
	}
	return n;
}

enum { RAW = TMPL_RAW_FRAGMENTS, STRICT = TMPL_STRICT };

static const struct {
	const char *tmpl;
	const char *view;		/* JSON */
	enum tmpl_escape esc;
	unsigned flags;
	const char *const *partials;	/* name, text, ..., NULL */
	const char *out;		/* expected output, or NULL when err is expected */
	const char *err;		/* expected error (exact) */
} cases[] = {
	/* raw interpolation: only fragments (and numbers, booleans) with TMPL_RAW_FRAGMENTS */
	{"{{{x}}}", "{\"x\": \"a<b\"}", ESC_HTML, 0, NULL, "a<b", NULL},
	{"{{{x}}}", "{\"x\": \"a<b\"}", ESC_HTML, RAW, NULL, NULL,
	 "t:1:1: raw interpolation of a value is not allowed: use {{x}}"},
	{"ab\n {{& x }}", "{\"x\": \"v\"}", ESC_HCL, RAW, NULL, NULL,
	 "t:2:2: raw interpolation of a value is not allowed: use {{x}}"},
	{"{{{n}}} {{&b}} {{{z}}}", "{\"n\": 42, \"b\": false, \"z\": null}", ESC_HCL, RAW, NULL,
	 "42 false ", NULL},
	/* strict: a missing variable is an error; a missing section is just false */
	{"{{missing}}", "{}", ESC_HTML, 0, NULL, "", NULL},
	{"x\n{{a.missing}}", "{\"a\": {}}", ESC_HTML, STRICT, NULL, NULL,
	 "t:2:1: no value 'a.missing' in the view"},
	{"{{#m}}x{{/m}}{{^m}}y{{/m}}", "{}", ESC_HTML, STRICT, NULL, "y", NULL},
	{"{{>nope}}", "{}", ESC_HTML, STRICT, NULL, NULL, "t:1:1: unknown partial 'nope'"},
	{"[{{>nope}}]", "{}", ESC_HTML, 0, NULL, "[]", NULL},
	/* values that cannot be printed */
	{"{{m}}", "{\"m\": {\"a\": 1}}", ESC_HTML, 0, NULL, NULL,
	 "t:1:1: 'm' is a mapping, not a value to print: use a section"},
	{"V := {{v}}", "{\"v\": \"a\\nb\"}", ESC_MAKE, 0, NULL, NULL,
	 "t:1:6: the value of 'v' cannot be written here (a line break in a Makefile value)"},
	/* typed values: numbers and booleans are not strings */
	{"k: {{v}}", "{\"v\": \"yes\"}", ESC_YAML, RAW, NULL, "k: \"yes\"", NULL},
	{"k: {{v}}", "{\"v\": true}", ESC_YAML, RAW, NULL, "k: true", NULL},
	{"k: {{v}}", "{\"v\": 3}", ESC_YAML, RAW, NULL, "k: 3", NULL},
	{"k: {{v}}", "{\"v\": \"3\"}", ESC_YAML, RAW, NULL, "k: \"3\"", NULL},
	{"k: {{v}}", "{\"v\": \"3\"}", ESC_JSON, RAW, NULL, "k: \"3\"", NULL},
	{"x = \"{{v}}\"", "{\"v\": \"${path.module}\\\"\"}", ESC_HCL, RAW, NULL,
	 "x = \"$${path.module}\\\"\"", NULL},
	/* indentation: standalone partials indent their lines, blank lines stay empty */
	{"a:\n  {{>p}}\nb\n", "{}", ESC_NONE, 0, (const char *const[]){"p", "x\n\ny\n", NULL},
	 "a:\n  x\n\n  y\nb\n", NULL},
	{"a:\n  {{>p}}\n", "{\"v\": \"1\\n2\"}", ESC_NONE, 0, (const char *const[]){"p", "<{{v}}>\n", NULL},
	 "a:\n  <1\n2>\n", NULL},
	{"r:\n  {{>p}}\n", "{\"l\": [1, 2]}", ESC_NONE, 0,
	 (const char *const[]){"p", "{{#l}}\n- {{.}}\n  {{>q}}\n{{/l}}\n", "q", "q{{.}}\n", NULL},
	 "r:\n  - 1\n    q1\n  - 2\n    q2\n", NULL},
	/* delimiters and comments */
	{"{{=<% %>=}}<% x %>{{x}}<%! c %>", "{\"x\": 1}", ESC_NONE, 0, NULL, "1{{x}}", NULL},
	/* unclosed and mismatched tags: NAME:LINE:COL of the culprit */
	{"ab\n  {{x", "{}", ESC_HTML, 0, NULL, NULL, "t:2:3: unclosed tag: no '}}' after '{{'"},
	{"\xc3\xa9\xc3\xa9{{{x}}", "{}", ESC_HTML, 0, NULL, NULL, "t:1:3: unclosed tag: no '}}}' after '{{{'"},
	{"{{=<% %>=}}\n<%x", "{}", ESC_HTML, 0, NULL, NULL, "t:2:1: unclosed tag: no '%>' after '<%'"},
	{"a\n{{#s}}\nb", "{}", ESC_HTML, 0, NULL, NULL, "t:2:1: unclosed section 's'"},
	{"{{/s}}", "{}", ESC_HTML, 0, NULL, NULL, "t:1:1: closing tag 's' without an opening tag"},
	{"{{#a}}\n{{/b}}", "{}", ESC_HTML, 0, NULL, NULL,
	 "t:2:1: closing tag 'b' does not match 'a' opened at 1:1"},
	{"{{}}", "{}", ESC_HTML, 0, NULL, NULL, "t:1:1: empty tag name"},
	{"{{a b}}", "{}", ESC_HTML, 0, NULL, NULL, "t:1:1: invalid tag name 'a b': no spaces allowed"},
	{"{{=x=}}", "{}", ESC_HTML, 0, NULL, NULL,
	 "t:1:1: invalid set-delimiter tag: expected two delimiters"},
	/* an error inside a partial names the partial */
	{"{{>p}}", "{}", ESC_HTML, 0, (const char *const[]){"p", "ok\n  {{#x}}", NULL}, NULL,
	 "p:2:3: unclosed section 'x'"},
	/* recursion stops */
	{"{{>r}}", "{}", ESC_HTML, 0, (const char *const[]){"r", "x{{>r}}", NULL}, NULL,
	 "r:1:2: partials nested deeper than 64 (a recursion?)"},
	{"{{<r}}{{/r}}", "{}", ESC_HTML, 0, (const char *const[]){"r", "{{<r}}{{/r}}", NULL}, NULL,
	 "r:1:1: partials nested deeper than 64 (a recursion?)"},
	{"{{>*d}}", "{\"d\": \"r\"}", ESC_HTML, 0, (const char *const[]){"r", "{{>*d}}", NULL}, NULL,
	 "r:1:1: partials nested deeper than 64 (a recursion?)"},
	/* falsy: null, false, [], "" */
	{"{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}",
	 "{\"a\": null, \"b\": false, \"c\": [], \"d\": \"\", \"e\": 0}", ESC_HTML, 0, NULL, "E", NULL},
};

static void test_engine(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a;
		arena_init(&a);
		struct partials p = {cases[i].partials};
		struct tmpl_opts o = {.esc = cases[i].esc, .flags = cases[i].flags, .load = load,
				      .load_ud = cases[i].partials ? &p : NULL};
		struct strbuf out = STRBUF_INIT;
		char err[256] = "";
		int rc = tmpl_render("t", cases[i].tmpl, strlen(cases[i].tmpl), J(&a, cases[i].view), &o,
				     &out, err, sizeof(err));
		const char *got = out.buf ? out.buf : "";
		if (cases[i].out)
			CHECK(rc == 0 && strcmp(got, cases[i].out) == 0, "case %zu %s: got rc %d [%s] err [%s]",
			      i, cases[i].tmpl, rc, got, err);
		else
			CHECK(rc == -1 && strcmp(err, cases[i].err) == 0 && out.len == 0,
			      "case %zu %s: got rc %d err [%s], want [%s]", i, cases[i].tmpl, rc, err,
			      cases[i].err);
		sb_release(&out);
		arena_release(&a);
	}
}

/* Fragments: inserted verbatim by {{x}} and {{{x}}}, indented like template text. */
static void test_fragments(void)
{
	struct arena a;
	arena_init(&a);
	struct node *v = v_map(&a);
	v_set(&a, v, "f", v_fragment(&a, "{\n  a = \"${x}\"\n}", 16));
	v_set(&a, v, "s", v_str(&a, "\"${x}\""));
	static const struct {
		const char *tmpl, *out;
		enum tmpl_escape esc;
	} fc[] = {
		{"t = {{f}}", "t = {\n  a = \"${x}\"\n}", ESC_HCL},
		{"t = {{{f}}}", "t = {\n  a = \"${x}\"\n}", ESC_YAML},
		{"t = {{&f}} \"{{s}}\"", "t = {\n  a = \"${x}\"\n} \"\\\"$${x}\\\"\"", ESC_HCL},
		{"b {\n  {{>p}}\n}\n", "b {\n  t = {\n    a = \"${x}\"\n  }\n}\n", ESC_HCL},
	};
	const char *const kv[] = {"p", "t = {{f}}\n", NULL};
	struct partials p = {kv};
	for (size_t i = 0; i < sizeof(fc) / sizeof(fc[0]); i++) {
		struct tmpl_opts o = {.esc = fc[i].esc, .flags = RAW | STRICT, .load = load, .load_ud = &p};
		struct strbuf out = STRBUF_INIT;
		char err[256] = "";
		int rc = tmpl_render("t", fc[i].tmpl, strlen(fc[i].tmpl), v, &o, &out, err, sizeof(err));
		CHECK(rc == 0 && strcmp(out.buf ? out.buf : "", fc[i].out) == 0,
		      "fragment %zu: rc %d [%s] err [%s]", i, rc, out.buf ? out.buf : "", err);
		sb_release(&out);
	}
	/* secrets never reach an output; a sops: reference is not a secret */
	struct node *sec = v_str(&a, "hunter2");
	sec->flags |= NODE_SECRET;
	v_set(&a, v, "sec", sec);
	struct node *ref = v_str(&a, "sops:hub.token");
	ref->flags |= NODE_SECRET;
	v_set(&a, v, "ref", ref);
	{
		struct tmpl_opts so = {.esc = ESC_YAML, .flags = RAW};
		struct strbuf sout = STRBUF_INIT;
		char serr[256] = "";
		int src = tmpl_render("t", "a: {{ref}}\nb: {{sec}}", 21, v, &so, &sout, serr, sizeof(serr));
		CHECK(src == -1 && strcmp(serr, "t:2:4: 'sec' is a secret value: it is never written to an output") == 0,
		      "secret: rc %d err [%s]", src, serr);
		sb_reset(&sout);
		src = tmpl_render("t", "a: {{ref}}", 10, v, &so, &sout, serr, sizeof(serr));
		CHECK(src == 0 && strcmp(sout.buf, "a: \"sops:hub.token\"") == 0, "sops ref: [%s] %s",
		      sout.buf ? sout.buf : "", serr);
		sb_release(&sout);
	}
	/* floats keep their YAML text when it is plain decimal */
	struct node *fl = node_new(&a, NODE_FLOAT, (struct loc){0});
	fl->v.f = 1.0;
	fl->str = "1.0";
	fl->len = 3;
	v_set(&a, v, "fl", fl);
	struct node *f2 = node_new(&a, NODE_FLOAT, (struct loc){0});
	f2->v.f = 0.1;
	v_set(&a, v, "f2", f2);
	struct tmpl_opts o = {.esc = ESC_YAML, .flags = RAW};
	struct strbuf out = STRBUF_INIT;
	char err[256] = "";
	int rc = tmpl_render("t", "{{fl}} {{f2}}", 13, v, &o, &out, err, sizeof(err));
	CHECK(rc == 0 && strcmp(out.buf, "1.0 0.1") == 0, "floats: [%s] %s", out.buf, err);
	sb_release(&out);
	/* an error leaves out as it was */
	sb_puts(&out, "keep");
	rc = tmpl_render("t", "abc{{", 5, v, &o, &out, err, sizeof(err));
	CHECK(rc == -1 && strcmp(out.buf, "keep") == 0, "error output: [%s]", out.buf);
	sb_release(&out);
	arena_release(&a);
}

/* Limits: nesting, work and output of one render stop with an error, never a hang. */
static void test_limits(void)
{
	struct arena a;
	arena_init(&a);
	/* 20 nested sections per partial level: 1024 levels come before 64 partials */
	struct strbuf deep = STRBUF_INIT;
	for (int i = 0; i < 20; i++)
		sb_puts(&deep, "{{#a}}");
	sb_puts(&deep, "{{>r}}");
	for (int i = 0; i < 20; i++)
		sb_puts(&deep, "{{/a}}");
	/* a binary recursion over a 40-deep view: 2^40 steps without a byte of output */
	struct strbuf view = STRBUF_INIT;
	sb_puts(&view, "{\"s\": \"");
	for (int i = 0; i < 65536; i++)
		sb_putc(&view, 'x');
	sb_puts(&view, "\", \"l\": [");
	for (int i = 0; i < 40; i++)
		sb_puts(&view, "{\"l\": [");
	sb_puts(&view, "{\"l\": []}");
	for (int i = 0; i < 40; i++)
		sb_puts(&view, "]}");
	sb_puts(&view, "]}");
	/* and one that prints 64 KiB at each step */
	static const struct {
		const char *r, *err;
	} lc[] = {
		{NULL, "r:1:91: sections and partials nested deeper than 1024"},
		{"{{#l}}{{>r}}{{>r}}{{/l}}", "r:1:7: the render takes more than 20000000 steps"},
		{"{{#l}}{{>r}}{{>r}}{{s}}{{/l}}", "r:1:19: the output is larger than 67108864 bytes"},
	};
	for (size_t i = 0; i < sizeof(lc) / sizeof(lc[0]); i++) {
		const char *kv[] = {"r", lc[i].r ? lc[i].r : deep.buf, NULL};
		struct partials p = {kv};
		struct tmpl_opts o = {.esc = ESC_NONE, .load = load, .load_ud = &p};
		struct strbuf out = STRBUF_INIT;
		char err[256] = "";
		struct node *v = i == 0 ? J(&a, "{\"a\": true}") : J(&a, view.buf);
		int rc = tmpl_render("t", "{{>r}}", 6, v, &o, &out, err, sizeof(err));
		CHECK(rc == -1 && strcmp(err, lc[i].err) == 0 && out.len == 0, "limit %zu: rc %d err [%s]", i,
		      rc, err);
		sb_release(&out);
	}
	sb_release(&deep);
	sb_release(&view);
	arena_release(&a);
}

/* Never crashes: every prefix of some tricky templates renders or fails cleanly. */
static void test_prefixes(void)
{
	static const char *const t[] = {
		"{{#a}}\n  {{>p}}\n{{/a}}{{=| |=}}|x| |={{ }}=|{{{y}}}{{!c}}",
		"{{<p}}{{$b}}\n  x\n{{/b}}{{/p}}\n{{$c}}{{/c}}{{>*d}}",
	};
	struct arena a;
	arena_init(&a);
	struct node *v = J(&a, "{\"a\": [1, 2], \"x\": \"<\", \"y\": \"&\", \"d\": \"p\"}");
	const char *const kv[] = {"p", "{{$b}}d{{/b}}|{{x}}\n", NULL};
	struct partials p = {kv};
	size_t ok = 0, failed = 0;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (size_t n = 0; n <= strlen(t[i]); n++) {
			struct tmpl_opts o = {.esc = ESC_HTML, .load = load, .load_ud = &p};
			struct strbuf out = STRBUF_INIT;
			char err[256] = "";
			int rc = tmpl_render("t", t[i], n, v, &o, &out, err, sizeof(err));
			if (rc == 0)
				ok++;
			else if (strncmp(err, "t:", 2) == 0 || strncmp(err, "p:", 2) == 0)
				failed++;
			sb_release(&out);
		}
	}
	CHECK(ok > 10 && failed > 10 && ok + failed == strlen(t[0]) + strlen(t[1]) + 2,
	      "prefixes: %zu rendered, %zu errors", ok, failed);
	arena_release(&a);
}

/* ---- the template set -------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *s = dir + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(dir, 0755);
			*s = '/';
		}
	FILE *f = fopen(path, "wb");
	if (!f) {
		printf("cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static const struct diag *last_diag(const struct ctx *ctx)
{
	return ctx->ndiags ? ctx->diags[ctx->ndiags - 1] : NULL;
}

static void test_set(void)
{
	char tmpl[] = "/tmp/tmpl_test.XXXXXX";
	if (!mkdtemp(tmpl)) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	char root[4200], data[4200], p[4400];
	snprintf(root, sizeof(root), "%s/repo", tmpl);
	snprintf(data, sizeof(data), "%s/share", tmpl);
	/* installed templates, one overridden by the repository */
	snprintf(p, sizeof(p), "%s/templates/tofu/main.tf.mustache", data);
	write_file(p, "installed\n");
	snprintf(p, sizeof(p), "%s/templates/tofu/partials/tags", data);
	write_file(p, "{{#tags}}\n{{k}} = \"{{v}}\"\n{{/tags}}\n");
	snprintf(p, sizeof(p), "%s/templates/tofu/main.tf.mustache", root);
	write_file(p, "tags = {\n  {{> tofu/partials/tags}}\n}\n");
	snprintf(p, sizeof(p), "%s/templates/broken", root);
	write_file(p, "line one\n  {{#open}}\n");
	snprintf(p, sizeof(p), "%s/templates/bad-render", root);
	write_file(p, "ok\n\xc3\xa9 {{{raw}}}\n");
	snprintf(p, sizeof(p), "%s/templates/dyn", root);
	write_file(p, "{{>*name}}");

	struct ctx ctx;
	ctx_init(&ctx);
	ctx.root = root;
	ctx.datadir = data;
	struct tmpl_set *ts = tmpl_set_open(&ctx);
	struct arena *a = &ctx.perm;
	struct node *view = J(a, "{\"tags\": [{\"k\": \"Name\", \"v\": \"a\\\"b${c}\"}, {\"k\": \"Env\", \"v\": \"x\"}],"
			      " \"raw\": \"r\", \"name\": \"../../etc/passwd\"}");
	struct strbuf out = STRBUF_INIT;
	int rc = tmpl_set_render(ts, "tofu/main.tf.mustache", view, ESC_HCL, &out);
	CHECK(rc == 0 && out.buf && strcmp(out.buf, "tags = {\n  Name = \"a\\\"b$${c}\"\n  Env = \"x\"\n}\n") == 0,
	      "set render: rc %d [%s]", rc, out.buf ? out.buf : "");
	CHECK(ctx.ndiags == 0, "no diagnostics: %zu", ctx.ndiags);
	/* parsed once: a second render reads no file */
	size_t nfiles = ctx.nfiles;
	sb_reset(&out);
	rc = tmpl_set_render(ts, "tofu/main.tf.mustache", view, ESC_HCL, &out);
	CHECK(rc == 0 && ctx.nfiles == nfiles, "cached: rc %d, files %zu -> %zu", rc, nfiles, ctx.nfiles);

	/* a template that does not parse: SPEC012 at its line and column */
	sb_reset(&out);
	rc = tmpl_set_render(ts, "broken", view, ESC_HCL, &out);
	const struct diag *d = last_diag(&ctx);
	CHECK(rc == -1 && d && strcmp(d->rule->id, "SPEC012") == 0 && d->loc.line == 2 && d->loc.col == 3 &&
	      strcmp(d->msg, "template 'broken': unclosed section 'open'") == 0 &&
	      strcmp(srcfile_get(&ctx, d->loc.file)->path, "templates/broken") == 0,
	      "broken: rc %d, diag %s %u:%u", rc, d ? d->msg : "(none)", d ? d->loc.line : 0, d ? d->loc.col : 0);
	/* a broken partial: reported once, however often it is used */
	snprintf(p, sizeof(p), "%s/templates/uses-broken", root);
	write_file(p, "{{>broken}}{{>broken}}\n");
	size_t before = ctx.ndiags;
	rc = tmpl_set_render(ts, "uses-broken", view, ESC_HCL, &out);
	rc += tmpl_set_render(ts, "uses-broken", view, ESC_HCL, &out);
	CHECK(rc == -2 && ctx.ndiags == before, "broken partial: rc %d, %zu new diagnostics", rc,
	      ctx.ndiags - before);
	/* a render error (raw interpolation of a value): at the tag */
	rc = tmpl_set_render(ts, "bad-render", view, ESC_HCL, &out);
	d = last_diag(&ctx);
	CHECK(rc == -1 && d && d->loc.line == 2 && d->loc.col == 3 &&
	      strcmp(d->msg, "template 'bad-render': raw interpolation of a value is not allowed: use {{raw}}") == 0,
	      "bad render: rc %d, diag %s %u:%u", rc, d ? d->msg : "(none)", d ? d->loc.line : 0, d ? d->loc.col : 0);
	/* a dynamic name never leaves templates/ */
	rc = tmpl_set_render(ts, "dyn", view, ESC_HCL, &out);
	d = last_diag(&ctx);
	CHECK(rc == -1 && d && strcmp(d->msg, "template 'dyn': unknown partial '../../etc/passwd'") == 0,
	      "dynamic name: rc %d, diag %s", rc, d ? d->msg : "(none)");
	/* a template nowhere */
	rc = tmpl_set_render(ts, "helm/none.yaml", view, ESC_YAML, &out);
	d = last_diag(&ctx);
	CHECK(rc == -1 && d && strstr(d->msg, "'helm/none.yaml' not found"), "missing: rc %d, diag %s", rc,
	      d ? d->msg : "(none)");
	sb_release(&out);
	tmpl_set_free(ts);
	ctx_release(&ctx);

	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", tmpl);
}

/* ---- --emit: the hostile corpus for the real parsers -------------------------------- */

static const char *const atoms[] = {
	"\"", "\\", "\n", "\r\n", "\t", "${", "%{", "$(", "${{", "#", ": ", "'", "$", "%", "{",
	"}}", "caf\xc3\xa9", "e\xcc\x81", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85", "yes", "no",
	"on", "010", "1_000", "2024-01-01", "~", "null", "- ", "[a]", "&a", "*a", "!t", "|", ">",
	"@", "`", " ", "\\#", "$$", "\x01", "\xf0\x9f\x98\x80",
};
#define NATOMS (sizeof(atoms) / sizeof(atoms[0]))

static void corpus(char ***out, size_t *n)
{
	char **v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t i = 0; i < NATOMS; i++) {
		VEC_PUSH(v, nv, cap, xstrdup(atoms[i]));
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "a%sb", atoms[i]);
		VEC_PUSH(v, nv, cap, sb.buf);
	}
	/* generated combinations: each atom with two others, at the ends and inside */
	for (size_t i = 0; i < NATOMS; i++) {
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%s%sx%s", atoms[i], atoms[(i * 7 + 3) % NATOMS], atoms[(i * 13 + 5) % NATOMS]);
		VEC_PUSH(v, nv, cap, sb.buf);
	}
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < NATOMS; i++)
		sb_puts(&all, atoms[i]);
	VEC_PUSH(v, nv, cap, all.buf);
	VEC_PUSH(v, nv, cap, xstrdup(""));
	VEC_PUSH(v, nv, cap, xstrdup("${{ secrets.AWS_ROLE }}"));
	VEC_PUSH(v, nv, cap, xstrdup("$(shell touch /tmp/pwned) `id` ${HOME} %{ if true }x%{ endif }"));
	*out = v;
	*n = nv;
}

static FILE *open_out(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f) {
		printf("cannot write %s: %s\n", p, strerror(errno));
		exit(2);
	}
	return f;
}

static int emit(const char *dir)
{
	char **v;
	size_t n;
	corpus(&v, &n);
	FILE *js = open_out(dir, "strings.json"), *hcl = open_out(dir, "hcl.tf"),
	     *yaml = open_out(dir, "values.yaml"), *wf = open_out(dir, "workflow.yaml"),
	     *mk = open_out(dir, "vars.mk"), *ref = open_out(dir, "make-refused.json");
	fputs("name: escape roundtrip\non: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    env:\n", wf);
	fputs("[", js);
	fputs("[", ref);
	size_t refused = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]);
		struct strbuf sb = STRBUF_INIT;
		sb_json_str(&sb, v[i], len);
		fprintf(js, "%s\n%s", i ? "," : "", sb.buf);
		sb_reset(&sb);
		tmpl_escape(ESC_HCL, v[i], len, &sb);
		fprintf(hcl, "x_%zu = \"%s\"\n", i, sb.buf ? sb.buf : "");
		sb_reset(&sb);
		tmpl_escape(ESC_YAML, v[i], len, &sb);
		fprintf(yaml, "k_%zu: %s\n", i, sb.buf);
		sb_reset(&sb);
		tmpl_escape(ESC_GHA, v[i], len, &sb);
		fprintf(wf, "      k_%zu: %s\n", i, sb.buf);
		sb_reset(&sb);
		int rc = tmpl_escape(ESC_MAKE, v[i], len, &sb);
		bool nl = strchr(v[i], '\n') || strchr(v[i], '\r');
		if (rc != (nl ? -1 : 0)) {
			printf("ESC_MAKE returned %d for string %zu\n", rc, i);
			bad++;
		}
		if (rc == 0) {
			fprintf(mk, "V_%zu := %s\n", i, sb.buf ? sb.buf : "");
		} else {
			fprintf(ref, "%s%zu", refused ? "," : "", i);
			refused++;
		}
		sb_release(&sb);
		free(v[i]);
	}
	fputs("    steps:\n      - run: echo ok\n", wf);
	fputs("]\n", js);
	fputs("]\n", ref);
	free(v);
	int rc = 0;
	FILE *fs[] = {js, hcl, yaml, wf, mk, ref};
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (fclose(fs[i]) != 0)
			rc = 1;
	printf("emitted %zu strings (%zu refused by ESC_MAKE)\n", n, refused);
	return rc || bad;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--emit") == 0)
		return emit(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: tmpl_test [--emit DIR]\n");
		return 2;
	}
	test_escapers();
	test_engine();
	test_fragments();
	test_prefixes();
	test_limits();
	test_set();
	return T_DONE("tmpl");
}

/*
 * diag_fmt_test.c - the JSON, SARIF and GitHub renderings of diagnostics (gen/diag_fmt.c).
 *
 * Builds a ctx with two in-memory files and a set of findings whose messages hold every
 * character the formats must escape (quotes, backslashes, newlines, CR, a tab, non-ASCII,
 * %, comma, colon), with notes with and without a file, a help line, a suppressed finding,
 * a finding without a file and one about a whole file. JSON and SARIF are parsed back with
 * cJSON and compared key by key; GitHub lines are compared byte for byte.
 *
 * Usage: diag_fmt_test [OUT.sarif]  - with an argument, the SARIF output is also written
 * there, for tests/cli/sarif.sh to give to the real SARIF validator.
 * Prints "diag_fmt_test: N passed, M failed"; exits 1 if anything failed.
 */
#include "eragen.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		if (cond) {                                                          \
			passed++;                                                    \
		} else {                                                             \
			failed++;                                                    \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);        \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
		}                                                                    \
	} while (0)

#define FILE1 "environments/cae-testing/env.yaml"
#define FILE2 "environments/x,y: \xc3\xbc%/env.yaml"	/* ',' ':' ' ' 'ü' '%' */
#define FILE2_URI "environments/x%2Cy%3A%20%C3%BC%25/env.yaml"
#define FILE2_GH "environments/x%2Cy%3A \xc3\xbc%25/env.yaml"

/* Every character the formats must escape, in one message. */
#define MSG1 "unknown key 'replcas' in \"gr\xc3\xb6\xc3\x9f" "e\": C:\\path, 100% done\tok"
#define MSG1_GH "unknown key 'replcas' in \"gr\xc3\xb6\xc3\x9f" "e\": C:\\path, 100%25 done\tok"
#define HELP1 "did you mean 'replicas'?\nsecond: line, 5%"
#define REASON2 "acknowledged: shared VPC, see \"#12\""

static const char *const src1 =
	"name: cae-testing\n"
	"cluster:\n"
	"    replcas: 3\n"
	"\n"
	"\n"
	"\n"
	"x: 1\n";
static const char *const src2 = "vpc:\n  cidr: 10.0.0.0/16\n";

/* The expected rendering of each finding, in the order diag_finish sorts them. */
struct want {
	const char *rule, *severity, *message, *file;
	uint32_t line, col, end_line, end_col;	/* 0: null in JSON */
	bool suppressed;
	size_t nnotes;
	const char *help;
	const char *sarif_text;		/* message.text: message + file-less notes + help */
	const char *sarif_uri;		/* NULL: no locations */
	size_t nrelated;
};

static const struct want wants[] = {
	{ "NET003", "error", "line1\nline2\r", NULL, 0, 0, 0, 0, false, 0, NULL,
	  "line1\nline2\r", NULL, 0 },
	{ "SPEC003", "warning", "whole file problem", FILE1, 0, 0, 0, 0, false, 0, NULL,
	  "whole file problem", FILE1, 0 },
	{ "SPEC003", "error", MSG1, FILE1, 3, 5, 3, 11, false, 2, HELP1,
	  MSG1 "\nnote: inherited by 'a'\nhelp: " HELP1, FILE1, 1 },
	{ "SPEC003", "note", "a note", FILE1, 7, 1, 0, 0, false, 0, NULL, "a note", FILE1, 0 },
	{ "NET003", "error", "overlap, visible", FILE2, 1, 1, 2, 18, false, 0, NULL,
	  "overlap, visible", FILE2_URI, 0 },
	{ "NET003", "error", "VPC CIDR 10.0.0.0/16 overlaps 'cae-dev'", FILE2, 2, 3, 2, 19,
	  true, 0, NULL, "VPC CIDR 10.0.0.0/16 overlaps 'cae-dev'", FILE2_URI, 0 },
};
#define NWANTS (sizeof(wants) / sizeof(wants[0]))

static const char *const want_github =
	"::error title=NET003::line1%0Aline2%0D\n"
	"::warning file=" FILE1 ",title=SPEC003::whole file problem\n"
	"::error file=" FILE1 ",line=3,col=5,endLine=3,endColumn=11,title=SPEC003::" MSG1_GH
	"%0A" FILE1 ":1:1: note: mapping starts here"
	"%0Anote: inherited by 'a'"
	"%0Ahelp: did you mean 'replicas'?%0Asecond: line, 5%25\n"
	"::notice file=" FILE1 ",line=7,col=1,title=SPEC003::a note\n"
	"::error file=" FILE2_GH ",line=1,col=1,endLine=2,endColumn=18,title=NET003::"
	"overlap, visible\n";

static struct loc at(uint32_t file, uint32_t line, uint32_t col, uint32_t eline,
		     uint32_t ecol)
{
	return (struct loc){ file, line, col, eline, ecol };
}

/* Added out of order on purpose: the renderers must follow diag_finish's order. */
static void build(struct ctx *ctx)
{
	struct srcfile *f1 = srcfile_from_mem(ctx, FILE1, src1, strlen(src1), (struct loc){ 0 });
	struct srcfile *f2 = srcfile_from_mem(ctx, FILE2, src2, strlen(src2), (struct loc){ 0 });
	if (!f1 || !f2)
		BUG("fixture files rejected");

	struct diag *d = diag_add(ctx, "NET003", NULL, at(f2->id, 2, 3, 2, 19), "%s",
				  "VPC CIDR 10.0.0.0/16 overlaps 'cae-dev'");
	d->suppressed = true;
	d->suppress_reason = REASON2;

	d = diag_add(ctx, "SPEC003", NULL, at(f1->id, 3, 5, 3, 11), "%s", MSG1);
	diag_note(ctx, d, at(f1->id, 1, 1, 0, 0), "mapping starts here");
	diag_note(ctx, d, (struct loc){ 0 }, "inherited by 'a'");
	diag_help(ctx, d, "%s", HELP1);

	d = diag_add(ctx, "SPEC003", NULL, at(f1->id, 7, 1, 0, 0), "a note");
	d->sev = SEV_NOTE;
	diag_add(ctx, "NET003", NULL, (struct loc){ 0 }, "line1\nline2\r");
	d = diag_add(ctx, "SPEC003", NULL, at(f1->id, 0, 0, 0, 0), "whole file problem");
	d->sev = SEV_WARNING;
	diag_add(ctx, "NET003", NULL, at(f2->id, 1, 1, 2, 18), "overlap, visible");
	diag_finish(ctx);
}

/* ---- cJSON helpers ---- */

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jnull(const cJSON *o, const char *key)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* An integer member, or -1 when absent or not a number. */
static long jint(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

static const cJSON *jget(const cJSON *o, const char *path)
{
	/* "a.b.0.c": object keys and array indexes */
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *cur = o;
	for (char *seg = buf, *next; cur && seg; seg = next) {
		next = strchr(seg, '.');
		if (next)
			*next++ = '\0';
		if (cJSON_IsArray(cur))
			cur = cJSON_GetArrayItem(cur, atoi(seg));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
	}
	return cur;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The object's keys, in order, are exactly keys[] (NULL-terminated). */
static bool has_keys(const cJSON *o, const char *const *keys)
{
	const cJSON *c = o ? o->child : NULL;
	for (; *keys; keys++) {
		if (!c || !streq(c->string, *keys))
			return false;
		c = c->next;
	}
	return c == NULL;
}

/* A coordinate: 0 expected means null. */
static bool coord_is(const cJSON *o, const char *key, uint32_t want)
{
	return want ? jint(o, key) == (long)want : jnull(o, key);
}

/* ---- JSON ---- */

static void test_json(struct ctx *ctx)
{
	static const char *const diag_keys[] = {
		"rule", "severity", "message", "file", "line", "column", "end_line",
		"end_column", "suppressed", "notes", "help", NULL,
	};
	static const char *const note_keys[] = { "message", "file", "line", "column", NULL };
	static const char *const top_keys[] = { "version", "diagnostics", "summary", NULL };

	struct strbuf sb = STRBUF_INIT;
	diag_render_json(ctx, &sb);
	CHECK(sb.len > 0 && sb.buf[sb.len - 1] == '\n', "json: final newline");
	CHECK(sb.len > 3 && strncmp(sb.buf, "{\n  \"version\": 1,\n", 18) == 0,
	      "json: 2-space pretty printing");
	cJSON *root = cJSON_Parse(sb.buf);
	CHECK(root != NULL, "json: does not parse:\n%s", sb.buf);
	if (!root) {
		sb_release(&sb);
		return;
	}
	CHECK(has_keys(root, top_keys), "json: top-level keys");
	CHECK(jint(root, "version") == 1, "json: version");
	const cJSON *diags = cJSON_GetObjectItemCaseSensitive(root, "diagnostics");
	CHECK(cJSON_GetArraySize(diags) == (int)NWANTS, "json: %d diagnostics, want %zu",
	      cJSON_GetArraySize(diags), NWANTS);
	for (size_t i = 0; i < NWANTS; i++) {
		const struct want *w = &wants[i];
		const cJSON *d = cJSON_GetArrayItem(diags, (int)i);
		CHECK(has_keys(d, diag_keys), "json[%zu]: keys", i);
		CHECK(streq(jstr(d, "rule"), w->rule), "json[%zu]: rule", i);
		CHECK(streq(jstr(d, "severity"), w->severity), "json[%zu]: severity", i);
		CHECK(streq(jstr(d, "message"), w->message), "json[%zu]: message '%s'", i,
		      jstr(d, "message"));
		CHECK(w->file ? streq(jstr(d, "file"), w->file) : jnull(d, "file"),
		      "json[%zu]: file", i);
		CHECK(coord_is(d, "line", w->line), "json[%zu]: line", i);
		CHECK(coord_is(d, "column", w->col), "json[%zu]: column", i);
		CHECK(coord_is(d, "end_line", w->end_line), "json[%zu]: end_line", i);
		CHECK(coord_is(d, "end_column", w->end_col), "json[%zu]: end_column", i);
		const cJSON *sup = cJSON_GetObjectItemCaseSensitive(d, "suppressed");
		CHECK(cJSON_IsBool(sup) && cJSON_IsTrue(sup) == w->suppressed,
		      "json[%zu]: suppressed", i);
		const cJSON *notes = cJSON_GetObjectItemCaseSensitive(d, "notes");
		CHECK(cJSON_IsArray(notes) && cJSON_GetArraySize(notes) == (int)w->nnotes,
		      "json[%zu]: notes", i);
		CHECK(w->help ? streq(jstr(d, "help"), w->help) : jnull(d, "help"),
		      "json[%zu]: help", i);
	}
	/* the notes of the finding that has two: one at a place, one without a file */
	const cJSON *n0 = jget(root, "diagnostics.2.notes.0");
	const cJSON *n1 = jget(root, "diagnostics.2.notes.1");
	CHECK(has_keys(n0, note_keys) && has_keys(n1, note_keys), "json: note keys");
	CHECK(streq(jstr(n0, "message"), "mapping starts here") &&
		      streq(jstr(n0, "file"), FILE1) && jint(n0, "line") == 1 &&
		      jint(n0, "column") == 1,
	      "json: note with a location");
	CHECK(streq(jstr(n1, "message"), "inherited by 'a'") && jnull(n1, "file") &&
		      jnull(n1, "line") && jnull(n1, "column"),
	      "json: note without a file");
	/* suppressed findings are listed but not counted */
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(root, "summary");
	static const char *const sum_keys[] = { "errors", "warnings", "notes", NULL };
	CHECK(has_keys(sum, sum_keys), "json: summary keys");
	CHECK(jint(sum, "errors") == 3 && jint(sum, "warnings") == 1 && jint(sum, "notes") == 1,
	      "json: summary %ld/%ld/%ld", jint(sum, "errors"), jint(sum, "warnings"),
	      jint(sum, "notes"));
	cJSON_Delete(root);
	sb_release(&sb);
}

/* --skip applies to every format: the summary follows what is shown. */
static void test_json_filtered(struct ctx *ctx)
{
	static const char *skip[] = { "NET003", NULL };
	ctx->opt.skip = skip;
	struct strbuf sb = STRBUF_INIT;
	diag_render_json(ctx, &sb);
	cJSON *root = cJSON_Parse(sb.buf);
	CHECK(root != NULL, "json --skip: does not parse");
	CHECK(cJSON_GetArraySize(jget(root, "diagnostics")) == 3, "json --skip: 3 shown");
	CHECK(jint(jget(root, "summary"), "errors") == 1, "json --skip: 1 error counted");
	cJSON_Delete(root);
	sb_reset(&sb);
	diag_render_github(ctx, &sb);
	CHECK(sb.buf && !strstr(sb.buf, "NET003"), "github --skip: no NET003 line");
	sb_release(&sb);
	ctx->opt.skip = NULL;
}

/* ---- SARIF ---- */

static void test_sarif(struct ctx *ctx, const char *out_path)
{
	struct strbuf sb = STRBUF_INIT;
	diag_render_sarif(ctx, &sb);
	if (out_path) {
		FILE *fp = fopen(out_path, "w");
		bool ok = fp && fwrite(sb.buf, 1, sb.len, fp) == sb.len;
		if (fp && fclose(fp) != 0)
			ok = false;
		CHECK(ok, "sarif: cannot write '%s'", out_path);
	}
	cJSON *root = cJSON_Parse(sb.buf);
	CHECK(root != NULL, "sarif: does not parse:\n%s", sb.buf);
	if (!root) {
		sb_release(&sb);
		return;
	}
	CHECK(streq(jstr(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json"),
	      "sarif: $schema");
	CHECK(streq(jstr(root, "version"), "2.1.0"), "sarif: version");
	CHECK(cJSON_GetArraySize(jget(root, "runs")) == 1, "sarif: one run");
	const cJSON *run = jget(root, "runs.0");
	CHECK(streq(jstr(jget(run, "tool.driver"), "name"), "eragen"), "sarif: driver name");
	CHECK(streq(jstr(jget(run, "tool.driver"), "version"), ERAGEN_VERSION),
	      "sarif: driver version");
	CHECK(streq(jstr(run, "columnKind"), "unicodeCodePoints"), "sarif: columnKind");
	CHECK(cJSON_IsObject(jget(run, "originalUriBaseIds.SRCROOT")), "sarif: SRCROOT");

	/* one descriptor per rule with a result, each with its texts and level */
	const cJSON *rls = jget(run, "tool.driver.rules");
	CHECK(cJSON_GetArraySize(rls) == 2, "sarif: 2 rules, got %d", cJSON_GetArraySize(rls));
	for (int i = 0; i < cJSON_GetArraySize(rls); i++) {
		const cJSON *r = cJSON_GetArrayItem(rls, i);
		const struct rule *rule = rule_find(jstr(r, "id") ? jstr(r, "id") : "");
		CHECK(rule != NULL, "sarif: rules[%d] is no rule", i);
		if (!rule)
			continue;
		CHECK(streq(jstr(jget(r, "shortDescription"), "text"), rule->summary),
		      "sarif: %s shortDescription", rule->id);
		/* the description: the explain text's first paragraph; the help: all of it */
		const char *full = jstr(jget(r, "fullDescription"), "text");
		const char *para = strstr(rule_explain(rule), "\n\n");
		CHECK(full && para && strlen(full) == (size_t)(para - rule_explain(rule)) + 1 &&
			      strncmp(full, rule_explain(rule), strlen(full)) == 0,
		      "sarif: %s fullDescription", rule->id);
		CHECK(streq(jstr(jget(r, "help"), "text"), rule_explain(rule)), "sarif: %s help",
		      rule->id);
		CHECK(streq(jstr(jget(r, "defaultConfiguration"), "level"), "error"),
		      "sarif: %s defaultConfiguration", rule->id);
	}

	const cJSON *results = jget(run, "results");
	CHECK(cJSON_GetArraySize(results) == (int)NWANTS, "sarif: %d results, want %zu",
	      cJSON_GetArraySize(results), NWANTS);
	for (size_t i = 0; i < NWANTS; i++) {
		const struct want *w = &wants[i];
		const cJSON *r = cJSON_GetArrayItem(results, (int)i);
		CHECK(streq(jstr(r, "ruleId"), w->rule), "sarif[%zu]: ruleId", i);
		const cJSON *desc = cJSON_GetArrayItem(rls, (int)jint(r, "ruleIndex"));
		CHECK(streq(jstr(desc, "id"), w->rule), "sarif[%zu]: ruleIndex", i);
		CHECK(streq(jstr(r, "level"), w->severity), "sarif[%zu]: level", i);
		CHECK(streq(jstr(jget(r, "message"), "text"), w->sarif_text),
		      "sarif[%zu]: message.text '%s'", i, jstr(jget(r, "message"), "text"));
		const cJSON *locs = jget(r, "locations");
		if (!w->sarif_uri) {
			CHECK(locs == NULL, "sarif[%zu]: no locations without a file", i);
		} else {
			const cJSON *pl = jget(r, "locations.0.physicalLocation");
			CHECK(cJSON_GetArraySize(locs) == 1, "sarif[%zu]: one location", i);
			CHECK(streq(jstr(jget(pl, "artifactLocation"), "uri"), w->sarif_uri),
			      "sarif[%zu]: uri '%s'", i, jstr(jget(pl, "artifactLocation"), "uri"));
			CHECK(streq(jstr(jget(pl, "artifactLocation"), "uriBaseId"), "SRCROOT"),
			      "sarif[%zu]: uriBaseId", i);
			const cJSON *reg = jget(pl, "region");
			if (w->line == 0) {
				/* the whole file: 7 lines, the last one ends in a newline */
				CHECK(jint(reg, "startLine") == 1 && jint(reg, "endLine") == 7 &&
					      jint(reg, "startColumn") == -1,
				      "sarif[%zu]: a whole file is lines 1-7", i);
			} else {
				CHECK(jint(reg, "startLine") == (long)w->line &&
					      jint(reg, "startColumn") == (long)w->col,
				      "sarif[%zu]: region start", i);
				CHECK(w->end_line ? jint(reg, "endLine") == (long)w->end_line
						  : jint(reg, "endLine") == -1,
				      "sarif[%zu]: endLine", i);
				CHECK(w->end_col ? jint(reg, "endColumn") == (long)w->end_col + 1
						 : jint(reg, "endColumn") == -1,
				      "sarif[%zu]: endColumn (exclusive)", i);
			}
		}
		const cJSON *rel = jget(r, "relatedLocations");
		CHECK(cJSON_GetArraySize(rel) == (int)w->nrelated, "sarif[%zu]: relatedLocations",
		      i);
		const cJSON *sup = jget(r, "suppressions");
		CHECK(w->suppressed ? cJSON_GetArraySize(sup) == 1 : sup == NULL,
		      "sarif[%zu]: suppressions", i);
	}
	const cJSON *rel = jget(results, "2.relatedLocations.0");
	CHECK(jint(rel, "id") == 0 && streq(jstr(jget(rel, "message"), "text"),
					    "mapping starts here"),
	      "sarif: related location id and message");
	CHECK(jint(jget(rel, "physicalLocation.region"), "startLine") == 1 &&
		      streq(jstr(jget(rel, "physicalLocation.artifactLocation"), "uri"), FILE1),
	      "sarif: related location place");
	const cJSON *sup = jget(results, "5.suppressions.0");
	CHECK(streq(jstr(sup, "kind"), "inSource") && streq(jstr(sup, "justification"), REASON2),
	      "sarif: suppression kind and justification");
	cJSON_Delete(root);
	sb_release(&sb);
}

/* ---- GitHub ---- */

static void test_github(struct ctx *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	diag_render_github(ctx, &sb);
	const char *got = sb.buf ? sb.buf : "";
	CHECK(strcmp(got, want_github) == 0, "github:\n--- got\n%s--- want\n%s", got,
	      want_github);
	/* line by line too, so a failure says which one */
	const char *g = got, *w = want_github;
	for (int line = 1; *w; line++) {
		const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
		size_t gl = ge ? (size_t)(ge - g) : strlen(g), wl = (size_t)(we - w);
		CHECK(gl == wl && memcmp(g, w, wl) == 0, "github line %d: got '%.*s'", line,
		      (int)gl, g);
		g += gl + (ge != NULL);
		w += wl + 1;
	}
	sb_release(&sb);
}

/* ---- nothing to report ---- */

static void test_empty(void)
{
	struct ctx ctx;
	ctx_init(&ctx);
	diag_finish(&ctx);
	struct strbuf sb = STRBUF_INIT;
	diag_render_json(&ctx, &sb);
	CHECK(streq(sb.buf, "{\n  \"version\": 1,\n  \"diagnostics\": [],\n  \"summary\": {\n"
			    "    \"errors\": 0,\n    \"warnings\": 0,\n    \"notes\": 0\n  }\n}\n"),
	      "empty json:\n%s", sb.buf);
	sb_reset(&sb);
	diag_render_github(&ctx, &sb);
	CHECK(sb.len == 0, "empty github: '%s'", sb.buf);
	sb_reset(&sb);
	diag_render_sarif(&ctx, &sb);
	cJSON *root = cJSON_Parse(sb.buf);
	CHECK(cJSON_IsArray(jget(root, "runs.0.results")) &&
		      cJSON_GetArraySize(jget(root, "runs.0.results")) == 0 &&
		      cJSON_GetArraySize(jget(root, "runs.0.tool.driver.rules")) == 0,
	      "empty sarif: no results, no rules");
	cJSON_Delete(root);
	sb_release(&sb);
	ctx_release(&ctx);
}

int main(int argc, char **argv)
{
	struct ctx ctx;
	ctx_init(&ctx);
	build(&ctx);
	test_json(&ctx);
	test_json_filtered(&ctx);
	test_sarif(&ctx, argc > 1 ? argv[1] : NULL);
	test_github(&ctx);
	ctx_release(&ctx);
	test_empty();
	printf("diag_fmt_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

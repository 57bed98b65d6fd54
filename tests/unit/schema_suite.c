/*
 * schema_suite.c - runs the official JSON-Schema-Test-Suite (draft-07) against
 * gen/schema*.c.
 *
 *   schema_suite [SUITE_DIR [METASCHEMA]]
 *
 * SUITE_DIR holds tests/draft7/ and remotes/ (default: the Debian package's
 * /usr/share/json-schema-test-suite). Remote references are served from disk:
 * http://localhost:1234/... from SUITE_DIR/remotes/, and the draft-07 metaschema from
 * METASCHEMA (default: python3-jsonschema's copy). Test files are read twice: with cJSON
 * for their structure and schemas, with json_to_node for the instances (so numbers keep
 * their literal form and the reader is exercised too).
 *
 * Prints one line per file, each failure, and a summary line; exits 1 if a case failed
 * or none ran.
 */
#define _POSIX_C_SOURCE 200809L
#include "eragen.h"
#include "schema.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SUITE "/usr/share/json-schema-test-suite"
#define DEFAULT_METASCHEMA "/usr/lib/python3/dist-packages/jsonschema/schemas/draft7.json"

/* Optional files not run, each with its reason. */
static const struct {
	const char *file, *reason;
} skips[] = {
	{"content.json", "contentMediaType and contentEncoding are annotations in draft-07 "
			 "(asserting them is optional); eragen accepts them unchecked"},
	{"format/idn-hostname.json", "needs the IDNA2008 tables of RFC 5892 (contextual rules); "
				     "eragen does not implement 'idn-hostname' and accepts it "
				     "unchecked, as draft-07 allows for unknown formats"},
};

struct fetched {
	char *uri, *data;
	size_t len;
};

struct suite {
	const char *root, *metaschema;
	struct fetched *cache;
	size_t ncache, capcache;
	size_t files, cases, passed, failed, skipped;
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		sb_release(&sb);
		return NULL;
	}
	if (!sb.buf)
		sb_add(&sb, "", 0);
	*len = sb.len;
	return sb.buf;
}

/* schema_fetch_fn: the metaschema and the suite's remotes, read once each. */
static const char *fetch(void *ud, const char *uri, size_t *len)
{
	struct suite *st = ud;
	for (size_t i = 0; i < st->ncache; i++) {
		if (strcmp(st->cache[i].uri, uri) == 0) {
			*len = st->cache[i].len;
			return st->cache[i].data;
		}
	}
	static const char meta[] = "http://json-schema.org/draft-07/schema";
	static const char local[] = "http://localhost:1234/";
	char path[4096];
	if (strcmp(uri, meta) == 0)
		snprintf(path, sizeof(path), "%s", st->metaschema);
	else if (strncmp(uri, local, strlen(local)) == 0 && !strstr(uri, ".."))
		snprintf(path, sizeof(path), "%s/remotes/%s", st->root, uri + strlen(local));
	else
		return NULL;
	struct fetched f = {xstrdup(uri), NULL, 0};
	f.data = read_file(path, &f.len);
	if (!f.data) {
		free(f.uri);
		return NULL;
	}
	VEC_PUSH(st->cache, st->ncache, st->capcache, f);
	*len = f.len;
	return f.data;
}

/* Checks the sink's contract on every error: a well-formed record and message. */
struct sink_state {
	size_t errors, bad;
	char first[300];
};

static void sink(void *ud, const struct schema_error *e)
{
	struct sink_state *ss = ud;
	size_t len = strlen(e->msg);
	bool ok = e->at && len > 0 && e->msg[len - 1] != '.';
	if (e->kind == SCHEMA_UNKNOWN_KEY || e->kind == SCHEMA_REQUIRED)
		ok = ok && e->key && e->parent;
	if (e->kind == SCHEMA_TYPE)
		ok = ok && e->expected && *e->expected;
	if (!ok)
		ss->bad++;
	if (!ss->errors++)
		snprintf(ss->first, sizeof(ss->first), "%s", e->msg);
}

static const char *skip_reason(const char *rel)
{
	for (size_t i = 0; i < sizeof(skips) / sizeof(skips[0]); i++)
		if (strcmp(skips[i].file, rel) == 0)
			return skips[i].reason;
	return NULL;
}

static void run_file(struct suite *st, const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	size_t len = 0, passed = 0, failed = 0;
	char *text = read_file(path, &len);
	cJSON *groups = text ? cJSON_ParseWithLength(text, len) : NULL;
	struct arena a;
	arena_init(&a);
	struct node *ngroups = text ? json_to_node(&a, text, len, 1) : NULL;
	st->files++;
	if (!groups || !ngroups || !cJSON_IsArray(groups) || ngroups->kind != NODE_SEQ ||
	    (size_t)cJSON_GetArraySize(groups) != ngroups->n) {
		printf("draft7/%s: cannot read the test file\n", rel);
		st->failed++;
		goto out;
	}
	size_t gi = 0;
	for (const cJSON *g = groups->child; g; g = g->next, gi++) {
		const char *gdesc = cJSON_GetStringValue(cJSON_GetObjectItem(g, "description"));
		char *stext = cJSON_PrintUnformatted(cJSON_GetObjectItem(g, "schema"));
		char err[512];
		struct schema *s = stext ? schema_compile(stext, strlen(stext), NULL, fetch, st, err,
							  sizeof(err)) : NULL;
		const struct node *ntests = node_get(ngroups->items[gi], "tests");
		size_t ti = 0;
		for (const cJSON *t = cJSON_GetObjectItem(g, "tests")->child; t; t = t->next, ti++) {
			const char *tdesc =
				cJSON_GetStringValue(cJSON_GetObjectItem(t, "description"));
			bool want = cJSON_IsTrue(cJSON_GetObjectItem(t, "valid"));
			struct node *data = node_get(ntests->items[ti], "data");
			st->cases++;
			if (!s) {
				failed++;
				printf("  FAIL %s / %s: schema does not compile: %s\n", gdesc, tdesc,
				       err);
				continue;
			}
			struct sink_state ss = {0};
			size_t n = schema_validate(s, data, sink, &ss);
			bool got = n == 0;
			if (got == want && !ss.bad && ss.errors == n) {
				passed++;
				continue;
			}
			failed++;
			if (ss.bad || ss.errors != n)
				printf("  FAIL %s / %s: malformed error record ('%s')\n", gdesc, tdesc,
				       ss.first);
			else
				printf("  FAIL %s / %s: expected %s, got %s%s%s\n", gdesc, tdesc,
				       want ? "valid" : "invalid", got ? "valid" : "invalid",
				       got ? "" : ": ", ss.first);
		}
		schema_free(s);
		cJSON_free(stext);
	}
	printf("draft7/%s: %zu passed, %zu failed\n", rel, passed, failed);
	st->passed += passed;
	st->failed += failed;
out:
	arena_release(&a);
	cJSON_Delete(groups);
	free(text);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every *.json of dir/sub in name order ("" for dir itself). */
static void run_dir(struct suite *st, const char *dir, const char *sub)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", dir, *sub ? "/" : "", sub);
	DIR *d = opendir(path);
	if (!d) {
		printf("schema-suite: cannot open '%s'\n", path);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0) {
			char *rel = xmalloc(strlen(sub) + len + 2);
			snprintf(rel, strlen(sub) + len + 2, "%s%s%s", sub, *sub ? "/" : "",
				 de->d_name);
			VEC_PUSH(names, n, cap, rel);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		const char *opt = strncmp(names[i], "optional/", 9) == 0 ? names[i] + 9 : NULL;
		const char *why = opt ? skip_reason(opt) : NULL;
		if (why) {
			printf("skipped draft7/%s: %s\n", names[i], why);
			st->skipped++;
		} else {
			run_file(st, dir, names[i]);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct suite st = {0};
	st.root = argc > 1 ? argv[1] : DEFAULT_SUITE;
	st.metaschema = argc > 2 ? argv[2] : DEFAULT_METASCHEMA;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests/draft7", st.root);
	run_dir(&st, dir, "");
	run_dir(&st, dir, "optional");
	run_dir(&st, dir, "optional/format");
	printf("schema-suite: %zu files, %zu cases, %zu passed, %zu failed, %zu files skipped\n",
	       st.files, st.cases, st.passed, st.failed, st.skipped);
	for (size_t i = 0; i < st.ncache; i++) {
		free(st.cache[i].uri);
		free(st.cache[i].data);
	}
	free(st.cache);
	return st.failed || !st.cases ? 1 : 0;
}

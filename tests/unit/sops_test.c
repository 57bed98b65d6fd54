/*
 * sops_test.c - the SOPS-file reader (sops.c): metadata and mac, leaf key paths, and
 * which leaves SOPS would encrypt under each metadata option, as sops.go decides it.
 */
#include "eragen.h"
#include "sops.h"
#include "t.h"

#include <string.h>

static struct ctx ctx;
static struct arena arena;

static void scan(const char *text, struct sops_file *out)
{
	struct srcfile *f = srcfile_from_mem(&ctx, "secrets.yaml", text, strlen(text),
					     (struct loc){ 0 });
	sops_scan(&arena, f ? yaml_load(&ctx, &arena, f) : NULL, out);
}

struct want_leaf {
	const char *path;
	bool encrypted, empty, clear;
};

struct scan_case {
	const char *name;
	const char *yaml;
	bool meta, mac;
	const char *option;		/* expected option in force ("" = none: no metadata) */
	bool unjudged, rx_error;
	struct want_leaf leaves[6];	/* expected leaves in order, up to a NULL path */
};

#define ENC "ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]"
#define META_MAC "sops:\n  mac: " ENC "\n  version: 3.9.1\n"

static const struct scan_case cases[] = {
	{ "shipped shape",
	  "cognito:\n  client_secret: " ENC "\n" META_MAC "  unencrypted_suffix: _unencrypted\n",
	  true, true, "unencrypted_suffix", false, false,
	  { { "cognito.client_secret", true, false, false } } },
	{ "no metadata: everything is to encrypt, default suffix still applies",
	  "db:\n  password: hunter2\n  host_unencrypted: db.example.org\n",
	  false, false, "unencrypted_suffix", false, false,
	  { { "db.password", false, false, false },
	    { "db.host_unencrypted", false, false, true } } },
	{ "metadata without a mac",
	  "a: " ENC "\nsops:\n  version: 3.9.1\n",
	  true, false, "unencrypted_suffix", false, false,
	  { { "a", true, false, false } } },
	{ "an empty mac is no mac",
	  "a: " ENC "\nsops:\n  mac: \"\"\n",
	  true, false, "unencrypted_suffix", false, false,
	  { { "a", true, false, false } } },
	{ "sops that is not a mapping is no metadata",
	  "a: x\nsops: 3\n",
	  false, false, "unencrypted_suffix", false, false,
	  { { "a", false, false, false } } },
	{ "default suffix covers everything below a suffixed key",
	  "public_unencrypted:\n  region: us-west-2\n  zones: [a, b]\nsecret: x\n" META_MAC,
	  true, true, "unencrypted_suffix", false, false,
	  { { "public_unencrypted.region", false, false, true },
	    { "public_unencrypted.zones.0", false, false, true },
	    { "public_unencrypted.zones.1", false, false, true },
	    { "secret", false, false, false } } },
	{ "empty values are left alone; numbers and booleans are encrypted",
	  "a: \"\"\nb: ~\nc: 5432\nd: true\n" META_MAC,
	  true, true, "unencrypted_suffix", false, false,
	  { { "a", false, true, false },
	    { "b", false, true, false },
	    { "c", false, false, false },
	    { "d", false, false, false } } },
	{ "encrypted_suffix: only suffixed keys are encrypted",
	  "pw_secret: x\nuser: y\ngroup_secret: {name: z}\n" META_MAC
	  "  encrypted_suffix: _secret\n",
	  true, true, "encrypted_suffix", false, false,
	  { { "pw_secret", false, false, false },
	    { "user", false, false, true },
	    { "group_secret.name", false, false, false } } },
	{ "unencrypted_regex: unanchored search on each key",
	  "public_key: x\nkey: y\nmy_public: z\n" META_MAC "  unencrypted_regex: ^public\n",
	  true, true, "unencrypted_regex", false, false,
	  { { "public_key", false, false, true },
	    { "key", false, false, false },
	    { "my_public", false, false, false } } },
	{ "encrypted_regex: a matching ancestor encrypts the subtree",
	  "password: " ENC "\nnote: hello\ncreds: {user: u, host: h}\n" META_MAC
	  "  encrypted_regex: ^(password|creds)$\n",
	  true, true, "encrypted_regex", false, false,
	  { { "password", true, false, false },
	    { "note", false, false, true },
	    { "creds.user", false, false, false },
	    { "creds.host", false, false, false } } },
	{ "a regex PCRE2 cannot compile: keys listed, nothing judged",
	  "a: x\nb_unencrypted: y\n" META_MAC "  encrypted_regex: \"(\"\n",
	  true, true, "encrypted_regex", true, true,
	  { { "a", false, false, false }, { "b_unencrypted", false, false, false } } },
	{ "comment-selected values cannot be judged without comments",
	  "a: x\n" META_MAC "  encrypted_comment_regex: sops:enc\n",
	  true, true, "", true, false, { { "a", false, false, false } } },
	{ "a document that is not a mapping",
	  "- a\n- b\n", false, false, "", false, false, { { NULL } } },
	{ "an empty document", "", false, false, "", false, false, { { NULL } } },
};

static void test_scan(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];
		struct sops_file s;
		scan(c->yaml, &s);
		CHECK((s.meta != NULL) == c->meta, "%s: metadata %d", c->name, s.meta != NULL);
		CHECK(s.has_mac == c->mac, "%s: mac %d", c->name, s.has_mac);
		CHECK(strcmp(s.option ? s.option : "", c->option) == 0, "%s: option '%s'", c->name,
		      s.option ? s.option : "");
		CHECK((s.unjudged != NULL) == c->unjudged, "%s: unjudged %d", c->name,
		      s.unjudged != NULL);
		CHECK(s.rx_error == c->rx_error, "%s: rx_error %d", c->name, s.rx_error);
		size_t n = 0;
		while (n < 6 && c->leaves[n].path)
			n++;
		CHECK(s.nleaves == n, "%s: %zu leaves, want %zu", c->name, s.nleaves, n);
		for (size_t k = 0; k < n && k < s.nleaves; k++) {
			const struct want_leaf *w = &c->leaves[k];
			const struct sops_leaf *l = &s.leaves[k];
			CHECK(strcmp(l->path, w->path) == 0, "%s: leaf %zu is '%s', want '%s'",
			      c->name, k, l->path, w->path);
			CHECK(l->encrypted == w->encrypted && l->empty == w->empty &&
				      l->clear == w->clear && !l->undecided,
			      "%s: '%s' encrypted %d empty %d clear %d", c->name, l->path,
			      l->encrypted, l->empty, l->clear);
		}
	}
}

/* A key on which a catastrophic pattern hits PCRE2's limits: never judged "clear". */
static void test_undecided(void)
{
	struct sops_file s;
	scan("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!: x\nb: y\n" META_MAC
	     "  unencrypted_regex: ^(a|aa)+$\n",
	     &s);
	CHECK(s.nleaves == 2, "two leaves, got %zu", s.nleaves);
	if (s.nleaves != 2)
		return;
	CHECK(s.leaves[0].undecided && !s.leaves[0].clear, "undecided key: undecided %d clear %d",
	      s.leaves[0].undecided, s.leaves[0].clear);
	CHECK(!s.leaves[1].undecided && !s.leaves[1].clear, "'b' decided, to encrypt");
}

static void test_find(void)
{
	struct sops_file s;
	scan("github:\n  client_id: " ENC "\n  client_secret: " ENC "\nhosts: [a]\n" META_MAC, &s);
	static const struct {
		const char *path;
		bool leaf, branch;
	} lookups[] = {
		{ "github.client_id", true, false },
		{ "github.client_secret", true, false },
		{ "github", false, true },
		{ "hosts.0", true, false },
		{ "hosts", false, true },
		{ "github.client", false, false },	/* a prefix is not a key */
		{ "github.client_id.x", false, false },
		{ "sops.mac", false, false },		/* the metadata is no secret */
		{ "", false, false },
	};
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		const char *p = lookups[i].path;
		CHECK((sops_find(&s, p, strlen(p)) != NULL) == lookups[i].leaf, "find '%s'", p);
		CHECK(sops_is_branch(&s, p, strlen(p)) == lookups[i].branch, "branch '%s'", p);
	}
	CHECK(sops_find(NULL, "a", 1) == NULL && !sops_is_branch(NULL, "a", 1), "NULL file");
}

static void test_enc(void)
{
	static const struct {
		const char *s;
		bool enc;
	} v[] = {
		{ ENC, true },
		{ "ENC[]", true },
		{ "ENC[", false },
		{ "ENC[AES256_GCM,data:x", false },
		{ "enc[x]", false },
		{ "xENC[x]", false },
		{ "", false },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(sops_is_enc(v[i].s, strlen(v[i].s)) == v[i].enc, "is_enc '%s'", v[i].s);
}

int main(void)
{
	ctx_init(&ctx);
	arena_init(&arena);
	test_scan();
	test_undecided();
	test_find();
	test_enc();
	arena_release(&arena);
	ctx_release(&ctx);
	return T_DONE("sops_test");
}

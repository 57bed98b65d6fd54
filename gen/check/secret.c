/*
 * check/secret.c - SECRET001-SECRET003 and AUTH006: credentials in spec files, the SOPS
 * file, and the sops: references into it.
 *
 * Consumes the raw text of every spec file (each env.yaml and _defaults.yaml, once, for
 * SECRET001), each environment's resolved spec, and its SOPS file (secrets.file, next to
 * env.yaml), which this family reads once per environment through sops.h, for SECRET002
 * and for AUTH006 (a secret-bearing key that is a literal, or whose sops: key the file
 * lacks). Produces findings; a credential found in a spec and every clear-text value of a
 * SOPS file are masked (***) in all snippets, and no message quotes them.
 *
 * Everything runs from run_all, so each credential pattern is compiled at most once per
 * run, for the first file that holds its literal, and freed at its end; a parsed SOPS
 * file lives in ctx->scratch while its environment is checked.
 * A spec with schema errors is judged on its valid values (resolve.c leaves the refused
 * ones out of its model); the raw-text scan covers every spec file that could be read.
 */
#include "model.h"
#include "rx.h"
#include "secret.h"
#include "sops.h"

#include <string.h>
#include <strings.h>

/* ---- SECRET001: credentials in the raw text of spec files ---- */

#define HELP_AWS                                                                     \
	"deactivate the key in IAM now and remove it from the file and from git history; " \
	"CI gets AWS access through 'ci.role_arn' (OIDC), not keys"
#define HELP_TOKEN                                                                   \
	"revoke it now and remove it from the file and from git history; secrets belong in " \
	"the SOPS file (secrets.file), referenced as \"sops:<key>\""

/* Every match of a pattern holds one of its literals (lits, ASCII-caseless when
 * lit_icase), at a place near accepts when it is set: a file that holds none cannot
 * match, and the pattern is not run on it. A caseless literal leaves out the letters k
 * and s, which PCRE2's caseless UTF matching also finds as U+212A and U+017F.
 * tests/unit/secret_test.c checks that PCRE2 decides every such file of the hostile
 * corpus, the fixtures and worst cases without error. */
#define NLITS 6
struct credential {
	const char *what;	/* "an AWS access key ID", for messages */
	const char *pattern;
	bool icase;
	bool pem;		/* mask the key body, up to its END line */
	const char *help;
	const char *lits[NLITS];
	bool lit_icase;
	bool (*near)(const char *text, const char *at);
};

/* "cret" at p in text: whether it can be the "secret" of a key name the AWS secret key
 * pattern takes, aws_?secret or secret_?access. The e before it is "secret"'s; "aw"
 * starts 4 to 7 bytes before that e (an s of one or two bytes, U+017F, an optional _,
 * another s); "acce" follows it, after an optional _. */
static bool near_aws_secret(const char *text, const char *p)
{
	if (p == text || (p[-1] | 0x20) != 'e')
		return false;
	const char *e = p - 1;
	for (size_t back = 4; back <= 7 && (size_t)(e - text) >= back; back++)
		if (strncasecmp(e - back, "aw", 2) == 0)
			return true;
	return strncasecmp(p + 4 + (p[4] == '_'), "acce", 4) == 0;
}

static const struct credential credentials[] = {
	{ "an AWS access key ID", "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", false,
	  false, HELP_AWS, { "AKIA", "ASIA" }, false },
	/* 40 base64 characters right after a key name that says what they are; \K keeps
	 * the key name out of the match, so only the value is masked */
	{ "an AWS secret access key",
	  "(?:aws_?secret(?:_?access)?(?:_?key)?|secret_?access_?key)[\"']?[ \\t]*[:=][ \\t]*"
	  "[\"']?\\K[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
	  true, false, HELP_AWS, { "cret" }, true, near_aws_secret },
	{ "a GitHub token",
	  "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})", false,
	  false, HELP_TOKEN, { "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_" }, false },
	{ "a Slack token", "(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}", false, false,
	  HELP_TOKEN, { "xox" }, false },
	{ "a private key", "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", false, true,
	  "replace the key pair now and remove the key from the file and from git history; "
	  "secrets belong in the SOPS file (secrets.file)", { "-----BEGIN " }, false },
};
#define NCREDENTIALS (sizeof(credentials) / sizeof(credentials[0]))

/* The location of bytes [start, end) of f: 1-based line, columns in code points. */
static struct loc span_loc(const struct srcfile *f, size_t start, size_t end)
{
	struct loc l = srcfile_loc(f, start), last = srcfile_loc(f, end > start ? end - 1 : start);
	l.end_line = last.line;
	l.end_col = last.col;
	return l;
}

/* Where the masked part of a match ends: for a private key, past its body. */
static size_t mask_end(const struct srcfile *f, const struct credential *c, size_t end)
{
	if (!c->pem)
		return end;
	const char *stop = strstr(f->data + end, "-----END ");
	return stop ? (size_t)(stop - f->data) : f->len;	/* no END: hide the rest */
}

/* Whether the text s holds lit where cr->near accepts it; a caseless literal (lowercase
 * letters) in either case of each letter, found from each place its first letter is. */
static bool holds(const char *s, const struct credential *cr, const char *lit)
{
	if (!cr->lit_icase && !cr->near)
		return strstr(s, lit) != NULL;
	char first[3] = { lit[0], cr->lit_icase ? (char)(lit[0] - 'a' + 'A') : 0, 0 };
	size_t k = strlen(lit);
	for (const char *p = s; (p = strpbrk(p, first)) != NULL; p++)
		if ((cr->lit_icase ? strncasecmp(p, lit, k) : strncmp(p, lit, k)) == 0 &&
		    (!cr->near || cr->near(s, p)))
			return true;
	return false;
}

unsigned secret_literals(const char *s)
{
	unsigned held = 0;
	for (size_t c = 0; c < NCREDENTIALS; c++) {
		const struct credential *cr = &credentials[c];
		for (size_t l = 0; l < NLITS && cr->lits[l] && !(held & 1u << c); l++)
			if (holds(s, cr, cr->lits[l]))
				held |= 1u << c;
	}
	return held;
}

size_t secret_pattern(size_t c, const char **pattern, bool *icase)
{
	if (c < NCREDENTIALS) {
		*pattern = credentials[c].pattern;
		*icase = credentials[c].icase;
	}
	return NCREDENTIALS;
}

/* Credential c's compiled pattern, compiled at its first use. */
static struct rx *pattern(struct rx **rx, size_t c)
{
	if (!rx[c]) {
		char err[256];
		const char *p = credentials[c].pattern;
		rx[c] = rx_compile(p, strlen(p), credentials[c].icase, err, sizeof(err));
		if (!rx[c])
			BUG("credential pattern %zu does not compile: %s", c, err);
	}
	return rx[c];
}

static void scan_file(struct ctx *ctx, const struct srcfile *f, const char *env,
		      struct rx **rx)
{
	unsigned held = secret_literals(f->data);
	for (size_t c = 0; c < NCREDENTIALS; c++) {
		const struct credential *cr = &credentials[c];
		size_t pos = 0;
		if (!(held & 1u << c))
			continue;
		while (pos < f->len) {
			size_t s, e;
			int m = rx_find_text(pattern(rx, c), f->data + pos, f->len - pos, &s, &e);
			if (m < 0) {
				diag_add(ctx, "SECRET001", env, (struct loc){ .file = f->id },
					 "cannot tell whether the file holds %s: the pattern hit "
					 "PCRE2's match limits", cr->what);
				break;
			}
			if (m == 0)
				break;
			s += pos;
			e += pos;
			mask_add(ctx, f->id, cr->pem ? e : s, mask_end(f, cr, e));
			struct diag *d = diag_add(ctx, "SECRET001", env, span_loc(f, s, e),
						  "%s is written in plain text", cr->what);
			diag_help(ctx, d, "%s", cr->help);
			pos = e;
			if (e == s)	/* an empty match: step over one code point */
				while (++pos < f->len && ((unsigned char)f->data[pos] & 0xc0) == 0x80)
					;
		}
	}
}

static void release_patterns(void *arg)
{
	struct rx **rx = arg;
	for (size_t c = 0; c < NCREDENTIALS; c++) {
		rx_free(rx[c]);
		rx[c] = NULL;
	}
}

/* The compiled patterns are guarded: running out of memory while they are held (in
 * PCRE2 or in a diagnostic) releases them. */
static void scan_specs(struct ctx *ctx)
{
	struct rx *rx[NCREDENTIALS] = { 0 };
	struct oom_guard guard;
	oom_guard_push(&guard, release_patterns, rx);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (e->file && e->file->data)
			scan_file(ctx, e->file, e->name, rx);
	}
	/* _defaults.yaml is no environment's: findings there involve none in particular */
	for (size_t f = 1; f < ctx->nfiles; f++) {
		const struct srcfile *sf = ctx->files[f];
		if (sf && sf->data && strcmp(sf->path, "environments/_defaults.yaml") == 0) {
			scan_file(ctx, sf, NULL, rx);
			break;
		}
	}
	oom_guard_pop(&guard);
	release_patterns(rx);
}

/* ---- SECRET003: the KMS key's account and region ---- */

/* arn:<partition>:kms:<region>:<account>:<resource>: the region and account fields. */
static bool kms_arn_parts(const char *arn, const char **region, size_t *rlen,
			  const char **account, size_t *alen)
{
	const char *f[6];
	size_t n = 0;
	f[n++] = arn;
	for (const char *p = arn; *p && n < 6; p++)
		if (*p == ':')
			f[n++] = p + 1;
	if (n < 6 || strncmp(arn, "arn:", 4) != 0 || strncmp(f[2], "kms:", 4) != 0)
		return false;
	*region = f[3];
	*rlen = (size_t)(f[4] - f[3] - 1);
	*account = f[4];
	*alen = (size_t)(f[5] - f[4] - 1);
	return true;
}

static bool span_eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

static void check_kms(struct ctx *ctx, struct env *e)
{
	const struct model *m = e->model;
	const struct node *arn = m->secrets.kms_key_arn.n;
	const struct node *reg = m->aws.region.n;
	const struct node *acc = m->aws.account_id.n;
	if (!m->secrets.kms_key_arn.s || !m->aws.region.s || !m->aws.account_id.s)
		return;
	const char *r, *a;
	size_t rlen, alen;
	if (!kms_arn_parts(arn->str, &r, &rlen, &a, &alen))
		return;	/* the schema's pattern reports the shape */
	bool other_region = !span_eq(r, rlen, reg->str);
	bool other_account = !span_eq(a, alen, acc->str);
	if (!other_region && !other_account)
		return;
	struct diag *d;
	if (other_region && other_account)
		d = diag_add(ctx, "SECRET003", e->name, arn->loc,
			     "KMS key is in account '%.*s' and region '%.*s', but the environment "
			     "is in account '%s' and region '%s'",
			     (int)alen, a, (int)rlen, r, acc->str, reg->str);
	else if (other_region)
		d = diag_add(ctx, "SECRET003", e->name, arn->loc,
			     "KMS key is in region '%.*s', but the environment is in '%s'",
			     (int)rlen, r, reg->str);
	else
		d = diag_add(ctx, "SECRET003", e->name, arn->loc,
			     "KMS key is in account '%.*s', but the environment is in account '%s'",
			     (int)alen, a, acc->str);
	if (other_account && acc->loc.line)
		diag_note(ctx, d, acc->loc, "the environment's account is set here");
	if (other_region && reg->loc.line)
		diag_note(ctx, d, reg->loc, "the environment's region is set here");
	diag_help(ctx, d, "use a key of account '%s' in '%s', and re-encrypt the secrets file "
			  "for it (sops --rotate --in-place --add-kms NEW --rm-kms OLD)",
		  acc->str, reg->str);
}

/* ---- SECRET002: the SOPS file is encrypted ---- */

#define MAX_LISTED 4	/* keys or values named in notes; the rest are counted */

/* A value SOPS would have encrypted that is in clear text. */
static bool leaf_exposed(const struct sops_leaf *l)
{
	return !l->empty && !l->encrypted && !l->clear;
}

/* How the file says what stays clear, for messages: "unencrypted_suffix '_unencrypted'". */
static const char *option_text(struct arena *a, const struct sops_file *s)
{
	if (!s->option_node)
		return "unencrypted_suffix '_unencrypted'";
	return arena_printf(a, "%s '%s'", s->option, s->option_node->str);
}

/* The keys the file's option leaves in clear, for help lines; NULL when the option names
 * the encrypted keys instead. */
static const char *clear_keys(struct arena *a, const struct sops_file *s)
{
	if (!s->option_node)
		return "a key ending in '_unencrypted'";
	if (strcmp(s->option, "unencrypted_suffix") == 0)
		return arena_printf(a, "a key ending in '%s'", s->option_node->str);
	if (strcmp(s->option, "unencrypted_regex") == 0)
		return arena_printf(a, "a key matching '%s'", s->option_node->str);
	return NULL;
}

static void judge_file(struct ctx *ctx, struct env *e, const struct sops_file *s,
		       const char *rel)
{
	bool judged = !s->unjudged;
	for (size_t i = 0; i < s->nleaves; i++)
		if (!s->leaves[i].empty && !s->leaves[i].encrypted &&
		    (!judged || !s->leaves[i].clear))
			mask_loc(ctx, &s->leaves[i].value->loc);

	if (!s->meta) {
		struct diag *d = diag_add(ctx, "SECRET002", e->name,
					  (struct loc){ .file = s->file->id },
					  "secrets file is not SOPS-encrypted: it has no 'sops' "
					  "metadata");
		size_t shown = 0, exposed = 0;
		for (size_t i = 0; i < s->nleaves; i++) {
			const struct sops_leaf *l = &s->leaves[i];
			if (!leaf_exposed(l))
				continue;
			if (shown++ < MAX_LISTED)
				diag_note(ctx, d, l->value->loc, "'%s' is in clear text", l->path);
			exposed++;
		}
		if (exposed > MAX_LISTED)
			diag_note(ctx, d, (struct loc){ 0 }, "and %zu more values in clear text",
				  exposed - MAX_LISTED);
		diag_help(ctx, d, "encrypt it in place (sops --encrypt --in-place %s) and rotate "
				  "every secret it held in clear",
			  rel);
		return;
	}
	if (!s->has_mac) {
		struct diag *d = diag_add(ctx, "SECRET002", e->name, s->meta_key->loc,
					  "the 'sops' metadata has no 'mac': the file is not as "
					  "sops wrote it");
		diag_help(ctx, d, "decrypt it with the key you have and encrypt it again "
				  "(sops --encrypt --in-place %s)",
			  rel);
	}
	if (s->unjudged) {
		if (s->rx_error)
			diag_add(ctx, "SECRET002", e->name, s->unjudged->loc,
				 "cannot tell which values SOPS encrypts: %s", s->unjudged_why);
		return;	/* comment-selected values: eragen cannot see comments */
	}
	for (size_t i = 0; i < s->nleaves; i++) {
		const struct sops_leaf *l = &s->leaves[i];
		if (l->empty || l->encrypted)
			continue;
		if (l->undecided) {
			diag_add(ctx, "SECRET002", e->name, l->value->loc,
				 "cannot tell whether SOPS encrypts '%s': %s hit PCRE2's match "
				 "limits",
				 l->path, s->option);
			continue;
		}
		if (l->clear)
			continue;
		struct diag *d = diag_add(ctx, "SECRET002", e->name, l->value->loc,
					  "'%s' is in clear text: SOPS encrypts it, but its value "
					  "is not ENC[...]",
					  l->path);
		const char *clear = clear_keys(&ctx->perm, s);
		if (clear)
			diag_help(ctx, d, "set it with sops (sops %s) and rotate it; a value that is "
					  "no secret may stay in clear under %s",
				  rel, clear);
		else
			diag_help(ctx, d, "set it with sops (sops %s) and rotate it", rel);
	}
}

/* ---- AUTH006: secret-bearing keys hold sops: references to keys that exist ---- */

#define SOPS_PREFIX "sops:"

/* The leaf path nearest to key (a likely typo), or NULL. */
static const char *nearest_key(const struct sops_file *s, const char *key, size_t len)
{
	struct nearest n = nearest_start(key, len, 2);
	for (size_t i = 0; i < s->nleaves; i++)
		nearest_offer(&n, s->leaves[i].path);
	return n.best;
}

/* A note at the secrets file listing its keys (names only: SOPS keeps them in clear). */
static void note_keys(struct ctx *ctx, struct diag *d, const struct sops_file *s)
{
	struct loc at = { .file = s->file->id };
	if (s->nleaves == 0) {
		diag_note(ctx, d, at, "the secrets file holds no values");
		return;
	}
	struct strbuf sb = SB_IN(&ctx->perm);
	for (size_t i = 0; i < s->nleaves && i < MAX_LISTED; i++)
		sb_printf(&sb, "%s'%s'", i ? ", " : "", s->leaves[i].path);
	if (s->nleaves > MAX_LISTED)
		sb_printf(&sb, " and %zu more", s->nleaves - MAX_LISTED);
	diag_note(ctx, d, at, "the secrets file holds %s", sb.buf);
}

static void check_ref(struct ctx *ctx, struct env *e, const char *path, const struct node *n,
		      const struct sops_file *s, bool missing, const char *rel,
		      const struct node *file_node)
{
	const char *key = n->str + strlen(SOPS_PREFIX);
	size_t klen = n->len - strlen(SOPS_PREFIX);
	const char *want = path + strlen("auth.");
	struct diag *d;
	if (klen == 0) {
		d = diag_add(ctx, "AUTH006", e->name, n->loc, "'%s' is an empty 'sops:' reference",
			     path);
		diag_help(ctx, d, "name the key of the secrets file, e.g. \"sops:%s\"", want);
		return;
	}
	if (missing) {
		d = diag_add(ctx, "AUTH006", e->name, n->loc,
			     "'%s' refers to '%.*s', but the secrets file '%s' does not exist", path,
			     (int)klen, key, rel);
		if (file_node->loc.line)
			diag_note(ctx, d, file_node->loc, "'secrets.file' is set here");
		diag_help(ctx, d, "create it with sops (sops %s) and add the key", rel);
		return;
	}
	if (!s)
		return;	/* the file cannot be used: reported where it was read */
	const struct sops_leaf *l = sops_find(s, key, klen);
	if (!l) {
		bool branch = sops_is_branch(s, key, klen);
		d = diag_add(ctx, "AUTH006", e->name, n->loc,
			     branch ? "'%s' refers to '%.*s', which holds a mapping in '%s', not a "
				      "value"
				    : "'%s' refers to '%.*s', which is not in '%s'",
			     path, (int)klen, key, s->file->path);
		note_keys(ctx, d, s);
		const char *near = branch ? NULL : nearest_key(s, key, klen);
		if (near)
			diag_help(ctx, d, "did you mean \"sops:%s\"?", near);
		else
			diag_help(ctx, d, "add the key with sops (sops %s), or fix the reference",
				  s->file->path);
		return;
	}
	if (l->clear && !l->empty && !l->encrypted) {
		d = diag_add(ctx, "AUTH006", e->name, n->loc,
			     "'%s' refers to '%.*s', which SOPS keeps in clear text (%s)", path,
			     (int)klen, key, option_text(&ctx->perm, s));
		mask_loc(ctx, &l->value->loc);	/* it is a secret, whatever SOPS thinks */
		diag_note(ctx, d, l->value->loc, "the value is here");
		diag_help(ctx, d, "store the secret under a key SOPS encrypts, and rotate it");
	}
}

static void check_refs(struct ctx *ctx, struct env *e, const struct sops_file *s,
		       bool missing, const char *rel, const struct node *file_node)
{
	/* the keys marked "x-eragen-secret" in the schema, and the mode that uses each */
	const struct m_auth *au = &e->model->auth;
	const struct {
		const struct m_str *f;
		int mode;
	} secret_keys[] = {
		{ &au->github.client_id, AUTH_GITHUB },
		{ &au->github.client_secret, AUTH_GITHUB },
		{ &au->cognito.client_secret, AUTH_COGNITO },
		{ &au->dummy.password, AUTH_DUMMY },
	};
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++) {
		const char *path = secret_keys[i].f->path;
		const struct node *n = secret_keys[i].f->n;
		if (!secret_keys[i].f->s)
			continue;
		if (n->len < strlen(SOPS_PREFIX) ||
		    memcmp(n->str, SOPS_PREFIX, strlen(SOPS_PREFIX)) != 0) {
			struct diag *d = diag_add(ctx, "AUTH006", e->name, n->loc,
						  "'%s' holds a literal secret instead of a 'sops:' "
						  "reference",
						  path);
			diag_help(ctx, d, "store the value in the secrets file with sops, write "
					  "\"sops:%s\" here, and rotate it: it is in git history",
				  path + strlen("auth."));
			continue;
		}
		/* only the active mode's secrets are read at apply time */
		if (au->mode.v == secret_keys[i].mode)
			check_ref(ctx, e, path, n, s, missing, rel, file_node);
	}
}

/* ---- the family ---- */

static void check_sops(struct ctx *ctx, struct env *e)
{
	struct arena *a = &ctx->scratch;	/* released below: diagnostics copy what they say */
	const struct node *fn = e->model->secrets.file.n;
	if (!e->model->secrets.file.s || fn->len == 0)
		return;
	/* an absolute path goes as it is: srcfile_read refuses it (SPEC012) */
	const char *rel = fn->str[0] == '/' ? fn->str : arena_printf(a, "%s/%s", e->dir, fn->str);
	bool missing;
	struct sops_file *s = sops_read(ctx, a, rel, fn->loc.line ? fn->loc : (struct loc){ 0 },
					&missing);
	if (s)
		judge_file(ctx, e, s, rel);
	check_refs(ctx, e, s, missing, rel, fn);
	arena_release(a);
}

static void secret_all(struct ctx *ctx)
{
	scan_specs(ctx);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		struct env *e = ctx->envs[i];
		if (!e->resolved)
			continue;
		check_kms(ctx, e);
		check_sops(ctx, e);
	}
}

/* ---- the SECRET rules (their explain texts: docs/rules/<ID>.txt) ----------------- */

static const struct rule secret_rules[] = {
	{ .id = "SECRET001", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "plaintext credential anywhere in a spec (AWS access key IDs, secret keys, "
		     "GitHub tokens, Slack tokens, private keys)" },
	{ .id = "SECRET002", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "secrets file not SOPS-encrypted (no sops metadata with a mac, or a "
		     "non-empty leaf that SOPS would encrypt is not ENC[...])" },
	{ .id = "SECRET003", .sev = SEV_ERROR, .suppressible = true,
	  .summary = "kms_key_arn in another account or region than the environment" },
};

const struct check check_secret = {
	.name = "secret",
	.run_all = secret_all,
	.every_env = true,	/* what it reads may hold findings of no environment */
	.rules = secret_rules,
	.nrules = sizeof(secret_rules) / sizeof(secret_rules[0]),
};

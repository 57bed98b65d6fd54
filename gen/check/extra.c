/*
 * check/extra.c - DRIFT006: the extra HCL of an environment (environments/<env>/extra/
 * {infra,platform}/NAME.tf, copied into the generated stacks) must not use constructs that
 * make every plan differ or change what OpenTofu cannot see: "$Latest", timestamp(),
 * uuid(), local-exec provisioners calling the AWS CLI or terraform, hard-coded ephemeral
 * AWS IDs (i-, vol-, eni-, sir-, snap- and 8 or 17 hex digits).
 *
 * Consumes the files (read once, registered as sources, so diagnostics point at the line
 * and column of the match and inline "# eragen:ignore DRIFT006 ..." comments work);
 * produces diagnostics. The text is judged with HCL comments blanked out (a lexer that
 * knows quoted strings with ${...} interpolations, heredocs and the three comment forms),
 * so a comment that mentions timestamp() is no finding. Patterns are PCRE2 (rx.c),
 * compiled only when some environment has extra files. Abstract environments are not
 * generated: their extra/ is not judged.
 */
#include "eragen.h"
#include "check/extra.h"
#include "inputs.h"
#include "repo_index.h"
#include "rx.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const stacks[] = { "infra", "platform" };

/* ---- the files ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void release_dir(void *dir)
{
	closedir(dir);
}

static const char **list_names(struct ctx *ctx, struct env *env, const char *stack, size_t *n)
{
	*n = 0;
	const char **names = NULL;
	size_t cap = 0;
	if (ctx->opt.staged) {	/* the files in the index (srcfile reads them there too) */
		size_t count;
		const char *rel = arena_printf(&env->arena, "%s/extra/%s", env->dir, stack);
		struct ri_name *v = repo_index_list(ctx, &env->arena, rel, &count);
		for (size_t i = 0; i < count; i++) {
			size_t len = strlen(v[i].name);
			if (v[i].dir || v[i].gitlink || v[i].name[0] == '.' || len < 4 ||
			    strcmp(v[i].name + len - 3, ".tf") != 0)
				continue;
			ARENA_PUSH(&env->arena, names, *n, cap, v[i].name);
		}
		if (*n > 1)
			qsort(names, *n, sizeof(*names), cmp_str);
		return names;
	}
	const char *dirpath = arena_printf(&env->arena, "%s/%s/extra/%s", ctx->root, env->dir, stack);
	DIR *dir = opendir(dirpath);
	if (!dir)
		return NULL;	/* none (or unreadable: nothing is copied, nothing judged) */
	struct dirent *de;
	struct oom_guard guard;
	oom_guard_push(&guard, release_dir, dir);
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 3, ".tf") != 0)
			continue;
		struct stat st;
		const char *p = arena_printf(&env->arena, "%s/%s", dirpath, de->d_name);
		if (stat(p, &st) != 0 || S_ISDIR(st.st_mode))
			continue;
		ARENA_PUSH(&env->arena, names, *n, cap, arena_strdup(&env->arena, de->d_name));
	}
	oom_guard_pop(&guard);
	closedir(dir);
	if (*n > 1)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

/* The listing is an input of the run (inputs.c): a file added or removed changes it. */
const char *const *extra_list(struct ctx *ctx, struct env *env, const char *stack, size_t *n)
{
	const char **names = list_names(ctx, env, stack, n);
	inputs_list(ctx, env->name, stack, names, *n);
	return names;
}

const struct srcfile *extra_source(struct ctx *ctx, const char *relpath)
{
	const struct srcfile *f = srcfile_find(ctx, relpath);
	if (f)
		return f->data ? f : NULL;
	return srcfile_read(ctx, relpath, (struct loc){ 0 });
}

/* ---- comments blanked out ---- */

enum { LEX_MAX_DEPTH = 64 };

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* The end of a heredoc starting at s[i] ("<<EOT\n" or "<<-EOT\n"), or i when it is none. */
static size_t heredoc_end(const char *s, size_t n, size_t i)
{
	size_t j = i + 2;
	if (j < n && s[j] == '-')
		j++;
	size_t id = j;
	while (j < n && is_ident(s[j]))
		j++;
	if (j == id || j >= n || s[j] != '\n')
		return i;
	size_t idlen = j - id;
	for (size_t line = j + 1; line < n;) {
		const char *nl = memchr(s + line, '\n', n - line);
		size_t end = nl ? (size_t)(nl - s) : n;
		size_t a = line;
		while (a < end && (s[a] == ' ' || s[a] == '\t'))
			a++;
		size_t b = end;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (b - a == idlen && memcmp(s + a, s + id, idlen) == 0)
			return end;
		line = end + 1;
	}
	return n;
}

/* What a byte of an extra file is, for the judge. */
enum kind {
	K_CODE,		/* expressions (interpolations inside strings included) */
	K_STRING,	/* the literal text of a quoted string */
	K_HEREDOC,	/* a heredoc, marker lines included (interpolations not told apart) */
	K_COMMENT,
};

/*
 * A copy of s with every comment replaced by spaces (newlines kept, so offsets, lines and
 * columns stay those of the file), and the kind of every byte.
 */
static char *blank_comments(struct arena *a, const char *s, size_t n, unsigned char **kind_out)
{
	char *t = arena_alloc(a, n + 1);
	unsigned char *kind = arena_alloc(a, n + 1);
	memcpy(t, s, n);
	/* the nesting: 's' a quoted string, 'i' an interpolation with its brace depth */
	char mode[LEX_MAX_DEPTH];
	int depth[LEX_MAX_DEPTH];
	int sp = 0;
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (sp > 0 && mode[sp - 1] == 's') {
			kind[i] = K_STRING;
			if (c == '\\' && i + 1 < n && s[i + 1] != '\n') {
				kind[i + 1] = K_STRING;
				i += 2;
			} else if ((c == '$' || c == '%') && i + 2 < n && s[i + 1] == c &&
				   s[i + 2] == '{') {
				kind[i + 1] = kind[i + 2] = K_STRING;	/* "$${" is literal */
				i += 3;
			} else if ((c == '$' || c == '%') && i + 1 < n && s[i + 1] == '{' &&
				   sp < LEX_MAX_DEPTH) {
				kind[i] = kind[i + 1] = K_CODE;
				mode[sp] = 'i';
				depth[sp++] = 0;
				i += 2;
			} else {
				if (c == '"' || c == '\n')
					sp--;	/* the end (an unterminated string ends at the line) */
				i++;
			}
			continue;
		}
		kind[i] = K_CODE;
		if (c == '#' || (c == '/' && i + 1 < n && s[i + 1] == '/')) {
			for (; i < n && s[i] != '\n'; i++) {
				t[i] = ' ';
				kind[i] = K_COMMENT;
			}
		} else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t end = n;
			for (size_t j = i + 2; j + 1 < n; j++)
				if (s[j] == '*' && s[j + 1] == '/') {
					end = j + 2;
					break;
				}
			for (; i < end; i++) {
				if (s[i] != '\n')
					t[i] = ' ';
				kind[i] = K_COMMENT;
			}
		} else if (c == '<' && i + 1 < n && s[i + 1] == '<' && heredoc_end(s, n, i) != i) {
			for (size_t end = heredoc_end(s, n, i); i < end; i++)
				kind[i] = K_HEREDOC;
		} else {
			if (c == '"' && sp < LEX_MAX_DEPTH) {
				mode[sp] = 's';
				depth[sp++] = 0;
			} else if (c == '{' && sp > 0) {
				depth[sp - 1]++;
			} else if (c == '}' && sp > 0) {
				if (mode[sp - 1] == 'i' && depth[sp - 1] == 0)
					sp--;	/* back in the string */
				else
					depth[sp - 1]--;
			}
			i++;
		}
	}
	*kind_out = kind;
	return t;
}

/* The end of the block whose "{" is at open: the offset after its "}" (or n). */
static size_t block_end(const char *s, const unsigned char *kind, size_t n, size_t open)
{
	int d = 0;
	for (size_t i = open; i < n; i++) {
		if (kind[i] != K_CODE)
			continue;
		if (s[i] == '{')
			d++;
		else if (s[i] == '}' && --d == 0)
			return i + 1;
	}
	return n;
}

/* ---- the patterns ---- */

enum pat { PAT_LATEST, PAT_TIMESTAMP, PAT_UUID, PAT_LOCAL_EXEC, PAT_CLI, PAT_ID, PAT_COUNT };

static const struct pattern {
	const char *rx;
	bool word_start;	/* the match may not follow a letter, digit or '_' */
} patterns[PAT_COUNT] = {
	[PAT_LATEST] = { "\"\\$Latest\"", false },
	[PAT_TIMESTAMP] = { "timestamp\\s*\\(", true },
	[PAT_UUID] = { "uuid\\s*\\(", true },
	[PAT_LOCAL_EXEC] = { "provisioner\\s+\"local-exec\"\\s*\\{", true },
	[PAT_CLI] = { "(?:aws|terraform)(?=[\\s\"'`;|&)]|$)", true },
	[PAT_ID] = { "(?:i|vol|eni|sir|snap)-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![0-9A-Za-z])", true },
};

struct judge {
	struct ctx *ctx;
	struct env *env;
	struct rx *rx[PAT_COUNT];
	bool compiled, broken;
};

static bool compile_all(struct judge *j)
{
	if (j->compiled)
		return !j->broken;
	j->compiled = true;
	for (int p = 0; p < PAT_COUNT; p++) {
		char err[256];
		j->rx[p] = rx_compile(patterns[p].rx, strlen(patterns[p].rx), false, err, sizeof(err));
		if (!j->rx[p])
			BUG("DRIFT006 pattern %d does not compile: %s", p, err);
	}
	return true;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * The next match of pattern p in t[from..to) (comments are blank already) that is not
 * glued to a word before it. Returns 1 with the span, 0 none, -1 undecided.
 */
static int next_match(const struct judge *j, enum pat p, const char *t, size_t from, size_t to,
		      size_t *start, size_t *end)
{
	while (from < to) {
		size_t s, e;
		/* t is the file's text with comments blanked, valid UTF-8 (NUL-terminated): a
		 * span between character boundaries needs no check of PCRE2's */
		bool whole = ((unsigned char)t[from] & 0xc0) != 0x80 &&
			     ((unsigned char)t[to] & 0xc0) != 0x80;
		int r = whole ? rx_find_text(j->rx[p], t + from, to - from, &s, &e)
			      : rx_find(j->rx[p], t + from, to - from, &s, &e);
		if (r <= 0)
			return r;
		s += from;
		e += from;
		bool glued = patterns[p].word_start && s > 0 && word_char(t[s - 1]);
		bool cli_glued = p == PAT_CLI && s > 0 && (t[s - 1] == '.' || t[s - 1] == '-');
		bool id_glued = p == PAT_ID && s > 0 && word_char(t[s - 1]);
		if (!glued && !cli_glued && !id_glued) {
			*start = s;
			*end = e;
			return 1;
		}
		from = s + 1;
	}
	return 0;
}

static struct loc span_loc(const struct srcfile *f, size_t s, size_t e)
{
	struct loc l = srcfile_loc(f, s);
	/* the end: the last character of the match, on the match's first line */
	const char *nl = memchr(f->data + s, '\n', e - s);
	size_t last = nl ? (size_t)(nl - f->data) : e;
	l.end_line = l.line;
	l.end_col = srcfile_loc(f, last).col - 1;
	if (l.end_col < l.col)
		l.end_col = l.col;
	return l;
}

static const char *id_kind(const char *s)
{
	if (s[0] == 'i')
		return "EC2 instance";
	if (s[0] == 'v')
		return "EBS volume";
	if (s[0] == 'e')
		return "network interface";
	if (s[1] == 'i')
		return "spot instance request";
	return "EBS snapshot";
}

static void undecided(struct judge *j, const struct srcfile *f)
{
	diag_add(j->ctx, "DRIFT006", j->env->name, (struct loc){ .file = f->id },
		 "'%s' could not be judged: a pattern hit the matching limits", f->path);
}

#define ADV_TERRAFORM PAT_COUNT	/* PAT_CLI when the command is terraform */

/* What each pattern means and what to do instead (PAT_ID names the match: in report). */
static const struct {
	const char *msg, *help;
} advice[PAT_COUNT + 1] = {
	[PAT_LATEST] = {
		"\"$Latest\" follows whatever launch template version was made last, also "
		"outside review: the nodes change without a plan showing it",
		"pin the version: version = aws_launch_template.NAME.latest_version" },
	[PAT_TIMESTAMP] = {
		"timestamp() has a new value at every plan: what uses it changes at every apply",
		"use a time_static resource (provider hashicorp/time), or a fixed value" },
	[PAT_UUID] = {
		"uuid() has a new value at every plan: what uses it changes at every apply",
		"use a random_uuid resource (provider hashicorp/random)" },
	[PAT_CLI] = {
		"a local-exec provisioner calls the AWS CLI: what it changes is invisible to "
		"OpenTofu, never planned and never destroyed",
		"manage the resource with the aws provider" },
	[ADV_TERRAFORM] = {
		"a local-exec provisioner calls terraform: these stacks are applied with "
		"OpenTofu only",
		"manage the resource in this stack, or call tofu in the Makefile, not from a "
		"provisioner" },
};

static void report(struct judge *j, const struct srcfile *f, enum pat p, size_t s, size_t e)
{
	struct loc at = span_loc(f, s, e);
	struct diag *d;
	if (p == PAT_ID) {
		d = diag_add(j->ctx, "DRIFT006", j->env->name, at,
			     "'%.*s' is the ID of a short-lived %s: it changes when the resource "
			     "is replaced",
			     (int)(e - s), f->data + s, id_kind(f->data + s));
		diag_help(j->ctx, d, "look it up with a data source, or manage the resource in "
				     "this stack and refer to its attribute");
		return;
	}
	size_t k = p == PAT_CLI && f->data[s] != 'a' ? ADV_TERRAFORM : (size_t)p;
	if (k > ADV_TERRAFORM || !advice[k].msg)
		BUG("DRIFT006: no message for pattern %d", p);
	d = diag_add(j->ctx, "DRIFT006", j->env->name, at, "%s", advice[k].msg);
	diag_help(j->ctx, d, "%s", advice[k].help);
}

static void judge_file(struct judge *j, const struct srcfile *f)
{
	if (!compile_all(j))
		return;
	unsigned char *kind;
	const char *t = blank_comments(&j->env->arena, f->data, f->len, &kind);
	size_t n = f->len, s, e;
	static const enum pat simple[] = { PAT_LATEST, PAT_TIMESTAMP, PAT_UUID, PAT_ID };
	for (size_t k = 0; k < sizeof(simple) / sizeof(simple[0]); k++) {
		enum pat p = simple[k];
		for (size_t from = 0;;) {
			int r = next_match(j, p, t, from, n, &s, &e);
			if (r < 0) {
				undecided(j, f);
				return;
			}
			if (r == 0)
				break;
			/* calls count outside string literals, the rest anywhere but comments */
			if ((p != PAT_TIMESTAMP && p != PAT_UUID) || kind[s] != K_STRING)
				report(j, f, p, s, e);
			from = e > s ? e : s + 1;
		}
	}
	/* local-exec provisioners: the AWS CLI or terraform anywhere in their block */
	for (size_t from = 0;;) {
		int r = next_match(j, PAT_LOCAL_EXEC, t, from, n, &s, &e);
		if (r < 0) {
			undecided(j, f);
			return;
		}
		if (r == 0)
			break;
		from = e;
		if (kind[s] != K_CODE)
			continue;
		size_t end = block_end(t, kind, n, e - 1);
		for (size_t bf = e; bf < end;) {
			size_t cs, ce;
			int rc = next_match(j, PAT_CLI, t, bf, end, &cs, &ce);
			if (rc < 0) {
				undecided(j, f);
				return;
			}
			if (rc == 0)
				break;
			report(j, f, PAT_CLI, cs, ce);
			bf = ce > cs ? ce : cs + 1;
		}
		from = end > e ? end : e;
	}
}

static void extra_env(struct ctx *ctx, struct env *env, struct judge *j)
{
	if (env->abstract)
		return;
	j->env = env;
	for (size_t k = 0; k < sizeof(stacks) / sizeof(stacks[0]); k++) {
		size_t n;
		const char *const *names = extra_list(ctx, env, stacks[k], &n);
		for (size_t i = 0; i < n; i++) {
			const char *rel = arena_printf(&env->arena, "%s/extra/%s/%s", env->dir,
						       stacks[k], names[i]);
			const struct srcfile *f = extra_source(ctx, rel);
			if (f)
				judge_file(j, f);
		}
	}
}

/* The compiled patterns: the oom guard's release, and the end of the run. */
static void judge_release(void *arg)
{
	struct judge *j = arg;
	for (int p = 0; p < PAT_COUNT; p++) {
		rx_free(j->rx[p]);
		j->rx[p] = NULL;
	}
}

static void extra_all(struct ctx *ctx)
{
	struct judge j = { .ctx = ctx };
	struct oom_guard guard;
	oom_guard_push(&guard, judge_release, &j);
	for (size_t i = 0; i < ctx->nenvs; i++)
		extra_env(ctx, ctx->envs[i], &j);
	oom_guard_pop(&guard);
	judge_release(&j);
}

const struct check check_extra = {
	.name = "extra",
	.run_all = extra_all,
	.every_env = true,	/* what it reads may hold findings of no environment */
};

/*
 * cmd_changed.c - `eragen changed --since REV [--staged] [--format json|--json]`: the environments whose
 * inputs changed since REV, for CI matrices (DESIGN 3).
 *
 * Consumes the loaded and resolved environments (no checks: this is
 * a CI helper; the eragen job reports the findings)
 * and the paths repo_diff_since reports between REV's tree and the work tree (untracked
 * files included) or the index (--staged). Produces, on stdout, the names (one a line,
 * sorted) or {"environments":[{"name","region","role_arn","tier"}],"removed":[...]}.
 *
 * An environment changed when any of these differ:
 *   - its own files, environments/<env>/ (env.yaml, the SOPS file, extra/), and its
 *     SOPS file when secrets.file points outside that directory;
 *   - the files of every environment named in its extends chain, read from the current
 *     specs by name, so a parent removed since REV still counts. REV's chain is not
 *     needed: a link of REV's chain differs from the current one only when the env.yaml
 *     of a member of both changed, which is already a change of the chain;
 *   - environments/_defaults.yaml, schemas/ or templates/ (every environment);
 *   - its generated stack, out/<env>/ (a new eragen changes it without any input).
 * An environment whose chain cannot be read (an env.yaml that does not parse, an
 * 'extends' that is not a string) counts as changed whenever anything under
 * environments/ changed. Abstract environments (_name) are never listed. "removed" names
 * the environments whose env.yaml was at REV and is gone now. Fields of a spec that is
 * invalid come from what resolved, else from its own file; a field it lacks is "".
 * Exit 0 whether or not anything changed; 2 for an unusable REV.
 */
#include "cmd.h"
#include "model.h"
#include "repo_diff.h"

#include <stdlib.h>
#include <string.h>

#define EXTENDS_MAX 8		/* DESIGN 4: at most 8 deep; also ends a cycle */

struct changes_view {
	const struct repo_changes *ch;
	const char **touched;	/* names with a changed file under environments/ or out/ */
	size_t ntouched, captouched;
	bool all;		/* _defaults.yaml, schemas/ or templates/ changed */
	bool any_env;		/* something under environments/ changed */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool touched(const struct changes_view *v, const char *name)
{
	return v->ntouched &&
	       bsearch(&name, v->touched, v->ntouched, sizeof(*v->touched), cmp_str) != NULL;
}

static bool path_changed(const struct repo_changes *ch, const char *path)
{
	size_t lo = 0, hi = ch->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ch->items[mid].path, path);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* "dir/NAME/rest" -> NAME (in a), or NULL when path is not below dir/<name>/. */
static const char *first_dir(struct arena *a, const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return NULL;
	const char *name = path + n + 1;
	const char *slash = strchr(name, '/');
	if (!slash || slash == name)
		return NULL;
	return arena_strndup(a, name, (size_t)(slash - name));
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void classify(struct ctx *ctx, struct changes_view *v)
{
	for (size_t i = 0; i < v->ch->n; i++) {
		const char *p = v->ch->items[i].path;
		if (strcmp(p, "environments/_defaults.yaml") == 0 || starts_with(p, "schemas/") ||
		    starts_with(p, "templates/"))
			v->all = true;
		if (starts_with(p, "environments/"))
			v->any_env = true;
		const char *name = first_dir(&ctx->perm, p, "environments");
		if (!name)
			name = first_dir(&ctx->perm, p, "out");
		if (name)
			ARENA_PUSH(&ctx->perm, v->touched, v->ntouched, v->captouched, name);
	}
	if (v->ntouched > 1)
		qsort(v->touched, v->ntouched, sizeof(*v->touched), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < v->ntouched; i++)
		if (!k || strcmp(v->touched[k - 1], v->touched[i]) != 0)
			v->touched[k++] = v->touched[i];
	v->ntouched = k;
}

/* environments/<env>/<file> with "." and ".." resolved, or NULL when it leaves the root. */
static const char *secrets_path(struct arena *a, const struct env *e, const char *file)
{
	if (file[0] == '/')
		return NULL;
	const char *joined = arena_printf(a, "%s/%s", e->dir, file);
	size_t len = strlen(joined);
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (const char *s = joined; *s;) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (o == 0)
				return NULL;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;	/* the slash before the dropped segment */
		} else if (n && !(n == 1 && s[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n + (slash != NULL);
	}
	out[o] = '\0';
	return o ? out : NULL;
}

/* The SOPS file of e when it lies outside environments/<env>/ (and inside the root). */
static const char *secrets_outside(struct ctx *ctx, const struct env *e)
{
	/* the model is of what resolved, else of its own file (envs_model) */
	const char *file = e->model ? e->model->secrets.file.s : NULL;
	const char *sp = file ? secrets_path(&ctx->perm, e, file) : NULL;
	size_t n = strlen(e->dir);
	if (!sp || (strncmp(sp, e->dir, n) == 0 && sp[n] == '/'))
		return NULL;
	return sp;
}

static bool env_changed(struct ctx *ctx, const struct changes_view *v, const struct env *e)
{
	if (v->all)
		return true;
	const char *sp = secrets_outside(ctx, e);
	if (sp && path_changed(v->ch, sp))
		return true;

	const struct env *cur = e;
	for (int depth = 0;; depth++) {
		if (touched(v, cur->name))
			return true;
		if (!cur->model)
			return v->any_env;	/* its extends cannot be read */
		const struct node *ext = cur->model->extends.n;
		if (!ext || ext->kind == NODE_NULL)
			return false;
		if (ext->kind != NODE_STR)
			return v->any_env;
		if (touched(v, ext->str))
			return true;	/* also a parent that is gone now */
		const struct env *next = ctx_env(ctx, ext->str);
		if (!next || depth >= EXTENDS_MAX)
			return false;
		cur = next;
	}
}

/* Environments whose env.yaml existed at REV and is gone now (abstract ones aside). */
static bool removed(const struct changes_view *v, struct arena *a, size_t i, const char **name)
{
	const struct repo_change *c = &v->ch->items[i];
	const char *n = c->gone ? first_dir(a, c->path, "environments") : NULL;
	if (!n || n[0] == '_' || n[0] == '.')
		return false;
	if (strcmp(c->path + strlen("environments/") + strlen(n), "/env.yaml") != 0)
		return false;
	*name = n;
	return true;
}

/* Is name among the removed environments (sorted)? */
static bool is_removed(const char *const *gone, size_t ngone, const char *name)
{
	return ngone && bsearch(&name, gone, ngone, sizeof(*gone), cmp_str) != NULL;
}

static void json_field(struct strbuf *sb, const char *key, const char *val, bool comma)
{
	sb_json_str(sb, key, strlen(key));
	sb_putc(sb, ':');
	val = val ? val : "";
	sb_json_str(sb, val, strlen(val));
	if (comma)
		sb_putc(sb, ',');
}

/* The paths compared: only the inputs (and out/), not the rest of the work tree;
 * NULL-terminated, in the run's arena. */
static const char **changed_paths(struct ctx *ctx)
{
	const char **only = NULL;
	size_t nonly = 0, caponly = 0;
	static const char *const dirs[] = { "environments/", "schemas/", "templates/", "out/" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ARENA_PUSH(&ctx->perm, only, nonly, caponly, dirs[i]);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const char *sp = secrets_outside(ctx, ctx->envs[i]);
		if (sp)
			ARENA_PUSH(&ctx->perm, only, nonly, caponly, sp);
	}
	ARENA_PUSH(&ctx->perm, only, nonly, caponly, NULL);
	return only;
}

/* The environments removed since REV, sorted, each once. */
static const char **removed_names(struct ctx *ctx, const struct changes_view *v,
				  size_t *ngone)
{
	const char **gone = NULL;
	size_t capgone = 0;
	struct strmap seen = { 0 };	/* the names in gone */
	*ngone = 0;
	for (size_t i = 0; i < v->ch->n; i++) {
		const char *name;
		if (removed(v, &ctx->perm, i, &name) &&
		    strmap_put(&ctx->perm, &seen, name, strlen(name), *ngone))
			ARENA_PUSH(&ctx->perm, gone, *ngone, capgone, name);
	}
	if (*ngone > 1)
		qsort(gone, *ngone, sizeof(*gone), cmp_str);
	return gone;
}

/* The changed environments, one name a line or as JSON with those removed. */
static void changed_list(struct ctx *ctx, const struct changes_view *v, const char **gone,
			 size_t ngone, bool json, struct strbuf *out)
{
	if (json)
		sb_puts(out, "{\"environments\":[");
	size_t listed = 0;
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const struct env *e = ctx->envs[i];
		if (e->abstract || is_removed(gone, ngone, e->name) || !env_changed(ctx, v, e))
			continue;
		if (!json) {
			sb_printf(out, "%s\n", e->name);
			continue;
		}
		const struct model *spec = e->model;
		if (listed)
			sb_putc(out, ',');
		sb_putc(out, '{');
		json_field(out, "name", e->name, true);
		json_field(out, "region", spec ? spec->aws.region.s : NULL, true);
		json_field(out, "role_arn", spec ? spec->ci.role_arn.s : NULL, true);
		json_field(out, "tier", tier_name(e->tier), false);
		sb_putc(out, '}');
		listed++;
	}
	if (!json)
		return;
	sb_puts(out, "],\"removed\":[");
	for (size_t i = 0; i < ngone; i++) {
		if (i)
			sb_putc(out, ',');
		sb_json_str(out, gone[i], strlen(gone[i]));
	}
	sb_puts(out, "]}\n");
}

static int changed_run(struct ctx *ctx, int argc, char **argv)
{
	const char *since = NULL;
	bool json = false;
	/* with --staged the current specs come from the index too (the load reads it) */
	const struct option opts[] = {
		OPT_STRING("--since", &since, "a value"),
		OPT_BOOL("--staged", &ctx->opt.staged),
		OPT_BOOL("--json", &json),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_changed, opts, &argc, argv);
	if (rc == CLI_RUN)
		rc = output_format(ctx, &cmd_changed, &json);
	if (rc != CLI_RUN)
		return rc;
	if (!since || !*since)
		return cli_error(&cmd_changed, "--since REV is required");
	/* it needs the resolved specs only: the eragen job reports the findings */
	rc = pipeline_run(ctx, STAGE_RESOLVE, NULL, 0, NULL);
	if (rc != EXIT_OK)
		return rc;

	struct repo_changes ch;
	char why[512];
	switch (repo_diff_since(ctx, since, ctx->opt.staged, changed_paths(ctx), &ch, why,
				sizeof(why))) {
	case REPO_DIFF_OK:
		break;
	case REPO_DIFF_BAD_REV:
		return cli_error(&cmd_changed, "--since '%s' cannot be used: %s", since, why);
	case REPO_DIFF_FAILED:
		return EXIT_SYSTEM;
	}

	struct changes_view v = { .ch = &ch };
	classify(ctx, &v);
	size_t ngone;
	const char **gone = removed_names(ctx, &v, &ngone);

	struct strbuf out = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &out);
	changed_list(ctx, &v, gone, ngone, json, &out);
	if (!json && ngone && !ctx->opt.quiet) {
		fprintf(stderr, "eragen: removed since %s:", since);
		for (size_t i = 0; i < ngone; i++)
			fprintf(stderr, " %s", gone[i]);
		fputc('\n', stderr);
	}
	oom_guard_pop(&guard);
	fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	sb_release(&out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error("cannot write the output");
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

const struct cmd cmd_changed = {
	.name = "changed",
	.run = changed_run,
	.usage = "changed --since REV [--staged] [--format json|--json]",
	.help =
	"The environments whose inputs changed since REV: their own files, any environment\n"
	"in their extends chain, environments/_defaults.yaml, schemas/ or templates/ (those\n"
	"affect every environment), and their generated out/<env>/. Compares REV's tree with\n"
	"the work tree (untracked files count) or, with --staged, the index. Prints one name\n"
	"a line, or with --format json (or --json)\n"
	"  {\"environments\":[{\"name\",\"region\",\"role_arn\",\"tier\"}],\"removed\":[name,...]}\n"
	"where removed lists the environments present at REV and gone now (in text, a note\n"
	"on stderr). Lint findings do not stop it; it exits 0 whether or not anything\n"
	"changed, 2 when REV cannot be used.\n",
};

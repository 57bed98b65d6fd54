/*
 * facts_save.c - the facts cache written at the end of the checks of a full run
 * (facts.h; the format: facts_int.h; what makes an entry: facts.c).
 *
 * One pass over the files read gives each environment the files under its directory (the
 * SOPS file its secrets.file names is looked up besides); one over the findings says
 * which environments are named and which files hold one. No entry at all when a finding
 * has no environment: where it came from is not known. Written to a temporary file and
 * renamed over the cache; a cache that cannot be written is no cache (nothing said).
 */
#include "facts_int.h"
#include "inputs.h"
#include "model.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct own {
	uint32_t *ids;
	size_t n, cap;
};

struct saving {
	struct ctx *ctx;
	struct own *own;	/* [env index] */
	bool *owned;		/* [file id]: some environment's */
	bool *tainted;		/* [file id]: a finding or note is there */
	bool *named;		/* [env index]: a finding names it */
};

/* The environment whose directory holds path, or -1. */
static long env_of_path(struct ctx *ctx, const char *path)
{
	if (strncmp(path, "environments/", 13) != 0)
		return -1;
	const char *name = path + 13, *slash = strchr(name, '/');
	if (!slash)
		return -1;
	char *n = arena_strndup(&ctx->scratch, name, (size_t)(slash - name));
	return ctx_env_index(ctx, n);
}

/* The SOPS file e reads (check/secret.c's path), or NULL. */
static const char *sops_rel(struct ctx *ctx, const struct env *e)
{
	if (!e->model || !e->model->secrets.file.s || e->model->secrets.file.n->len == 0)
		return NULL;
	const char *s = e->model->secrets.file.n->str;
	return s[0] == '/' ? s : arena_printf(&ctx->scratch, "%s/%s", e->dir, s);
}

static void own_push(struct saving *sv, size_t i, uint32_t id)
{
	struct own *o = &sv->own[i];
	for (size_t k = 0; k < o->n; k++)
		if (o->ids[k] == id)
			return;
	ARENA_PUSH(&sv->ctx->perm, o->ids, o->n, o->cap, id);
	sv->owned[id] = true;
}

static void find_owners(struct saving *sv)
{
	struct ctx *ctx = sv->ctx;
	for (size_t f = 1; f < ctx->nfiles; f++) {
		long i = ctx->files[f] ? env_of_path(ctx, ctx->files[f]->path) : -1;
		if (i >= 0)
			own_push(sv, (size_t)i, (uint32_t)f);
	}
	for (size_t i = 0; i < ctx->nenvs; i++) {
		const char *rel = sops_rel(ctx, ctx->envs[i]);
		const struct srcfile *f = rel ? srcfile_find(ctx, rel) : NULL;
		if (f)
			own_push(sv, i, f->id);
	}
}

/* The findings: false when one has no environment. */
static bool find_named(struct saving *sv)
{
	struct ctx *ctx = sv->ctx;
	for (size_t k = 0; k < ctx->ndiags; k++) {
		const struct diag *d = ctx->diags[k];
		if (d->nenvs == 0)
			return false;
		if (d->loc.file < ctx->nfiles)
			sv->tainted[d->loc.file] = true;
		for (size_t j = 0; j < d->nnotes; j++)
			if (d->notes[j].loc.file < ctx->nfiles)
				sv->tainted[d->notes[j].loc.file] = true;
		for (size_t j = 0; j < d->nenvs; j++) {
			long i = ctx_env_index(ctx, d->envs[j]);
			if (i >= 0)
				sv->named[i] = true;
		}
	}
	return true;
}

/* The header: false when it cannot be written. */
static bool put_header(struct saving *sv, struct strbuf *sb)
{
	struct ctx *ctx = sv->ctx;
	const char *id = inputs_build_id(), *dd = ctx->datadir ? ctx->datadir : "";
	if (!id || strchr(ctx->root, '\n') || strchr(dd, '\n'))
		return false;
	sb_printf(sb, "%s\nbuild %s\nroot %s\ndata %s\nclock %lld %ld\n", FACTS_MAGIC, id,
		  ctx->root, dd, (long long)ctx->facts->t0.tv_sec, ctx->facts->t0.tv_nsec);
	static const char *const probes[] = { ".eragen.yaml", "environments",
					      "environments/_defaults.yaml",
					      "schemas/environment.schema.json" };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (!facts_put_stat(ctx, sb, 'f', probes[i]))
			return false;
	size_t dl = strlen(dd);
	for (size_t f = 1; f < ctx->nfiles; f++) {
		const struct srcfile *sf = ctx->files[f];
		if (!sf || sv->owned[f])
			continue;
		if (!facts_put_stat(ctx, sb, 'f', sf->path))
			return false;
		/* an installed data file: the repository's copy would override it */
		if (dl && strncmp(sf->path, dd, dl) == 0 && sf->path[dl] == '/' &&
		    !facts_put_stat(ctx, sb, 'f', sf->path + dl + 1))
			return false;
	}
	return true;
}

static void release_dir(void *dir)
{
	closedir(dir);
}

/* e's directory, its extra/ and what extra/ holds. */
static bool put_dirs(struct ctx *ctx, struct strbuf *sb, const struct env *e)
{
	const char *extra = arena_printf(&ctx->scratch, "%s/extra", e->dir);
	if (!facts_put_stat(ctx, sb, 'f', e->dir) || !facts_put_stat(ctx, sb, 'f', extra))
		return false;
	DIR *dir = opendir(arena_printf(&ctx->scratch, "%s/%s", ctx->root, extra));
	if (!dir)
		return true;	/* absent: said above; else not a directory */
	struct oom_guard guard;
	oom_guard_push(&guard, release_dir, dir);
	bool ok = true;
	struct dirent *de;
	while (ok && (de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		const char *p = arena_printf(&ctx->scratch, "%s/%s", extra, de->d_name);
		ok = facts_put_stat(ctx, sb, 'f', p);
	}
	oom_guard_pop(&guard);
	closedir(dir);
	return ok;
}

/* One environment's entry; false (nothing kept of it) when it cannot be vouched for. */
static bool put_entry(struct saving *sv, struct strbuf *sb, size_t i)
{
	struct ctx *ctx = sv->ctx;
	const struct env *e = ctx->envs[i];
	if (e->abstract || sv->named[i] || !e->resolved || e->invalid || e->broken || !e->model ||
	    !e->file || strchr(e->name, '\n'))
		return false;
	const struct own *o = &sv->own[i];
	for (size_t k = 0; k < o->n; k++)
		if (sv->tainted[o->ids[k]])
			return false;
	sb_printf(sb, "e %s\n", e->name);
	int depth = 0;
	for (const struct env *x = e; x; x = x->parent)
		if (!x->file || ++depth > 64 || !facts_put_stat(ctx, sb, 'c', x->file->path))
			return false;
	for (size_t k = 0; k < o->n; k++)
		if (o->ids[k] != e->file->id &&
		    !facts_put_stat(ctx, sb, 'f', ctx->files[o->ids[k]]->path))
			return false;
	const char *rel = sops_rel(ctx, e);
	if (rel && !srcfile_find(ctx, rel) && !facts_put_stat(ctx, sb, 'f', rel))
		return false;
	if (!put_dirs(ctx, sb, e))
		return false;
	struct keys k;
	facts_keys(e, &k);
	for (int j = 0; j < NKEYS; j++)
		if (k.has[j])
			sb_printf(sb, "k %d %016llx\n", j, (unsigned long long)k.h[j]);
	if (k.has_net)
		sb_printf(sb, "n %u %u\n", k.first, k.last);
	return true;
}

void facts_save(struct ctx *ctx)
{
	struct facts *fx = ctx->facts;
	const char *path = cachefile_path(ctx, FACTS_NAME);
	if (!fx || !fx->save || !ctx->all_rules_ran || !ctx->root || !path)
		return;
	size_t nf = ctx->nfiles + 1, ne = ctx->nenvs + 1;
	struct saving sv = { ctx, arena_alloc(&ctx->perm, ne * sizeof(struct own)),
			     arena_alloc(&ctx->perm, nf), arena_alloc(&ctx->perm, nf),
			     arena_alloc(&ctx->perm, ne) };
	memset(sv.own, 0, ne * sizeof(struct own));
	memset(sv.owned, 0, nf);
	memset(sv.tainted, 0, nf);
	memset(sv.named, 0, ne);
	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	find_owners(&sv);
	bool entries = find_named(&sv);
	if (put_header(&sv, &text)) {
		size_t n = 0;
		for (size_t i = 0; entries && i < ctx->nenvs; i++) {
			size_t mark = text.len;
			if (put_entry(&sv, &text, i))
				n++;
			else
				text.len = mark;
			arena_release(&ctx->scratch);
		}
		/* no entry leaves every environment to be loaded: no cache says as much,
		 * and costs no write (a lint of environments that all have findings) */
		if (n)
			cachefile_write(path, text.buf, text.len);
		else
			unlink(path);
	}
	oom_guard_pop(&guard);
	sb_release(&text);
}

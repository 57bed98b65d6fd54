/*
 * ctx.c - the run context: creation, release, environment lookup, tiers, "today".
 */
#include "alloc.h"
#include "eragen.h"
#include "repo.h"
#include "repo_index.h"
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void ctx_init(struct ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	arena_init(&ctx->perm);
	arena_init(&ctx->scratch);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end == '\0' && v >= 0)
			now = (time_t)v;
	}
	ctx->today = (int64_t)now / 86400;
}

void ctx_release(struct ctx *ctx)
{
	arena_release(&ctx->scratch);
	for (size_t i = 0; i < ctx->nenvs; i++)
		arena_release(&ctx->envs[i]->arena);
	if (ctx->schema)
		schema_free(ctx->schema);
	repo_index_release(ctx);
	repo_shutdown(ctx);
	rx_shutdown();
	free(ctx->envs);
	free(ctx->files);
	free(ctx->file_slots);
	free(ctx->diags);
	free(ctx->masks);
	arena_release(&ctx->perm);
	memset(ctx, 0, sizeof(*ctx));
}

long ctx_env_index(const struct ctx *ctx, const char *name)
{
	/* envs are sorted by name */
	size_t lo = 0, hi = ctx->nenvs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ctx->envs[mid]->name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *ctx_nearest_env(struct ctx *ctx, const char *name)
{
	if (ctx->env_searches >= NEAREST_SEARCHES)
		return NULL;
	ctx->env_searches++;
	struct nearest n = nearest_start(name, strlen(name), 2);
	n.prefix = true;	/* 'cae-tset' for 'cae-testing' */
	for (size_t i = 0; i < ctx->nenvs; i++)
		nearest_offer(&n, ctx->envs[i]->name);
	return n.best;
}

struct env *ctx_env(const struct ctx *ctx, const char *name)
{
	long i = ctx_env_index(ctx, name);
	return i < 0 ? NULL : ctx->envs[i];
}

static const char *const tier_names[] = {
	[TIER_NONE] = "", [TIER_EPHEMERAL] = "ephemeral", [TIER_DEVELOPMENT] = "development",
	[TIER_STAGING] = "staging", [TIER_PRODUCTION] = "production",
};

enum tier tier_parse(const char *s)
{
	for (int t = TIER_EPHEMERAL; t <= TIER_PRODUCTION; t++)
		if (strcmp(s, tier_names[t]) == 0)
			return (enum tier)t;
	return TIER_NONE;
}

const char *tier_name(enum tier t)
{
	return tier_names[t];
}

/*
 * cmd_import.c - `eragen import ENV --tfvars FILE [--backend FILE] [--tier T]
 * [--stdout]` (DESIGN 8.2): write environments/ENV/env.yaml from a tofu_era
 * terraform.tfvars, then lint it.
 *
 * Consumes the tfvars (tfvars.c: literals only, everything else refused with its line
 * and column), the mapping schemas/tofu-era-variables.json (import_map.c) and, with
 * --backend, the backend.tfvars: the account (the state bucket's name ends with it),
 * the legacy state key (recorded in a comment: the generated stacks never use it), the
 * bucket and lock table when they are not the names eragen derives. Produces the spec
 * (import_yaml.c), written atomically and never over an existing one (cmd_init.c's
 * spec_write_new), then the lint of ENV, whose exit status is the command's. --stdout
 * prints the spec instead and lints nothing.
 */
#include "cmd.h"
#include "import.h"
#include "tfvars.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

/* A file named on the command line (relative to the current directory): inside the
 * repository it is read and shown as a repository path, else by its absolute path. */
struct srcfile *cli_read_file(struct ctx *ctx, const char *arg)
{
	char real[PATH_MAX], root[PATH_MAX];
	if (!realpath(arg, real)) {
		error("cannot read '%s': no such file", arg);
		return NULL;
	}
	size_t n = realpath(ctx->root, root) ? strlen(root) : 0;
	if (n && strncmp(real, root, n) == 0 && real[n] == '/')
		return srcfile_read(ctx, real + n + 1, (struct loc){ 0 });
	return srcfile_read_abs(ctx, real, (struct loc){ 0 });
}

/* "...-<12 digits>" at the end of a state bucket's name: its account. */
static const char *bucket_account(struct arena *a, const struct node *bucket)
{
	if (!bucket || bucket->kind != NODE_STR || bucket->len < 13)
		return NULL;
	const char *s = bucket->str + bucket->len - 12;
	if (s[-1] != '-' || strspn(s, "0123456789") != 12)
		return NULL;
	return arena_strndup(a, s, 12);
}

/* The backend's settings into the spec (after import_map: aws.region is known). */
static void apply_backend(struct ctx *ctx, struct import_job *job)
{
	struct arena *a = &ctx->perm;
	const struct node *b = job->bvars;
	const struct node *bucket = node_get(b, "bucket"), *table = node_get(b, "dynamodb_table");
	const struct node *rn = ispec_get(job->root, "aws.region");
	const char *region = rn && rn->kind == NODE_STR ? rn->str : NULL;
	for (size_t i = 0; i < b->n; i++) {
		static const char *const known[] = { "bucket", "key", "region", "encrypt",
						     "dynamodb_table", NULL };
		if (!str_in_list(known, b->keys[i]->str))
			diag_add(ctx, "SPEC012", job->env, b->keys[i]->loc, "backend setting '%s' "
				 "has no spec key (known: bucket, key, region, encrypt, "
				 "dynamodb_table)", b->keys[i]->str);
	}
	if (!job->account || !region)
		return;
	const char *derived = derived_state_bucket(a, "jupyterhub", job->env, region, job->account);
	if (bucket && bucket->kind == NODE_STR && derived && strcmp(bucket->str, derived) != 0)
		ispec_set(a, job->root, "state.bucket", bucket,
			  arena_printf(a, "backend.tfvars:%u bucket", bucket->loc.line));
	const char *lock = derived_lock_table(a, job->env, region);
	if (table && table->kind == NODE_STR && lock && strcmp(table->str, lock) != 0)
		diag_add(ctx, "SPEC012", job->env, table->loc, "the lock table '%s' is not the one "
			 "eragen derives ('%s'): the spec cannot name another", table->str, lock);
	if (!table)
		ispec_set(a, job->root, "state.lock", node_str(a, "s3", 2, b->loc),
			  "backend.tfvars: no dynamodb_table");
}

/* The tfvars and the backend read: false when either is refused (reported). */
static bool read_inputs(struct ctx *ctx, struct import_job *job, const char *tfvars,
			const char *backend)
{
	struct arena *a = &ctx->perm;
	job->tfvars = cli_read_file(ctx, tfvars);
	if (!job->tfvars)
		return false;
	job->tfvars_shown = job->tfvars->path;
	job->vars = job->tfvars->data ? tfvars_parse(ctx, a, job->tfvars, job->env) : NULL;
	if (!backend)
		return job->vars != NULL;
	job->backend = cli_read_file(ctx, backend);
	if (!job->backend)
		return false;
	job->backend_shown = job->backend->path;
	job->bvars = job->backend->data ? tfvars_parse(ctx, a, job->backend, job->env) : NULL;
	if (!job->bvars)
		return false;
	const struct node *key = node_get(job->bvars, "key");
	if (key && key->kind == NODE_STR)
		job->legacy_key = key->str;
	const struct node *bucket = node_get(job->bvars, "bucket");
	job->account = bucket_account(a, bucket);
	if (job->account)
		job->account_why = arena_printf(a, "backend.tfvars:%u bucket: the name ends with it",
						bucket->loc.line);
	return job->vars != NULL;
}

/* The spec made and written (or printed): EXIT_OK, or the status to stop with. */
static int make_spec(struct ctx *ctx, struct import_job *job, const char *tfvars,
		     const char *backend, bool to_stdout)
{
	bool ok = read_inputs(ctx, job, tfvars, backend);
	if (!ok && ctx->ndiags == 0)
		return EXIT_SYSTEM;	/* unreadable: said by error() */
	if (ok)
		ok = import_map(ctx, &ctx->perm, job);
	if (ok && job->bvars)
		apply_backend(ctx, job);
	if (!ok || diag_count(ctx).errors) {
		diag_finish(ctx);
		pipeline_report(ctx);
		return EXIT_FINDINGS;
	}
	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	import_yaml(ctx, &ctx->perm, job, &text);
	int rc = EXIT_OK;
	const char *rel = arena_printf(&ctx->perm, "environments/%s/env.yaml", job->env);
	if (to_stdout)
		fwrite(text.buf, 1, text.len, stdout);
	else
		rc = spec_write_new(ctx, job->env, rel, text.buf, text.len);
	oom_guard_pop(&guard);
	sb_release(&text);
	return rc;
}

static int import_run(struct ctx *ctx, int argc, char **argv)
{
	const char *tfvars = NULL, *backend = NULL, *tier = "development";
	bool to_stdout = false;
	const struct option opts[] = {
		OPT_STRING("--tfvars", &tfvars, "a file"),
		OPT_STRING("--backend", &backend, "a file"),
		OPT_STRING("--tier", &tier, "a tier"),
		OPT_BOOL("--stdout", &to_stdout),
		OPT_END(),
	};
	int rc = cli_parse(ctx, &cmd_import, opts, &argc, argv);
	if (rc != CLI_RUN)
		return rc;
	if (!tfvars)
		return cli_error(&cmd_import, "import needs --tfvars FILE");
	if (!env_name_ok(argv[0]))
		return cli_error(&cmd_import, "invalid environment name '%s': 2 to 32 lowercase "
					      "letters, digits and '-', starting with a letter and not "
					      "ending with '-' (NAME001)", argv[0]);
	if (tier_parse(tier) == TIER_NONE)
		return cli_error(&cmd_import, "unknown tier '%s' (production, staging, development, "
					      "ephemeral)", tier);
	struct import_job job = { .env = argv[0], .tier = tier };
	/* the repository: its schemas/ may override the mapping; ENV must be new */
	rc = pipeline_run(ctx, STAGE_RESOLVE, NULL, 0, NULL);
	if (rc != EXIT_OK)
		return rc;
	ctx->ndiags = 0;	/* the other environments' findings are lint's business */
	struct stat st;
	const char *rel = arena_printf(&ctx->perm, "environments/%s/env.yaml", job.env);
	if (!to_stdout && (ctx_env(ctx, job.env) ||
			   lstat(arena_printf(&ctx->perm, "%s/%s", ctx->root, rel), &st) == 0))
		return cli_error(&cmd_import, "environment '%s' exists already (%s)", job.env, rel);
	rc = make_spec(ctx, &job, tfvars, backend, to_stdout);
	if (rc != EXIT_OK || to_stdout)
		return rc;
	printf("created %s from %s\n", rel, job.tfvars_shown);
	fflush(stdout);	/* before the lint's findings on stderr */
	/* the lint of the new spec, on a fresh run */
	struct options opt = ctx->opt;
	ctx_release(ctx);
	ctx_init(ctx);
	ctx->opt = opt;
	char *env = (char *)job.env;
	return pipeline_run(ctx, STAGE_REPORT, NULL, 1, &env);
}

const struct cmd cmd_import = {
	.name = "import",
	.run = import_run,
	.usage = "import ENV --tfvars FILE [--backend FILE] [--tier TIER] [--stdout]",
	.args = { 1, 1, "import needs exactly one environment name" },
	.help =
	"Write environments/ENV/env.yaml from a tofu_era terraform.tfvars (DESIGN 8.2), then\n"
	"lint it: the exit status is the lint's. The tfvars may hold only literals (strings,\n"
	"numbers, booleans, lists, maps, heredocs, comments): anything else is refused with\n"
	"its line and column. Each variable goes to its spec key by the mapping\n"
	"schemas/tofu-era-variables.json (a variable not set takes tofu_era's default); each\n"
	"value says in a comment where it came from; the variables that map to nothing are\n"
	"listed at the end with the reason. The identity settings (names.*,\n"
	"storage.class_parameters, cluster.authentication_mode and bootstrap_creator_admin)\n"
	"get the live values tofu_era's modules give them. An existing spec is never\n"
	"overwritten.\n"
	"\n"
	"  --tfvars FILE   the environment's terraform.tfvars\n"
	"  --backend FILE  its backend.tfvars: the account, the legacy state key\n"
	"  --tier TIER     the spec's tier (default development; tofu_era has none)\n"
	"  --stdout        print the spec instead of writing it; lint nothing\n"
	"\n"
	"Next: eragen adopt ENV --state FILE (docs/adopting.md).\n",
};

/*
 * adopt_state.c - the legacy states `eragen adopt` reads (adopt.h), in either shape:
 *
 *   raw, from `tofu state pull`: {"version": 4, "resources": [{"module", "mode", "type",
 *        "name", "instances": [{"index_key", "attributes"}]}]}
 *   `tofu show -json`: {"format_version", "values": {"root_module": {"resources":
 *        [{"address", "mode", "type", "values"}], "child_modules": [...]}}}
 *
 * Consumes each file (read as JSON with locations, json.c: cJSON); produces its managed
 * resource instances (data sources are not objects to import) with their addresses. A
 * file of neither shape, of another state version, or whose ARNs name another account or
 * region than the spec's is refused (SPEC012 at the file, or at the ARN), never guessed.
 * The attributes of a state are sensitive (the decrypted SOPS secrets are in tofu_era's):
 * nothing here prints them.
 */
#include "adopt.h"
#include "cmd.h"

#define MODULE_DEPTH_MAX 32	/* child_modules nest as deep as modules do */

struct reader {
	struct ctx *ctx;
	struct arena *a;
	const char *env;
	const struct srcfile *f;
	const char *account, *region;
	struct lives *out;
	size_t acct_match, region_match;	/* ARNs in the spec's account, region */
	const struct node *acct_other, *region_other;	/* the first elsewhere */
	bool ok;
};

static const char *str_of(const struct node *n)
{
	return n && n->kind == NODE_STR ? n->str : NULL;
}

/*
 * "arn:PARTITION:SERVICE:REGION:ACCOUNT:...": counted against the spec's account and
 * region. A state refers to other accounts and regions too (AWS-managed policies, the Cost
 * and Usage Report in us-east-1): it is refused only when none of its ARNs is in the
 * spec's account, or none with a region in the spec's region (arn_verdict).
 */
static void count_arn(struct reader *r, const struct node *arn)
{
	const char *s = str_of(arn);
	if (!s || strncmp(s, "arn:", 4) != 0)
		return;
	const char *p = strchr(s + 4, ':');	/* after the partition */
	const char *q = p ? strchr(p + 1, ':') : NULL;	/* after the service */
	const char *t = q ? strchr(q + 1, ':') : NULL;	/* after the region */
	const char *u = t ? strchr(t + 1, ':') : NULL;	/* after the account */
	if (!u)
		return;
	size_t rl = (size_t)(t - q - 1), al = (size_t)(u - t - 1);
	if (al == 12 && r->account && strspn(t + 1, "0123456789") >= 12) {
		bool same = strncmp(t + 1, r->account, 12) == 0 && strlen(r->account) == 12;
		r->acct_match += same;
		if (!same && !r->acct_other)
			r->acct_other = arn;
	}
	if (rl && r->region) {
		bool same = strlen(r->region) == rl && strncmp(q + 1, r->region, rl) == 0;
		r->region_match += same;
		if (!same && !r->region_other)
			r->region_other = arn;
	}
}

static void arn_verdict(struct reader *r)
{
	const struct node *arn = NULL;
	const char *what = NULL, *want = NULL;
	if (r->acct_other && !r->acct_match)
		arn = r->acct_other, what = "account", want = r->account;
	else if (r->region_other && !r->region_match)
		arn = r->region_other, what = "region", want = r->region;
	if (!arn)
		return;
	struct diag *d = diag_add(r->ctx, "SPEC012", r->env, arn->loc,
				  "this state is of another %s than the spec's ('%s'): its ARNs are "
				  "elsewhere, e.g. '%s'", what, want, arn->str);
	diag_help(r->ctx, d, "give the state of this environment's %s, or fix 'aws.%s'", what,
		  strcmp(what, "account") == 0 ? "account_id" : "region");
	r->ok = false;
}

static void add(struct reader *r, const char *addr, const char *type, const struct node *attrs,
		const struct node *at)
{
	if (!attrs || attrs->kind != NODE_MAP)
		return;
	count_arn(r, node_get(attrs, "arn"));
	struct live l = { addr, type, attrs, at->loc, false };
	ARENA_PUSH(r->a, r->out->v, r->out->n, r->out->cap, l);
}

/* ---- raw state (tofu state pull) ---------------------------------------------------- */

static const char *index_text(struct arena *a, const struct node *k)
{
	if (!k || k->kind == NODE_NULL)
		return "";
	if (k->kind == NODE_STR)
		return arena_printf(a, "[\"%s\"]", k->str);
	return arena_printf(a, "[%s]", k->str ? k->str : "0");
}

static void raw_resource(struct reader *r, const struct node *res)
{
	const char *mode = str_of(node_get(res, "mode")), *type = str_of(node_get(res, "type"));
	const char *name = str_of(node_get(res, "name")), *mod = str_of(node_get(res, "module"));
	const struct node *inst = node_get(res, "instances");
	if (!mode || strcmp(mode, "managed") != 0 || !type || !name || !inst ||
	    inst->kind != NODE_SEQ)
		return;
	for (size_t i = 0; i < inst->n; i++) {
		const struct node *it = inst->items[i];
		const char *addr = arena_printf(r->a, "%s%s%s.%s%s", mod ? mod : "", mod ? "." : "",
						type, name, index_text(r->a, node_get(it, "index_key")));
		add(r, addr, type, node_get(it, "attributes"), it);
	}
}

/* ---- tofu show -json ---------------------------------------------------------------- */

static void show_module(struct reader *r, const struct node *m, int depth)
{
	if (!m || m->kind != NODE_MAP || depth > MODULE_DEPTH_MAX)
		return;
	const struct node *res = node_get(m, "resources");
	for (size_t i = 0; res && res->kind == NODE_SEQ && i < res->n; i++) {
		const struct node *x = res->items[i];
		const char *mode = str_of(node_get(x, "mode")), *addr = str_of(node_get(x, "address"));
		const char *type = str_of(node_get(x, "type"));
		if (mode && strcmp(mode, "managed") == 0 && addr && type)
			add(r, addr, type, node_get(x, "values"), x);
	}
	const struct node *kids = node_get(m, "child_modules");
	for (size_t i = 0; kids && kids->kind == NODE_SEQ && i < kids->n; i++)
		show_module(r, kids->items[i], depth + 1);
}

/* ---- a file --------------------------------------------------------------------------- */

static void refuse(struct reader *r, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void refuse(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = diag_vadd(r->ctx, "SPEC012", r->env, (struct loc){ .file = r->f->id },
				   fmt, ap);
	va_end(ap);
	diag_help(r->ctx, d, "give what 'tofu state pull' or 'tofu show -json' prints in the "
			     "legacy configuration's directory");
	r->ok = false;
}

static void read_one(struct reader *r)
{
	const struct node *j = srcfile_json(r->ctx, (struct srcfile *)r->f);
	if (!j) {
		refuse(r, "'%s' is not JSON: not a state", r->f->path);
		return;
	}
	const struct node *ver = j->kind == NODE_MAP ? node_get(j, "version") : NULL;
	const struct node *res = j->kind == NODE_MAP ? node_get(j, "resources") : NULL;
	const struct node *fmt = j->kind == NODE_MAP ? node_get(j, "format_version") : NULL;
	const struct node *vals = j->kind == NODE_MAP ? node_get(j, "values") : NULL;
	if (ver && (ver->kind == NODE_INT) && res && res->kind == NODE_SEQ) {
		if (ver->v.i != 4) {
			refuse(r, "'%s' is a state of version %lld: eragen reads version 4 (OpenTofu, "
				  "Terraform 0.12 and later)", r->f->path, (long long)ver->v.i);
			return;
		}
		for (size_t i = 0; i < res->n; i++)
			raw_resource(r, res->items[i]);
	} else if (fmt && fmt->kind == NODE_STR && (!vals || vals->kind == NODE_MAP)) {
		if (node_get(j, "planned_values") || node_get(j, "resource_changes")) {
			refuse(r, "'%s' is the JSON of a plan, not of a state", r->f->path);
			return;
		}
		if (vals)
			show_module(r, node_get(vals, "root_module"), 0);
	} else {
		refuse(r, "'%s' is JSON but not a state: neither a raw state (\"version\": 4, "
			  "\"resources\") nor 'tofu show -json' output (\"format_version\", "
			  "\"values\")", r->f->path);
	}
}

bool adopt_read_states(struct ctx *ctx, const char *env, const char *const *paths,
		       size_t n, const char *account, const char *region, struct lives *out)
{
	struct reader r = { .ctx = ctx, .a = &ctx->perm, .env = env, .account = account,
			    .region = region, .out = out, .ok = true };
	for (size_t i = 0; i < n; i++) {
		struct srcfile *f = cli_read_file(ctx, paths[i]);
		if (!f)
			return false;
		if (!f->data) {
			r.ok = false;
			continue;
		}
		bool twice = false;
		for (size_t k = 0; k < out->nfiles && !twice; k++)
			twice = strcmp(srcfile_get(ctx, out->files[k])->path, f->path) == 0;
		if (twice) {
			diag_add(ctx, "SPEC012", env, (struct loc){ .file = f->id },
				 "'%s' is given twice", f->path);
			r.ok = false;
			continue;
		}
		if (out->nfiles < sizeof(out->files) / sizeof(out->files[0]))
			out->files[out->nfiles++] = f->id;
		r.f = f;
		r.acct_match = r.region_match = 0;
		r.acct_other = r.region_other = NULL;
		read_one(&r);
		arn_verdict(&r);
	}
	return r.ok;
}

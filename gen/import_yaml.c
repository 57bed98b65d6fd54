/*
 * import_yaml.c - the spec `eragen import` writes (import.h), as YAML: a header saying
 * where it came from, every value with a comment naming its origin (a line of the tfvars,
 * a default of tofu_era's variables.tf, a value its modules fix), lists of scalars and
 * short maps of scalars in flow style, the rest in block style; strings plain where YAML
 * reads them back as the same string, else double-quoted (JSON escapes). Then the
 * variables the tfvars set that map to no spec key, each with the mapping's reason.
 */
#include "import.h"

#include <strings.h>

#define FLOW_MAX 72	/* a map of scalars longer than this is written in block style */

static bool is_scalar(const struct node *n)
{
	return n->kind != NODE_SEQ && n->kind != NODE_MAP;
}

/* Would YAML read s back, unquoted, as this same string? (a conservative test) */
static bool plain_ok(const char *s, size_t n, bool key)
{
	static const char *const words[] = { "true", "false", "null", "yes", "no", "on",
					     "off", "y", "n", NULL };
	if (n == 0 || n > 200 || s[n - 1] == '.')
		return false;
	if (!(((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') || (!key && s[0] == '/')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
			  strchr("_./-", c) || (!key && c == '@');
		if (!ok)
			return false;
	}
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], s, n) == 0)
			return false;
	return true;
}

static void put_str(struct strbuf *sb, const char *s, size_t n, bool key)
{
	if (plain_ok(s, n, key))
		sb_add(sb, s, n);
	else
		sb_json_str(sb, s, n);
}

static void put_scalar(struct strbuf *sb, const struct node *n)
{
	switch (n->kind) {
	case NODE_STR:
		put_str(sb, n->str, n->len, false);
		break;
	case NODE_BOOL:
		sb_puts(sb, n->v.b ? "true" : "false");
		break;
	case NODE_NULL:
		sb_puts(sb, "null");
		break;
	default:
		if (n->str)
			sb_add(sb, n->str, n->len);
		else if (n->kind == NODE_INT)
			sb_printf(sb, "%lld", (long long)n->v.i);
		else
			sb_printf(sb, "%.17g", n->v.f);
	}
}

/* A seq of scalars, or a map of scalars: in flow style on one line? */
static bool flow(const struct node *n)
{
	if (is_scalar(n))
		return true;
	for (size_t i = 0; i < n->n; i++)
		if (!is_scalar(n->items[i]))
			return false;
	return true;
}

static void put_flow(struct strbuf *sb, const struct node *n)
{
	if (is_scalar(n)) {
		put_scalar(sb, n);
		return;
	}
	sb_putc(sb, n->kind == NODE_SEQ ? '[' : '{');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			sb_puts(sb, ", ");
		if (n->kind == NODE_MAP) {
			put_str(sb, n->keys[i]->str, n->keys[i]->len, true);
			sb_puts(sb, ": ");
		}
		put_scalar(sb, n->items[i]);
	}
	sb_putc(sb, n->kind == NODE_SEQ ? ']' : '}');
}

/* n on one line: flow, and short unless a list of scalars. */
static bool one_line(const struct node *n)
{
	if (!flow(n))
		return false;
	if (n->kind != NODE_MAP)
		return true;
	struct strbuf t = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &t);
	put_flow(&t, n);
	bool ok = t.len <= FLOW_MAX;
	oom_guard_pop(&g);
	sb_release(&t);
	return ok;
}

static void indent(struct strbuf *sb, int ind)
{
	for (int i = 0; i < ind; i++)
		sb_putc(sb, ' ');
}

/* One line of comment text: control characters as spaces. */
static void put_comment(struct strbuf *sb, const char *why)
{
	if (!why)
		return;
	sb_puts(sb, "  # ");
	for (const char *p = why; *p; p++)
		sb_putc(sb, (unsigned char)*p < ' ' ? ' ' : *p);
}

static void put_block(struct strbuf *sb, const struct node *n, int ind, int depth);

/* A seq item: "- " then the item, a map's first key on the dash's line. */
static void put_item(struct strbuf *sb, const struct node *it, int ind, int depth)
{
	indent(sb, ind);
	sb_puts(sb, "- ");
	if (one_line(it) || it->n == 0) {
		put_flow(sb, it);
		sb_putc(sb, '\n');
		return;
	}
	size_t at = sb->len;
	put_block(sb, it, ind + 2, depth + 1);
	/* the first line's indentation is the dash's */
	memmove(sb->buf + at, sb->buf + at + ind + 2, sb->len - at - (size_t)ind - 2);
	sb->len -= (size_t)ind + 2;
	sb->buf[sb->len] = '\0';
}

static void put_block(struct strbuf *sb, const struct node *n, int ind, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;	/* the tfvars reader nests at most TFVARS_MAX_DEPTH */
	for (size_t i = 0; i < n->n; i++) {
		const struct node *it = n->items[i];
		if (n->kind == NODE_SEQ) {
			put_item(sb, it, ind, depth);
			continue;
		}
		indent(sb, ind);
		put_str(sb, n->keys[i]->str, n->keys[i]->len, true);
		sb_putc(sb, ':');
		if (one_line(it) || it->n == 0) {
			sb_putc(sb, ' ');
			put_flow(sb, it);
			sb_putc(sb, '\n');
		} else {
			sb_putc(sb, '\n');
			put_block(sb, it, ind + 2, depth + 1);
		}
	}
}

static void put_key(struct strbuf *sb, const struct ispec *s, int ind)
{
	if (!s->val && s->n == 0)
		return;	/* an empty branch */
	indent(sb, ind);
	put_str(sb, s->key, strlen(s->key), true);
	sb_putc(sb, ':');
	if (!s->val) {
		sb_putc(sb, '\n');
		for (size_t i = 0; i < s->n; i++)
			put_key(sb, s->kids[i], ind + 2);
	} else if (one_line(s->val) || s->val->n == 0) {
		sb_putc(sb, ' ');
		put_flow(sb, s->val);
		put_comment(sb, s->why);
		sb_putc(sb, '\n');
	} else {
		put_comment(sb, s->why);
		sb_putc(sb, '\n');
		put_block(sb, s->val, ind + 2, 0);
	}
}

static void put_unmapped(struct strbuf *sb, const struct import_job *job)
{
	if (!job->nunmapped)
		return;
	sb_printf(sb, "\n# Variables of %s that map to no spec key (%s says why):\n",
		  job->tfvars_shown, IMPORT_MAP);
	for (size_t i = 0; i < job->nunmapped; i++) {
		const struct iunmapped *u = &job->unmapped[i];
		struct strbuf v = STRBUF_INIT;
		struct oom_guard g;
		oom_guard_strbuf(&g, &v);
		put_flow(&v, flow(u->val) ? u->val : &(struct node){ .kind = NODE_STR, .str = "[...]", .len = 5 });
		size_t cut = v.len > 60 ? 57 : v.len;
		sb_printf(sb, "#   %s = %.*s%s (line %u):", u->name, (int)cut, v.buf,
			  cut < v.len ? "..." : "", u->val->loc.line);
		oom_guard_pop(&g);
		sb_release(&v);
		sb_putc(sb, ' ');
		for (const char *p = u->reason; *p; p++)
			sb_putc(sb, (unsigned char)*p < ' ' ? ' ' : *p);
		sb_putc(sb, '\n');
	}
}

void import_yaml(struct ctx *ctx, struct arena *a, const struct import_job *job,
		 struct strbuf *sb)
{
	(void)ctx;
	(void)a;
	sb_printf(sb, "# Imported by 'eragen import %s' from\n#   %s\n", job->env, job->tfvars_shown);
	if (job->backend)
		sb_printf(sb, "#   %s\n", job->backend_shown);
	sb_printf(sb, "# by the mapping %s. Each value says where it came\n"
		      "# from: a line of the tfvars, the default of a variable in tofu_era's\n"
		      "# variables.tf, or a value tofu_era's modules fix. Next: 'eragen adopt %s\n"
		      "# --state FILE' (docs/adopting.md).\n", IMPORT_MAP, job->env);
	if (job->legacy_key)
		sb_printf(sb, "# The legacy state is '%s' (backend.tfvars): the generated stacks keep\n"
			      "# theirs in infra.tfstate and platform.tfstate, so they never read it.\n",
			  job->legacy_key);
	if (ispec_get(job->root, "auth.cognito.client_id") &&
	    !ispec_get(job->root, "auth.cognito.user_pool_id"))
		sb_puts(sb, "# auth.cognito.user_pool_id: FILL IN (no variable of tofu_era has it: "
			    "'aws cognito-idp\n# list-user-pools --region REGION --max-results 60')\n");
	if (!job->account)
		sb_puts(sb, "# aws.account_id: FILL IN (no tfvars has it; --backend takes it from the\n"
			    "# state bucket's name)\n");
	for (size_t i = 0; i < job->root->n; i++)
		put_key(sb, job->root->kids[i], 0);
	put_unmapped(sb, job);
}

/*
 * adopt_report.c - what `eragen adopt` says and writes (adopt.h): the report (imported,
 * to be created, would be replaced, left in the legacy state) as text or JSON, and the
 * import blocks of each stack (environments/ENV/extra/<stack>/adopt.tf, copied into the
 * generated stack by build). Import ids are written as HCL strings: quotes, backslashes,
 * control characters, "${" and "%{" escaped.
 */
#include "adopt.h"

static void hcl_str(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			sb_putc(sb, '\\'), sb_putc(sb, (char)c);
		else if (c == '\n')
			sb_puts(sb, "\\n");
		else if (c < ' ')
			sb_printf(sb, "\\u%04x", c);
		else if ((c == '$' || c == '%') && p[1] == '{')
			sb_putc(sb, (char)c), sb_putc(sb, (char)c);
		else
			sb_putc(sb, (char)c);
	}
	sb_putc(sb, '"');
}

void adopt_tf(const struct adopt_report *r, const char *stack, const char *env, struct strbuf *sb)
{
	size_t n = 0;
	for (size_t i = 0; i < r->wants.n; i++) {
		const struct want *w = &r->wants.v[i];
		if (!w->import_id || strcmp(w->stack, stack) != 0)
			continue;
		if (n++ == 0)
			sb_printf(sb, "# Written by 'eragen adopt %s': the live resources this stack takes "
				      "over, imported\n# by its next apply instead of created again "
				      "(OpenTofu 1.5 or later). Delete this\n# file once that apply "
				      "has run (docs/adopting.md).\n", env);
		sb_printf(sb, "\n# %s\nimport {\n  to = %s\n  id = ", w->live ? w->live->addr : w->note,
			  w->addr);
		hcl_str(sb, w->import_id);
		sb_puts(sb, "\n}\n");
	}
}

/* 0 imported, 1 to be created, 2 would be replaced */
static int category(const struct want *w)
{
	return w->replaced ? 2 : w->import_id ? 0 : 1;
}

static void text(const struct adopt_report *r, const char *env, struct strbuf *sb)
{
	sb_printf(sb, "adopt %s: %zu imported, %zu to be created, %zu would be replaced, %zu left "
		      "in the legacy state\n", env, r->imported, r->created, r->replaced, r->legacy);
	static const char *const heads[] = { "imported", "to be created",
					     "would be replaced (ADOPT001)" };
	for (int k = 0; k < 3; k++) {
		bool first = true;
		for (size_t i = 0; i < r->wants.n; i++) {
			const struct want *w = &r->wants.v[i];
			if (category(w) != k)
				continue;
			if (first)
				sb_printf(sb, "\n%s:\n", heads[k]), first = false;
			sb_printf(sb, "  %-8s %s", w->stack, w->addr);
			if (w->import_id)
				sb_printf(sb, "  <- %s", w->live ? w->live->addr : w->note);
			sb_putc(sb, '\n');
		}
	}
	bool first = true;
	for (size_t i = 0; i < r->lives.n; i++) {
		if (r->lives.v[i].paired)
			continue;
		if (first)
			sb_puts(sb, "\nleft in the legacy state ('tofu state rm' there after the "
				    "cut-over; destroy none of them):\n"), first = false;
		sb_printf(sb, "  %s\n", r->lives.v[i].addr);
	}
}

static void json_want(struct strbuf *sb, const struct want *w)
{
	sb_puts(sb, "{\"stack\": ");
	sb_json_str(sb, w->stack, strlen(w->stack));
	sb_puts(sb, ", \"address\": ");
	sb_json_str(sb, w->addr, strlen(w->addr));
	if (w->import_id) {
		const char *from = w->live ? w->live->addr : w->note;
		sb_puts(sb, w->live ? ", \"from\": " : ", \"note\": ");
		sb_json_str(sb, from, strlen(from));
		sb_puts(sb, ", \"id\": ");
		sb_json_str(sb, w->import_id, strlen(w->import_id));
	}
	sb_putc(sb, '}');
}

static void json(const struct adopt_report *r, const char *env, struct strbuf *sb)
{
	static const char *const keys[] = { "imported", "created", "replaced" };
	sb_puts(sb, "{\n  \"adopt\": {\n    \"environment\": ");
	sb_json_str(sb, env, strlen(env));
	for (int k = 0; k < 3; k++) {
		sb_printf(sb, ",\n    \"%s\": [", keys[k]);
		size_t n = 0;
		for (size_t i = 0; i < r->wants.n; i++)
			if (category(&r->wants.v[i]) == k) {
				sb_puts(sb, n++ ? ",\n      " : "\n      ");
				json_want(sb, &r->wants.v[i]);
			}
		sb_puts(sb, n ? "\n    ]" : "]");
	}
	sb_puts(sb, ",\n    \"legacy\": [");
	size_t n = 0;
	for (size_t i = 0; i < r->lives.n; i++) {
		if (r->lives.v[i].paired)
			continue;
		sb_puts(sb, n++ ? ",\n      " : "\n      ");
		sb_json_str(sb, r->lives.v[i].addr, strlen(r->lives.v[i].addr));
	}
	sb_puts(sb, n ? "\n    ]\n  }" : "]\n  }");
}

void adopt_report_render(struct ctx *ctx, const struct adopt_report *r, const char *env,
			 struct strbuf *sb)
{
	if (ctx->opt.format == FMT_JSON)
		json(r, env, sb);
	else
		text(r, env, sb);
}

/*
 * diag_fmt.c - machine-readable diagnostics: JSON, SARIF 2.1.0, GitHub workflow commands.
 *
 * Consumes ctx->diags after diag_finish (merged, sorted) and appends to a strbuf; it only
 * reads the ctx. Every diagnostic diag_visible() accepts is rendered: suppressed ones too
 * in JSON and SARIF (marked as such), never in the GitHub format, which makes annotations
 * and, as the text format, shows DIAG_MAX_SAME of one rule in one file (diag_cap_each).
 * Output is deterministic: no time stamps, no absolute paths, 2-space pretty JSON with a
 * final newline. Conventions shared by all three: paths are relative to the repository
 * root; a location's 0 means "unknown" (file 0: no file; line 0: the file as a whole) and
 * is written as null (JSON) or left out (SARIF, GitHub).
 */
#include "eragen.h"

#include <stdlib.h>
#include <string.h>

static const char *sev_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *loc_file(const struct ctx *ctx, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	return f ? f->path : NULL;
}

/* ---- a small pretty JSON writer ---- */

/*
 * first says whether the innermost open container has no member yet; after a container
 * closes its parent has at least that member, so one flag is enough.
 */
struct jw {
	struct strbuf *sb;
	unsigned depth;
	bool first;
};

static void jw_newline(struct jw *w)
{
	sb_putc(w->sb, '\n');
	for (unsigned i = 0; i < w->depth; i++)
		sb_add(w->sb, "  ", 2);
}

/* Start a member (array item or object key): separator and indentation. */
static void jw_member(struct jw *w)
{
	if (!w->first)
		sb_putc(w->sb, ',');
	w->first = false;
	jw_newline(w);
}

static void jw_open(struct jw *w, char c)
{
	sb_putc(w->sb, c);
	w->depth++;
	w->first = true;
}

static void jw_close(struct jw *w, char c)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	sb_putc(w->sb, c);
	w->first = false;
}

static void jw_key(struct jw *w, const char *key)
{
	jw_member(w);
	sb_json_str(w->sb, key, strlen(key));
	sb_add(w->sb, ": ", 2);
}

static void jw_str(struct jw *w, const char *s)
{
	if (s)
		sb_json_str(w->sb, s, strlen(s));
	else
		sb_puts(w->sb, "null");
}

static void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

static void jw_kuint(struct jw *w, const char *key, unsigned long v)
{
	jw_key(w, key);
	sb_printf(w->sb, "%lu", v);
}

/* A location coordinate: 0 (unknown) is null. */
static void jw_kcoord(struct jw *w, const char *key, uint32_t v)
{
	jw_key(w, key);
	if (v)
		sb_printf(w->sb, "%lu", (unsigned long)v);
	else
		sb_puts(w->sb, "null");
}

static void jw_kbool(struct jw *w, const char *key, bool b)
{
	jw_key(w, key);
	sb_puts(w->sb, b ? "true" : "false");
}

static void jw_kopen(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	jw_open(w, c);
}

static void jw_iopen(struct jw *w, char c)
{
	jw_member(w);
	jw_open(w, c);
}

/* ---- JSON ---- */

static void json_diag(const struct ctx *ctx, struct jw *w, const struct diag *d)
{
	const char *file = loc_file(ctx, &d->loc);
	/* line/column only mean something inside a file */
	struct loc l = file ? d->loc : (struct loc){ 0 };
	jw_iopen(w, '{');
	jw_kstr(w, "rule", d->rule->id);
	jw_kstr(w, "severity", sev_name(d->sev));
	jw_kstr(w, "message", d->msg);
	jw_kstr(w, "file", file);
	jw_kcoord(w, "line", l.line);
	jw_kcoord(w, "column", l.line ? l.col : 0);
	jw_kcoord(w, "end_line", l.line ? l.end_line : 0);
	jw_kcoord(w, "end_column", l.line && l.end_line ? l.end_col : 0);
	jw_kbool(w, "suppressed", d->suppressed);
	jw_kopen(w, "notes", '[');
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		const char *nfile = loc_file(ctx, &n->loc);
		uint32_t line = nfile ? n->loc.line : 0;
		jw_iopen(w, '{');
		jw_kstr(w, "message", n->msg);
		jw_kstr(w, "file", nfile);
		jw_kcoord(w, "line", line);
		jw_kcoord(w, "column", line ? n->loc.col : 0);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_kstr(w, "help", d->help);
	jw_close(w, '}');
}

void diag_render_json(struct ctx *ctx, struct strbuf *out)
{
	struct jw w = { out, 0, true };
	size_t errors = 0, warnings = 0, notes = 0;
	jw_open(&w, '{');
	jw_kuint(&w, "version", 1);
	jw_kopen(&w, "diagnostics", '[');
	for (size_t i = 0; i < ctx->ndiags; i++) {
		const struct diag *d = ctx->diags[i];
		if (!diag_visible(ctx, d))
			continue;
		json_diag(ctx, &w, d);
		if (d->suppressed)
			continue;
		switch (d->sev) {
		case SEV_ERROR: errors++; break;
		case SEV_WARNING: warnings++; break;
		case SEV_NOTE: notes++; break;
		}
	}
	jw_close(&w, ']');
	jw_kopen(&w, "summary", '{');
	jw_kuint(&w, "errors", errors);
	jw_kuint(&w, "warnings", warnings);
	jw_kuint(&w, "notes", notes);
	jw_close(&w, '}');
	jw_close(&w, '}');
	sb_putc(out, '\n');
}

/* ---- SARIF 2.1.0 ---- */

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_SRCROOT "SRCROOT"

/* A relative path as a URI reference: everything but unreserved characters and '/' is
 * percent-encoded (so a ':' cannot pass for a scheme, a space or non-ASCII stays valid). */
static void sarif_uri(struct strbuf *sb, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			sb_putc(sb, (char)c);
		} else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[c >> 4]);
			sb_putc(sb, hex[c & 15]);
		}
	}
}

/* The last line of f as an editor counts it (a final newline starts no line), or 0. */
static uint32_t last_line(const struct srcfile *f)
{
	if (!f->data || f->nlines == 0)
		return 0;
	if (f->nlines > 1 && f->len > 0 && f->data[f->len - 1] == '\n')
		return f->nlines - 1;
	return f->nlines;
}

/*
 * A physicalLocation member for l. SARIF's endColumn is exclusive, ours inclusive. A
 * finding about the whole file (line 0) gets a region spanning the file, as consumers
 * (GitHub code scanning among them) place nothing without a startLine.
 */
static void sarif_physical(const struct ctx *ctx, struct jw *w, const struct loc *l)
{
	const struct srcfile *f = srcfile_get(ctx, l->file);
	const char *path = f->path;
	struct strbuf uri = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &uri);
	sarif_uri(&uri, path);
	jw_kopen(w, "physicalLocation", '{');
	jw_kopen(w, "artifactLocation", '{');
	jw_kstr(w, "uri", uri.buf ? uri.buf : "");
	jw_kstr(w, "uriBaseId", SARIF_SRCROOT);
	jw_close(w, '}');
	if (l->line) {
		jw_kopen(w, "region", '{');
		jw_kuint(w, "startLine", l->line);
		if (l->col)
			jw_kuint(w, "startColumn", l->col);
		if (l->end_line >= l->line) {
			jw_kuint(w, "endLine", l->end_line);
			if (l->end_col && (l->end_line > l->line || l->end_col >= l->col))
				jw_kuint(w, "endColumn", (unsigned long)l->end_col + 1);
		}
		jw_close(w, '}');
	} else {
		uint32_t last = last_line(f);
		jw_kopen(w, "region", '{');
		jw_kuint(w, "startLine", 1);
		if (last)
			jw_kuint(w, "endLine", last);
		jw_close(w, '}');
	}
	jw_close(w, '}');
	oom_guard_pop(&guard);
	sb_release(&uri);
}


/*
 * partialFingerprints: one per result, stable across edits elsewhere in the file. The
 * hash covers the rule, the file, the trimmed text of the result's line (in a file that
 * may hold secrets, only the text before the line's first ':', the key), and the
 * message; never a line number. Results alike in all of these are told apart by their
 * ordinal among them (":1", ":2", ...), in output order, as GitHub's own line hashes are.
 */
struct fp_table {
	uint64_t *keys;
	uint32_t *counts;
	size_t mask;
};

static void fp_put_line(struct strbuf *key, const struct srcfile *f, uint32_t line)
{
	size_t len = 0;
	const char *text = line ? srcfile_line(f, line, &len) : NULL;
	if (!text)
		return;
	if (f->secrets != SRC_PLAIN) {
		const char *colon = memchr(text, ':', len);
		len = colon ? (size_t)(colon - text) : 0;
	}
	while (len && (*text == ' ' || *text == '\t'))
		text++, len--;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
		len--;
	sb_add(key, text, len);
}

/* FNV-1a, finalised: the fingerprints are published (SARIF's partialFingerprints, which
 * code scanning matches across runs and versions), so their hash is fixed here, apart
 * from the tables' str_hash, which may change. */
static uint64_t fp_fnv(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93u;
	h ^= h >> 32;
	return h;
}

static uint64_t fp_hash(const struct ctx *ctx, const struct diag *d, struct strbuf *key)
{
	key->len = 0;
	sb_puts(key, d->rule->id);
	sb_putc(key, '\n');
	const struct srcfile *f = srcfile_get(ctx, d->loc.file);
	if (f) {
		sb_puts(key, f->path);
		sb_putc(key, '\n');
		fp_put_line(key, f, d->loc.line);
	}
	sb_putc(key, '\n');
	sb_puts(key, d->msg);
	return fp_fnv(key->buf, key->len);
}

/* The ordinal of h among the hashes seen so far (1 for the first). */
static uint32_t fp_ordinal(struct fp_table *t, uint64_t h)
{
	size_t i = (size_t)h & t->mask;
	while (t->counts[i] && t->keys[i] != h)
		i = (i + 1) & t->mask;
	t->keys[i] = h;
	return ++t->counts[i];
}

static void fp_table_init(struct ctx *ctx, struct fp_table *t)
{
	size_t n = 16;
	while (n < 2 * ctx->ndiags + 2)
		n *= 2;
	t->keys = arena_alloc(&ctx->perm, n * sizeof(*t->keys));
	t->counts = arena_alloc(&ctx->perm, n * sizeof(*t->counts));
	t->mask = n - 1;
}

static void sarif_fingerprint(const struct ctx *ctx, struct jw *w, const struct diag *d,
			      struct fp_table *t, struct strbuf *key)
{
	uint64_t h = fp_hash(ctx, d, key);
	char buf[40];
	snprintf(buf, sizeof(buf), "%016llx:%u", (unsigned long long)h, fp_ordinal(t, h));
	jw_kopen(w, "partialFingerprints", '{');
	jw_kstr(w, "eragen/v1", buf);
	jw_close(w, '}');
}

static void sarif_result(const struct ctx *ctx, struct jw *w, const struct diag *d,
			 size_t rule_index, struct fp_table *fpt, struct strbuf *key)
{
	/* Notes without a file and the help line have no place of their own in a result:
	 * they go into the message, as the text format prints them. */
	struct strbuf text = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &text);
	sb_puts(&text, d->msg);
	for (size_t i = 0; i < d->nnotes; i++)
		if (!loc_file(ctx, &d->notes[i].loc))
			sb_printf(&text, "\nnote: %s", d->notes[i].msg);
	if (d->help)
		sb_printf(&text, "\nhelp: %s", d->help);

	jw_iopen(w, '{');
	jw_kstr(w, "ruleId", d->rule->id);
	jw_kuint(w, "ruleIndex", rule_index);
	jw_kstr(w, "level", sev_name(d->sev));
	jw_kopen(w, "message", '{');
	jw_kstr(w, "text", text.buf);
	jw_close(w, '}');
	if (loc_file(ctx, &d->loc)) {
		jw_kopen(w, "locations", '[');
		jw_iopen(w, '{');
		sarif_physical(ctx, w, &d->loc);
		jw_close(w, '}');
		jw_close(w, ']');
	}
	bool related = false;
	for (size_t i = 0, id = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		if (!loc_file(ctx, &n->loc))
			continue;
		if (!related)
			jw_kopen(w, "relatedLocations", '[');
		related = true;
		jw_iopen(w, '{');
		jw_kuint(w, "id", id++);
		sarif_physical(ctx, w, &n->loc);
		jw_kopen(w, "message", '{');
		jw_kstr(w, "text", n->msg);
		jw_close(w, '}');
		jw_close(w, '}');
	}
	if (related)
		jw_close(w, ']');
	sarif_fingerprint(ctx, w, d, fpt, key);
	if (d->suppressed) {
		/* every suppression is written in the repository: lint.ignore or a comment */
		jw_kopen(w, "suppressions", '[');
		jw_iopen(w, '{');
		jw_kstr(w, "kind", "inSource");
		if (d->suppress_reason && *d->suppress_reason)
			jw_kstr(w, "justification", d->suppress_reason);
		if (loc_file(ctx, &d->suppress_loc)) {
			jw_kopen(w, "location", '{');
			sarif_physical(ctx, w, &d->suppress_loc);
			jw_close(w, '}');
		}
		jw_close(w, '}');
		jw_close(w, ']');
	}
	jw_close(w, '}');
	oom_guard_pop(&guard);
	sb_release(&text);
}

/*
 * A rule's help: its explain text, and where it is published when eragen was built with
 * DOCS_URL (make DOCS_URL=https://...: the rule's page is <DOCS_URL>/rules/<ID>.txt).
 * SARIF wants helpUri absolute, so without a published copy there is none.
 */
static void sarif_help(struct jw *w, const struct rule *rule)
{
#ifdef ERAGEN_DOCS_URL
	if (ERAGEN_DOCS_URL[0]) {
		char uri[512];
		snprintf(uri, sizeof(uri), "%s/rules/%s.txt", ERAGEN_DOCS_URL, rule->id);
		jw_kstr(w, "helpUri", uri);
	}
#endif
	jw_kopen(w, "help", '{');
	jw_kstr(w, "text", rule_explain(rule));
	jw_close(w, '}');
}

/* How the run ends: the exit status its findings (and check's compared files) imply. */
static void sarif_invocation(const struct ctx *ctx, struct jw *w)
{
	struct diag_counts c = diag_count(ctx);
	bool failing = c.errors || (ctx->opt.werror && c.warnings) || ctx->outputs_differ;
	jw_kopen(w, "invocations", '[');
	jw_iopen(w, '{');
	jw_kuint(w, "exitCode", failing ? EXIT_FINDINGS : EXIT_OK);
	jw_kbool(w, "executionSuccessful", true);
	jw_close(w, '}');
	jw_close(w, ']');
}

/* One reportingDescriptor: the description is the explain text's first paragraph
 * (What:), the help all of it (Why:, Fix:, Suppress: too). */
static void sarif_rule(struct ctx *ctx, struct jw *w, const struct rule *rule)
{
	jw_iopen(w, '{');
	jw_kstr(w, "id", rule->id);
	jw_kopen(w, "shortDescription", '{');
	jw_kstr(w, "text", rule->summary ? rule->summary : rule->id);
	jw_close(w, '}');
	const char *explain = rule_explain(rule);
	const char *para = strstr(explain, "\n\n");
	jw_kopen(w, "fullDescription", '{');
	jw_kstr(w, "text", para ? arena_strndup(&ctx->perm, explain, (size_t)(para - explain + 1))
			       : explain);
	jw_close(w, '}');
	sarif_help(w, rule);
	jw_kopen(w, "defaultConfiguration", '{');
	jw_kstr(w, "level", sev_name(rule->sev));
	jw_close(w, '}');
	jw_close(w, '}');
}

/* The tool: one descriptor per rule that has a result, in rule-table order;
 * index[rule_index(r)] becomes its position in the driver's rules array. */
static void sarif_tool(struct ctx *ctx, struct jw *w, size_t *index)
{
	size_t nrules = rule_count();
	bool *used = arena_alloc(&ctx->perm, nrules * sizeof(*used));
	for (size_t i = 0; i < ctx->ndiags; i++)
		if (diag_visible(ctx, ctx->diags[i]))
			used[rule_index(ctx->diags[i]->rule)] = true;
	const struct rule **table = rule_table(&ctx->perm);
	jw_kopen(w, "tool", '{');
	jw_kopen(w, "driver", '{');
	jw_kstr(w, "name", "eragen");
	jw_kstr(w, "version", ERAGEN_VERSION);
#ifdef ERAGEN_DOCS_URL
	if (ERAGEN_DOCS_URL[0])
		jw_kstr(w, "informationUri", ERAGEN_DOCS_URL);
#endif
	jw_kopen(w, "rules", '[');
	for (size_t k = 0, n = 0; k < nrules; k++) {
		size_t r = rule_index(table[k]);
		if (!used[r])
			continue;
		index[r] = n++;
		sarif_rule(ctx, w, table[k]);
	}
	jw_close(w, ']');
	jw_close(w, '}');
	jw_close(w, '}');
}

static void sarif_results(struct ctx *ctx, struct jw *w, const size_t *index)
{
	struct fp_table fpt;
	fp_table_init(ctx, &fpt);
	struct strbuf key = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &key);
	jw_kopen(w, "results", '[');
	for (size_t i = 0; i < ctx->ndiags; i++) {
		const struct diag *d = ctx->diags[i];
		if (diag_visible(ctx, d))
			sarif_result(ctx, w, d, index[rule_index(d->rule)], &fpt, &key);
	}
	jw_close(w, ']');
	oom_guard_pop(&guard);
	sb_release(&key);
}

void diag_render_sarif(struct ctx *ctx, struct strbuf *out)
{
	size_t *index = arena_alloc(&ctx->perm, rule_count() * sizeof(*index));
	struct jw w = { out, 0, true };
	jw_open(&w, '{');
	jw_kstr(&w, "$schema", SARIF_SCHEMA);
	jw_kstr(&w, "version", "2.1.0");
	jw_kopen(&w, "runs", '[');
	jw_iopen(&w, '{');
	sarif_tool(ctx, &w, index);
	/* Where SRCROOT is stays with the consumer (the checkout): an absolute path here
	 * would make the output depend on the machine. */
	jw_kopen(&w, "originalUriBaseIds", '{');
	jw_kopen(&w, SARIF_SRCROOT, '{');
	jw_kopen(&w, "description", '{');
	jw_kstr(&w, "text", "The root of the repository eragen checked.");
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_kstr(&w, "columnKind", "unicodeCodePoints");
	sarif_invocation(ctx, &w);
	sarif_results(ctx, &w, index);
	jw_close(&w, '}');
	jw_close(&w, ']');
	jw_close(&w, '}');
	sb_putc(out, '\n');
}

/* ---- GitHub workflow commands ---- */

/* Escaping as @actions/core does: data loses %, CR and LF; property values also : and ,. */
static void gh_escape(struct strbuf *sb, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': sb_puts(sb, "%25"); break;
		case '\r': sb_puts(sb, "%0D"); break;
		case '\n': sb_puts(sb, "%0A"); break;
		case ':':
			if (property)
				sb_puts(sb, "%3A");
			else
				sb_putc(sb, ':');
			break;
		case ',':
			if (property)
				sb_puts(sb, "%2C");
			else
				sb_putc(sb, ',');
			break;
		default: sb_putc(sb, *s); break;
		}
	}
}

static void gh_prop(struct strbuf *sb, bool *first, const char *key, const char *value)
{
	sb_puts(sb, *first ? " " : ",");
	*first = false;
	sb_puts(sb, key);
	sb_putc(sb, '=');
	gh_escape(sb, value, true);
}

static void gh_uprop(struct strbuf *sb, bool *first, const char *key, uint32_t v)
{
	char num[16];
	snprintf(num, sizeof(num), "%lu", (unsigned long)v);
	gh_prop(sb, first, key, num);
}

static void github_one(const struct ctx *ctx, struct strbuf *out, const struct diag *d)
{
	static const char *const cmd[] = {
		[SEV_ERROR] = "error", [SEV_WARNING] = "warning", [SEV_NOTE] = "notice",
	};
	const char *file = loc_file(ctx, &d->loc);
	bool first = true;
	sb_printf(out, "::%s", cmd[d->sev]);
	if (file) {
		gh_prop(out, &first, "file", file);
		const struct loc *l = &d->loc;
		if (l->line) {
			gh_uprop(out, &first, "line", l->line);
			if (l->col)
				gh_uprop(out, &first, "col", l->col);
			if (l->end_line >= l->line) {
				gh_uprop(out, &first, "endLine", l->end_line);
				if (l->end_col && (l->end_line > l->line || l->end_col >= l->col))
					gh_uprop(out, &first, "endColumn", l->end_col);
			}
		}
	}
	gh_prop(out, &first, "title", d->rule->id);
	sb_puts(out, "::");

	/* The message, then notes and help on lines of their own, as in the text format. */
	struct strbuf msg = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &msg);
	sb_puts(&msg, d->msg);
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct diag_note *n = &d->notes[i];
		const char *nfile = loc_file(ctx, &n->loc);
		sb_putc(&msg, '\n');
		if (nfile && n->loc.line)
			sb_printf(&msg, "%s:%lu:%lu: ", nfile, (unsigned long)n->loc.line,
				  (unsigned long)n->loc.col);
		else if (nfile)
			sb_printf(&msg, "%s: ", nfile);
		sb_printf(&msg, "note: %s", n->msg);
	}
	if (d->help)
		sb_printf(&msg, "\nhelp: %s", d->help);
	gh_escape(out, msg.buf, false);
	sb_putc(out, '\n');
	oom_guard_pop(&guard);
	sb_release(&msg);
}

/* A notice for the findings like d that are not shown (diag_cap_each). */
static void github_more(const struct ctx *ctx, struct strbuf *out, const struct diag *d,
			uint32_t more)
{
	const char *file = loc_file(ctx, &d->loc);
	bool first = true;
	sb_puts(out, "::notice");
	if (file)
		gh_prop(out, &first, "file", file);
	gh_prop(out, &first, "title", d->rule->id);
	sb_puts(out, "::");
	struct strbuf msg = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &msg);
	diag_cap_note(&msg, d, more);
	gh_escape(out, msg.buf, false);
	sb_putc(out, '\n');
	oom_guard_pop(&guard);
	sb_release(&msg);
}

/* As the text format: DIAG_MAX_SAME findings of a rule in a file, then a notice (GitHub
 * shows ten error annotations per step: better ten rules than one rule ten times). */
void diag_render_github(struct ctx *ctx, struct strbuf *out)
{
	diag_cap_each(ctx, out, github_one, github_more);
}

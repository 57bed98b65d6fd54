/*
 * out_manifest.c - out/.eragen-manifest read as what it is: a committed file, which a pull
 * request can edit and CI then runs eragen on. The paths it lists drive actions (orphans
 * reported with their content, deleted by --prune, removed from the index by --stage), so
 * each line is checked before it becomes an entry: a valid blob ID, a clean relative path
 * (no '.', '..' or empty component, no control character, bounded length), a path that a
 * back end declares it generates (emit_owned: out/..., .github/workflows/eragen-*.yml,
 * .gitattributes) and not eragen's own bookkeeping (the manifest, the journal, the lock,
 * temp files), listed once (also ignoring case: one file on a case-insensitive file
 * system). Anything else is SPEC012 at the manifest's line and column and no entry.
 *
 * Also here: the journal's claims (the same lines, read silently), the owned-path
 * patterns and their matcher, and whether an orphan still has the body eragen wrote
 * (prune deletes nothing else).
 *
 * Consumes text and patterns; produces sorted entries (heap arrays, paths in an arena)
 * and diagnostics. Every pass is linear in the text, or O(n log n) for the sorts.
 */
#include "out_int.h"
#include "repo.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define OUT_NAME_MAX 255			/* bytes of one path component (NAME_MAX) */
#define OUT_LINE_MAX (42 + OUT_PATH_MAX)	/* "<40 hex>  <path>" */

static const struct loc nowhere = { 0 };

/* ---- paths ---------------------------------------------------------------------- */

const char *out_path_problem(const char *path, size_t len, size_t *at)
{
	*at = 0;
	if (len == 0)
		return "the path is empty";
	if (path[0] == '/')
		return "the path is absolute: generated paths are relative to the repository";
	size_t bad = utf8_check(path, len);
	if (bad != (size_t)-1) {
		*at = bad;
		return "the path is not valid UTF-8";
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i], d = i + 1 < len ? (unsigned char)path[i + 1] : 0;
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && d >= 0x80 && d <= 0x9f)) {
			*at = i;
			return "the path contains a control character";
		}
	}
	if (len > OUT_PATH_MAX) {
		*at = OUT_PATH_MAX;
		return "the path is longer than 1024 bytes";
	}
	for (size_t s = 0; s <= len;) {
		const char *slash = memchr(path + s, '/', len - s);
		size_t n = slash ? (size_t)(slash - (path + s)) : len - s;
		*at = s;
		if (n == 0)
			return "the path has an empty component ('//', or '/' at its end)";
		if ((n == 1 && path[s] == '.') || (n == 2 && path[s] == '.' && path[s + 1] == '.'))
			return "the path has a '.' or '..' component";
		if (n > OUT_NAME_MAX)
			return "a component of the path is longer than 255 bytes";
		s += n + 1;
	}
	*at = 0;
	return NULL;
}

/* One component of a pattern (p, pl) against one of a path (s, sl); at most one '*'. */
static bool component_match(const char *p, size_t pl, const char *s, size_t sl)
{
	const char *star = memchr(p, '*', pl);
	if (!star)
		return pl == sl && memcmp(p, s, pl) == 0;
	size_t pre = (size_t)(star - p), suf = pl - pre - 1;
	return sl >= pre + suf && memcmp(p, s, pre) == 0 &&
	       memcmp(star + 1, s + sl - suf, suf) == 0;
}

bool out_path_match(const char *pat, const char *path)
{
	for (;;) {
		const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (!component_match(pat, pl, path, sl))
			return false;
		if (!pe)
			return !se;
		if (pe[1] == '\0')	/* a directory: anything below it */
			return se && se[1] != '\0';
		if (!se)
			return false;
		pat = pe + 1;
		path = se + 1;
	}
}

bool ow_temp_name(const char *name)
{
	return name[0] == '.' && str_ends_with(name, ".eragen-tmp");
}

/* The manifest, the journal, the lock, a temp file: eragen's, never generated. */
static bool own_file(const char *path)
{
	const char *base = strrchr(path, '/');
	return strcmp(path, OUT_MANIFEST) == 0 || strcmp(path, OUT_JOURNAL) == 0 ||
	       strcmp(path, OUT_LOCK) == 0 || ow_temp_name(base ? base + 1 : path);
}

bool ow_owned(const char *path)
{
	if (own_file(path))
		return false;
	for (size_t i = 0; emit_owned(i); i++)
		if (out_path_match(emit_owned(i), path))
			return true;
	return false;
}

/* ---- lines ---------------------------------------------------------------------- */

/* SPEC012 at byte off of line ln (text l) of the manifest f. */
ATTR_PRINTF(6, 7)
static struct diag *bad_line(struct ctx *ctx, const struct srcfile *f, uint32_t ln,
			     const char *l, size_t off, const char *fmt, ...)
{
	struct loc at = { .file = f->id, .line = ln, .col = (uint32_t)utf8_count(l, off) + 1 };
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = diag_vadd(ctx, "SPEC012", NULL, at, fmt, ap);
	va_end(ap);
	diag_help(ctx, d, "%s is written by eragen alone: delete this line (or restore the "
			  "file from git); nothing is done to the path it names", OUT_MANIFEST);
	return d;
}

/* The owned patterns, as one line for a help. */
static void owned_list(struct strbuf *sb)
{
	for (size_t i = 0; emit_owned(i); i++)
		sb_printf(sb, "%s%s", i ? ", " : "", emit_owned(i));
}

/* A line not owned: SPEC012 saying what eragen generates. */
static void not_owned(struct ctx *ctx, const struct srcfile *f, uint32_t ln, const char *l,
		      const char *path)
{
	struct diag *d = bad_line(ctx, f, ln, l, 42,
				  own_file(path) ? "'%s' is one of eragen's own files, not a "
						   "generated one: it is never read, deleted or "
						   "unstaged"
						 : "'%s' is not a path eragen generates: it is never "
						   "read, deleted or unstaged",
				  path);
	struct strbuf sb = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &sb);
	owned_list(&sb);
	diag_note(ctx, d, nowhere, "eragen generates only these paths: %s", sb.buf);
	oom_guard_pop(&guard);
	sb_release(&sb);
}

/*
 * One line into *e (path in a). false, after SPEC012 when f is set, when it is not an
 * entry about a path eragen owns.
 */
static bool parse_line(struct ctx *ctx, const struct srcfile *f, uint32_t ln, const char *l,
		       size_t n, struct arena *a, struct mentry *e)
{
	size_t i = 0, at;
	if (n > OUT_LINE_MAX) {
		if (f)
			bad_line(ctx, f, ln, l, OUT_LINE_MAX, "the line is longer than %d bytes",
				 OUT_LINE_MAX);
		return false;
	}
	while (i < 40 && i < n && ((l[i] >= '0' && l[i] <= '9') || (l[i] >= 'a' && l[i] <= 'f')))
		i++;
	if (i < 40) {
		if (f)
			bad_line(ctx, f, ln, l, i, "expected '<blob ID>  <path>': a blob ID is 40 "
						   "lowercase hexadecimal digits");
		return false;
	}
	if (n < 42 || l[40] != ' ' || l[41] != ' ') {
		if (f)
			bad_line(ctx, f, ln, l, 40, "expected two spaces between the blob ID and "
						    "the path");
		return false;
	}
	const char *why = out_path_problem(l + 42, n - 42, &at);
	if (why) {
		if (f)
			bad_line(ctx, f, ln, l, 42 + at, "%s", why);
		return false;
	}
	const char *path = arena_strndup(a, l + 42, n - 42);
	if (!ow_owned(path)) {
		if (f)
			not_owned(ctx, f, ln, l, path);
		return false;
	}
	e->path = path;
	memcpy(e->blob, l, 40);
	e->blob[40] = '\0';
	e->line = ln;
	return true;
}

/* ---- duplicates ----------------------------------------------------------------- */

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int cmp_fold_path(const char *a, const char *b)
{
	for (; *a && fold((unsigned char)*a) == fold((unsigned char)*b); a++, b++)
		;
	return fold((unsigned char)*a) - fold((unsigned char)*b);
}

/* By path ignoring ASCII case, then by line. */
static int cmp_fold(const void *pa, const void *pb)
{
	const struct mentry *a = pa, *b = pb;
	int c = cmp_fold_path(a->path, b->path);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/*
 * Drop every entry of a path listed more than once, also when the lines differ only by
 * case (one file on macOS and Windows): which line to believe cannot be known. v is
 * sorted by cmp_fold; the lines after the first are SPEC012. Returns the count kept.
 */
static size_t drop_duplicates(struct ctx *ctx, const struct srcfile *f, struct mentry *v,
			      size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && cmp_fold_path(v[i].path, v[k].path) == 0)
			k++;
		for (size_t j = i + 1; j < k; j++) {
			const char *l = srcfile_line(f, v[j].line, &(size_t){ 0 });
			struct loc first = { .file = f->id, .line = v[i].line, .col = 43 };
			struct diag *d =
				strcmp(v[i].path, v[j].path) == 0
					? bad_line(ctx, f, v[j].line, l, 42,
						   "'%s' is listed twice: neither line is used",
						   v[j].path)
					: bad_line(ctx, f, v[j].line, l, 42,
						   "'%s' differs from '%s' only by case: one file on a "
						   "case-insensitive file system; neither line is used",
						   v[j].path, v[i].path);
			diag_note(ctx, d, first, "listed here first");
		}
		if (k - i == 1)
			v[kept++] = v[i];
		i = k;
	}
	return kept;
}

/* ---- the manifest and the journal ----------------------------------------------- */

int ow_cmp_mentry(const void *a, const void *b)
{
	return strcmp(((const struct mentry *)a)->path, ((const struct mentry *)b)->path);
}

/* The lines of s into *out (f: report what is not an entry); not sorted. */
static void parse_lines(struct ctx *ctx, const struct srcfile *f, struct arena *a,
			const char *s, size_t len, struct mentry **out, size_t *count)
{
	size_t n = 0, cap = 0, pos = 0, ln;
	uint32_t line = 0;
	const char *l;
	while (ow_next_line(s, len, &pos, &l, &ln)) {
		struct mentry e;
		line++;
		if (parse_line(ctx, f, line, l, ln, a, &e))
			VEC_PUSH(*out, n, cap, e);
	}
	*count = n;
}

uint32_t ow_manifest_load(struct ctx *ctx, struct arena *a, const char *data, size_t len,
			  struct mentry **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	/* registered for the locations (CRLF read as LF); NUL bytes, bad UTF-8 and a size
	 * over the limit are SPEC012 there, and then no line is believed */
	const struct srcfile *f = srcfile_from_mem(ctx, OUT_MANIFEST, data, len, nowhere);
	if (!f)
		return 0;
	parse_lines(ctx, f, a, f->data, f->len, out, count);
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), cmp_fold);
	*count = drop_duplicates(ctx, f, *out, *count);
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), ow_cmp_mentry);
	return f->id;
}

void ow_claims_parse(struct arena *a, const char *s, size_t len, struct mentry **out,
		     size_t *count)
{
	*out = NULL;
	parse_lines(NULL, NULL, a, s, len, out, count);
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), ow_cmp_mentry);
}

const struct mentry *ow_manifest_find(const struct mentry *v, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].path, path);
		if (c == 0)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- orphans -------------------------------------------------------------------- */

int ow_body_matches(const char *data, size_t len, const char *blob, bool *match)
{
	char claim[41], id[41];
	size_t body = 0;
	*match = false;
	if (ow_header_parse(data, len, claim, &body)) {
		if (repo_blob_id(data + body, len - body, id) != 0)
			return -1;
		if (strcmp(id, blob) == 0) {
			*match = true;
			return 0;
		}
	}
	/* no header (JSON, a verbatim copy): the manifest's digest is of the whole file */
	if (repo_blob_id(data, len, id) != 0)
		return -1;
	*match = strcmp(id, blob) == 0;
	return 0;
}

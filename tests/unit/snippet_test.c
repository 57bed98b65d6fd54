/*
 * snippet_test.c - bounded and masked diagnostics: the raw-text masker (mask_raw.c), the
 * snippet window (diag_snippet.c), the capped formatter and caps (diag_cap.c), column to
 * byte offsets (srcfile.c) and terminal widths (utf8.c).
 *
 * Table-driven: a text and what must be shown of it. Masks are shown by replacing each
 * masked range with "***", as a snippet does.
 * Prints "snippet_test: N passed, M failed"; exits 1 if anything failed.
 */
#include "eragen.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

/* ---- mask_raw ---- */

/* text with every masked range of file id as "***" (masks sorted and merged) */
static char *masked_text(struct ctx *ctx, const struct srcfile *f)
{
	diag_snippets_prepare(ctx);
	struct strbuf sb = STRBUF_INIT;
	size_t p = 0;
	for (size_t i = 0; i < ctx->nmasks; i++) {
		const struct mask *m = &ctx->masks[i];
		if (m->file != f->id)
			continue;
		sb_add(&sb, f->data + p, m->start - p);
		sb_puts(&sb, "***");
		p = m->end;
	}
	sb_add(&sb, f->data + p, f->len - p);
	return sb.buf ? sb.buf : xstrdup("");
}

struct mcase {
	enum src_secrets kind;
	const char *in, *want;
};

static const struct mcase mcases[] = {
	/* a spec: the secret-bearing keys, block and flow, quoted, over lines */
	{ SRC_SPEC, "auth:\n  dummy:\n    password: hunter2\n", "auth:\n  dummy:\n    password: ***\n" },
	{ SRC_SPEC, "auth: {mode: dummy, dummy: {password: hunter2}}\n",
	  "auth: {mode: dummy, dummy: {password: ***}}\n" },
	{ SRC_SPEC, "auth: {dummy: {password: hunter2 x: y}}\n", "auth: {dummy: {password: ***: ***}}\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: hunter2: x\n", "auth:\n  dummy:\n    password: ***\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: 'hun''ter2' # c\n",
	  "auth:\n  dummy:\n    password: *** # c\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    \"password\": \"hun\\\"ter2\"\n",
	  "auth:\n  dummy:\n    \"password\": ***\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: \"hunter\n      two\"\n  mode: dummy\n",
	  "auth:\n  dummy:\n    password: ***\n      ***\n  mode: dummy\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: |\n      hunter2\n\n      two\n  mode: x\n",
	  "auth:\n  dummy:\n    password: |\n      ***\n\n      ***\n  mode: x\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password:\n      hunter2\n", "auth:\n  dummy:\n    password:\n      ***\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: !!binary aHVu\n",
	  "auth:\n  dummy:\n    password: !!binary ***\n" },
	{ SRC_SPEC, "auth:\n  dummy:\n    password: {a: b, c: [d]}\n",
	  "auth:\n  dummy:\n    password: {a: ***, c: [***]}\n" },
	{ SRC_SPEC, "auth:\n  dummy: {password:\n    hunter2, x: y}\n", "auth:\n  dummy: {password:\n    ***, x: y}\n" },
	/* a sops: reference is shown; so is a key of the same name where it is no secret */
	{ SRC_SPEC, "auth:\n  dummy: {password: \"sops:dummy.password\"}\n",
	  "auth:\n  dummy: {password: \"sops:dummy.password\"}\n" },
	{ SRC_SPEC, "auth:\n  cognito:\n    client_id: abc\n    client_secret: s3\n",
	  "auth:\n  cognito:\n    client_id: abc\n    client_secret: ***\n" },
	{ SRC_SPEC, "auth:\n  github: {client_id: abc, client_secret: s3, org: o}\n",
	  "auth:\n  github: {client_id: ***, client_secret: ***, org: o}\n" },
	/* no ':' after the name: "key value", "key=value" */
	{ SRC_SPEC, "auth:\n  dummy:\n    password hunter2\n", "auth:\n  dummy:\n    password ***\n" },
	{ SRC_SPEC, "auth: {dummy: {password=hunter2}}\n", "auth: {dummy: {password=***}}\n" },
	/* sequences, an item's mapping, a list of secrets */
	{ SRC_SPEC, "a:\n- github:\n    client_id: x\n  org: o\n", "a:\n- github:\n    client_id: ***\n  org: o\n" },
	{ SRC_SPEC, "dummy:\n  password:\n  - a\n  - b\nx: c\n", "dummy:\n  password:\n  - ***\n  - ***\nx: c\n" },
	{ SRC_SPEC, "x: y\n---\ndummy: {password: z}\n", "x: y\n---\ndummy: {password: ***}\n" },
	/* a SOPS file: every value but ENC[...] and the metadata */
	{ SRC_SOPS, "a: b\nc:\n  d: ENC[AES256_GCM,data:x]\n  e: [f, \"g\"]\nsops:\n  mac: m\n  version: 3\n",
	  "a: ***\nc:\n  d: ENC[AES256_GCM,data:x]\n  e: [***, ***]\nsops:\n  mac: m\n  version: 3\n" },
	{ SRC_SOPS, "dummy:\n  password: hunter2: x\n", "dummy:\n  password: ***\n" },
	{ SRC_SOPS, "dummy:\n  password hunter2\n", "dummy:\n  ***\n" },
	/* a flow key is never the metadata (SOPS writes it as a block key): masked too */
	{ SRC_SOPS, "{a: b, sops: {mac: m}, c: \"ENC[x]\"}\n", "{a: ***, sops: {mac: ***}, c: \"ENC[x]\"}\n" },
	{ SRC_SOPS, "{?\n\n9 \nsops:\n <etrue}\n", "{?\n\n9 \nsops:\n ***}\n" },
	{ SRC_SOPS, "- a\n- - b\n  - c: d\n", "- ***\n- - ***\n  - c: ***\n" },
	{ SRC_SOPS, "a: |-\n  x\n  y\nb: >\n  z\n", "a: |-\n  ***\n  ***\nb: >\n  ***\n" },
	{ SRC_SOPS, "--- |\n  x\n", "--- |\n  ***\n" },
	{ SRC_SOPS, "a: &x b\nc: *x\n? d\n: e\n", "a: &x ***\nc: ***\n***\n: ***\n" },
	{ SRC_SOPS, "&a:\n sops:\n  x\n", "&a:\n sops:\n  ***\n" },	/* an empty key */
	{ SRC_SOPS, "a: 'x\n  y' # c\nb: c\n", "a: ***\n  *** # c\nb: ***\n" },
	{ SRC_SOPS, "a: [b, {c: d}, [e]]\n", "a: [***, {c: ***}, [***]]\n" },
	{ SRC_SOPS, "a:\tb\n", "a:\t***\n" },
	/* nothing to mask in a plain file */
	{ SRC_PLAIN, "password: x\n", "password: x\n" },
};

static void test_mask_raw(void)
{
	for (size_t i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *c = &mcases[i];
		struct ctx ctx;
		ctx_init(&ctx);
		struct srcfile *f = srcfile_from_mem(&ctx, "f.yaml", c->in, strlen(c->in),
						     (struct loc){ 0 });
		f->secrets = (uint8_t)c->kind;
		mask_raw(&ctx, f);
		char *got = masked_text(&ctx, f);
		CHECK(strcmp(got, c->want) == 0, "mask_raw case %zu:\n%s--- got:\n%s--- want:\n%s", i,
		      c->in, got, c->want);
		free(got);
		ctx_release(&ctx);
	}
}

/* yaml_mask_secrets: what libyaml's parser reads; after a syntax error in a SOPS file,
 * the rest masked whole */
static const struct mcase ycases[] = {
	{ SRC_SOPS, "a: b\n", "a: ***\n" },
	{ SRC_SOPS, "a: ENC[AES256_GCM,data:x]\n", "a: ENC[AES256_GCM,data:x]\n" },
	{ SRC_SOPS, "a: [b, {c: d}]\nsops:\n  mac: m\n", "a: [***, {c: ***}]\nsops:\n  mac: m\n" },
	{ SRC_SOPS, "{a: b, sops: {mac: m}}\n", "{a: ***, sops: {mac: m}}\n" },
	{ SRC_SOPS, "x:\n  sops: s\n", "x:\n  sops: ***\n" },	/* not the root's */
	{ SRC_SOPS, "a: |\n  plain text\n", "a: ***" },	/* the block, its line breaks too */
	{ SRC_SOPS, "9 \nsops:\n <etrue}\n", "***\n ***\n" },	/* one plain scalar, masked */
	{ SRC_SOPS, "? [k]\n: v\n", "? [***]\n: ***\n" },	/* a collection as a key */
	/* an anchor's name ends at its last letter or digit: ":x" is the value */
	{ SRC_SOPS, "a: &t:!!x y\n", "a: &t***\n" },
	/* a syntax error: what follows the last event the parser read is masked */
	{ SRC_SOPS, "a: b\nc: \"d\n  e: ENC[x]\n", "a: ***\nc***\n  ***ENC[x]\n" },
	{ SRC_SPEC, "auth:\n  dummy: {password: hunter2}\n  github: {client_id: \"sops:g.id\"}\n",
	  "auth:\n  dummy: {password: ***}\n  github: {client_id: \"sops:g.id\"}\n" },
	{ SRC_SPEC, "auth:\n  cognito: {client_id: visible}\n", "auth:\n  cognito: {client_id: visible}\n" },
};

static void test_yaml_mask(void)
{
	for (size_t i = 0; i < sizeof(ycases) / sizeof(ycases[0]); i++) {
		const struct mcase *c = &ycases[i];
		struct ctx ctx;
		ctx_init(&ctx);
		struct srcfile *f = srcfile_from_mem(&ctx, "f.yaml", c->in, strlen(c->in),
						     (struct loc){ 0 });
		f->secrets = (uint8_t)c->kind;
		yaml_mask_secrets(&ctx, f);
		char *got = masked_text(&ctx, f);
		CHECK(strcmp(got, c->want) == 0, "yaml_mask_secrets case %zu:\n%s--- got:\n%s--- want:\n%s",
		      i, c->in, got, c->want);
		free(got);
		ctx_release(&ctx);
	}
}

/* ---- the snippet window ---- */

struct scase {
	const char *line;
	uint32_t col, end_col;	/* end_col 0: to the end of the line */
	const char *want;	/* the snippet, both lines */
};

static const struct scase scases[] = {
	{ "a: b", 4, 4, "    1 | a: b\n      |    ^\n" },
	{ "a: b", 5, 5, "    1 | a: b\n      |     ^\n" },
	{ "a: bcd", 4, 0, "    1 | a: bcd\n      |    ^~~\n" },
	{ "\ta: b", 2, 2, "    1 |  a: b\n      |  ^\n" },
	/* wide characters take two columns, combining marks none */
	{ "k: \xe6\xbc\xa2\xe5\xad\x97 x", 7, 7,
	  "    1 | k: \xe6\xbc\xa2\xe5\xad\x97 x\n      |         ^\n" },
	{ "k: \xe6\xbc\xa2 x", 4, 4, "    1 | k: \xe6\xbc\xa2 x\n      |    ^~\n" },
	{ "k: e\xcc\x81 x", 7, 7, "    1 | k: e\xcc\x81 x\n      |      ^\n" },
	/* a control character is shown, never sent */
	{ "k: \x1b[2J x", 9, 9, "    1 | k: <U+001B>[2J x\n      |                ^\n" },
};

static void test_snippet(void)
{
	for (size_t i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		const struct scase *c = &scases[i];
		struct ctx ctx;
		ctx_init(&ctx);
		struct srcfile *f = srcfile_from_mem(&ctx, "f", c->line, strlen(c->line),
						     (struct loc){ 0 });
		struct loc l = { f->id, 1, c->col, c->end_col ? 1 : 0, c->end_col };
		struct strbuf sb = STRBUF_INIT;
		diag_snippets_prepare(&ctx);
		diag_snippet(&ctx, &sb, &l);
		CHECK(sb.buf && strcmp(sb.buf, c->want) == 0, "snippet case %zu:\n%s--- want:\n%s", i,
		      sb.buf ? sb.buf : "", c->want);
		sb_release(&sb);
		ctx_release(&ctx);
	}
}

/* A line of zero-width characters takes no columns, but is not printed whole. */
static void test_zero_width(void)
{
	struct strbuf line = STRBUF_INIT;
	sb_puts(&line, "k: a");
	for (int i = 0; i < 20000; i++)
		sb_puts(&line, "\xcc\x81");	/* U+0301, combining */
	sb_puts(&line, " x");
	struct ctx ctx;
	ctx_init(&ctx);
	struct srcfile *f = srcfile_from_mem(&ctx, "f", line.buf, line.len, (struct loc){ 0 });
	diag_snippets_prepare(&ctx);
	struct strbuf sb = STRBUF_INIT;
	struct loc l = { f->id, 1, 20006, 1, 20006 };	/* the 'x' */
	diag_snippet(&ctx, &sb, &l);
	const char *nl = strchr(sb.buf, '\n');
	CHECK(sb.len < 3000 && nl && strstr(sb.buf, "...") && nl[-1] == 'x' &&
		      strcmp(nl + 1 + 8 + strspn(nl + 1 + 8, " "), "^\n") == 0,
	      "zero-width line: %zu bytes of snippet", sb.len);
	sb_release(&sb);
	ctx_release(&ctx);
	sb_release(&line);
}

/* Display width of a UTF-8 string, as a terminal shows it. */
static size_t text_width(const char *s, size_t n)
{
	size_t w = 0;
	uint32_t cp;
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		k = utf8_decode(s + i, n - i, &cp);
		w += k ? (size_t)utf8_width(cp) : 1;
	}
	return w;
}

/*
 * A line far longer than the window, findings all along it: each snippet fits the
 * window, shows "..." where it cut, and its caret stands under the found text.
 */
static void test_window(const char *item, size_t nitems)
{
	struct strbuf line = STRBUF_INIT;
	sb_puts(&line, "k: [");
	for (size_t i = 0; i < nitems; i++)
		sb_printf(&line, "%s%s%zu", i ? ", " : "", item, i);
	sb_puts(&line, "]");
	struct ctx ctx;
	ctx_init(&ctx);
	struct srcfile *f = srcfile_from_mem(&ctx, "f", line.buf, line.len, (struct loc){ 0 });
	diag_snippets_prepare(&ctx);
	size_t ok = 0;
	for (size_t i = 0, p = 4; i < nitems; i++) {
		char name[64];
		int nlen = snprintf(name, sizeof(name), "%s%zu", item, i);
		uint32_t col = (uint32_t)utf8_count(line.buf, p) + 1;
		uint32_t ecol = col + (uint32_t)utf8_count(name, (size_t)nlen) - 1;
		struct loc l = { f->id, 1, col, 1, ecol };
		struct strbuf sb = STRBUF_INIT;
		diag_snippet(&ctx, &sb, &l);
		/* "    1 | TEXT\n      | PAD^~~\n" */
		char *nl = strchr(sb.buf, '\n');
		const char *text = sb.buf + 8, *caret = nl + 1 + 8;
		size_t tlen = (size_t)(nl - text);
		size_t pad = strspn(caret, " ");
		/* the bytes of the text at the caret's column are the item's */
		size_t at = 0, wsum = 0;
		uint32_t cp;
		while (at < tlen && wsum < pad) {
			size_t k = utf8_decode(text + at, tlen - at, &cp);
			wsum += (size_t)utf8_width(cp);
			at += k;
		}
		bool cut_left = strncmp(text, "...", 3) == 0;
		bool good = text_width(text, tlen) <= 120 && wsum == pad &&
			    strncmp(text + at, name, (size_t)nlen) == 0 && (i > 2 || !cut_left) &&
			    (i < 20 || cut_left);
		ok += good;
		if (!good)
			printf("window case %s %zu:\n%s", item, i, sb.buf);
		sb_release(&sb);
		p += (size_t)nlen + 2;
	}
	CHECK(ok == nitems, "window: %zu of %zu snippets right (item '%s')", ok, nitems, item);
	ctx_release(&ctx);
	sb_release(&line);
}

/* ---- columns and widths ---- */

static void test_offsets(void)
{
	/* a mix of 1-4 byte characters over several lines */
	struct strbuf sb = STRBUF_INIT;
	const char *parts[] = { "a", "\xc3\xa9", "\xe6\xbc\xa2", "\xf0\x9f\x98\x80", "\n" };
	for (size_t i = 0; i < 5000; i++)
		sb_puts(&sb, parts[(i * 7 + i / 13) % 5]);
	struct ctx ctx;
	ctx_init(&ctx);
	struct srcfile *f = srcfile_from_mem(&ctx, "f", sb.buf, sb.len, (struct loc){ 0 });
	size_t bad = 0;
	for (uint32_t line = 1; line <= f->nlines; line++) {
		size_t len;
		const char *s = srcfile_line(f, line, &len);
		size_t i = 0;
		for (uint32_t col = 1; col <= utf8_count(s, len) + 3; col++) {
			bad += srcfile_offset(f, line, col) != (size_t)(s - f->data) + i;
			if (i < len) {
				i++;
				while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
					i++;
			}
		}
	}
	CHECK(bad == 0, "srcfile_offset: %zu offsets differ from a scan from the line start", bad);
	ctx_release(&ctx);
	sb_release(&sb);

	CHECK(utf8_width('a') == 1 && utf8_width(0x301) == 0 && utf8_width(0x6f22) == 2 &&
		      utf8_width(0x1f600) == 2 && utf8_width(0xff21) == 2 && utf8_width(0x200b) == 0,
	      "utf8_width");
}

/* ---- the capped formatter ---- */

static char *fmt(struct arena *a, const char *f, ...) ATTR_PRINTF(2, 3);
static char *fmt(struct arena *a, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = diag_vformat(a, f, ap);
	va_end(ap);
	return s;
}

static void test_format(void)
{
	struct arena a;
	arena_init(&a);
	char want[512];
	snprintf(want, sizeof(want), "%d %5u %-4ld|%lld %zu %02x %04X %.2f %.15g %c %% %*u %-3s| %.*s",
		 -3, 7u, 9L, -12LL, (size_t)42, 10u, 255u, 1.5, 0.1, 'z', 4, 3u, "ab", 2, "xyz");
	char *got = fmt(&a, "%d %5u %-4ld|%lld %zu %02x %04X %.2f %.15g %c %% %*u %-3s| %.*s", -3,
			7u, 9L, -12LL, (size_t)42, 10u, 255u, 1.5, 0.1, 'z', 4, 3u, "ab", 2, "xyz");
	CHECK(strcmp(got, want) == 0, "diag_vformat: '%s', want '%s'", got, want);

	char *big = xmalloc(5001);
	memset(big, 'v', 5000);
	big[5000] = '\0';
	got = fmt(&a, "unknown key '%s' (%.*s)", big, 3000, big);
	size_t v = strspn(got + strlen("unknown key '"), "v");
	CHECK(v == DIAG_VALUE_MAX && strstr(got, "v...' (") && strlen(got) < 2 * DIAG_VALUE_MAX + 40,
	      "diag_vformat caps a string argument: %zu characters kept", v);
	/* a cut never splits a character */
	struct strbuf u = STRBUF_INIT;
	for (int i = 0; i < 300; i++)
		sb_puts(&u, "\xc3\xa9");
	got = fmt(&a, "%s", u.buf);
	CHECK(utf8_check(got, strlen(got)) == (size_t)-1 && utf8_count(got, strlen(got)) == DIAG_VALUE_MAX + 3,
	      "diag_vformat cuts at a character");
	sb_release(&u);
	free(big);
	arena_release(&a);
}

/* ---- notes and repeats ---- */

static void test_caps(void)
{
	struct ctx ctx;
	ctx_init(&ctx);
	const char *src = "a: 1\n";
	struct srcfile *f = srcfile_from_mem(&ctx, "f", src, strlen(src), (struct loc){ 0 });
	struct diag *d = diag_add(&ctx, "SPEC003", NULL, (struct loc){ f->id, 1, 1, 1, 1 }, "x");
	for (int i = 0; i < 50; i++)
		diag_note(&ctx, d, (struct loc){ f->id, 1, 1, 0, 0 }, "note %d", i);
	CHECK(d->nnotes == DIAG_MAX_NOTES + 1 && strcmp(d->notes[DIAG_MAX_NOTES].msg,
							"and 42 more notes") == 0,
	      "notes capped: %zu, last '%s'", d->nnotes, d->notes[d->nnotes - 1].msg);
	for (int i = 0; i < 25; i++)
		diag_add(&ctx, "SPEC004", NULL, (struct loc){ f->id, 1, 1, 1, 1 }, "y %d", i);
	diag_finish(&ctx);
	struct strbuf sb = STRBUF_INIT;
	diag_render_text(&ctx, &sb);
	size_t shown = 0;
	for (const char *p = sb.buf; (p = strstr(p, "error[SPEC004]")); p++)
		shown++;
	CHECK(shown == DIAG_MAX_SAME && strstr(sb.buf, "f: note: and 15 more [SPEC004] like this in this file") &&
		      strstr(sb.buf, "26 errors"),
	      "text shows %zu of 25:\n%s", shown, sb.buf);
	sb_reset(&sb);
	diag_render_github(&ctx, &sb);
	CHECK(strstr(sb.buf, "::notice file=f,title=SPEC004::and 15 more [SPEC004]") != NULL,
	      "github: a notice for the rest:\n%s", sb.buf);
	sb_reset(&sb);
	diag_render_json(&ctx, &sb);
	shown = 0;
	for (const char *p = sb.buf; (p = strstr(p, "\"SPEC004\"")); p++)
		shown++;
	CHECK(shown == 25, "json lists all 25 (%zu)", shown);
	sb_release(&sb);
	ctx_release(&ctx);
}

int main(void)
{
	test_mask_raw();
	test_yaml_mask();
	test_snippet();
	test_window("m5.large", 3000);
	test_window("\xe6\xbc\xa2\xe5\xad\x97", 400);
	test_zero_width();
	test_offsets();
	test_format();
	test_caps();
	return T_DONE("snippet_test");
}

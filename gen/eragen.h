/*
 * eragen.h - the core types of the compiler, in pipeline order:
 * memory (arena, strbuf) -> source files and locations -> diagnostics and rules
 * -> the YAML node tree -> environments -> the run context. Patterns (rx.h), JSON Schema
 * (schema.h) and the rendering of trees for `show` (show.h) have headers of their own.
 *
 * Ownership: everything reachable from a struct ctx lives in one of its arenas and is
 * released by ctx_release(). Functions that can fail for system reasons return -1 or NULL
 * after reporting with error(); user-input problems never fail a function, they become
 * diagnostics. Out of memory never returns: it unwinds to main (exit 3).
 */
#ifndef ERAGEN_H
#define ERAGEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef ERAGEN_VERSION
#define ERAGEN_VERSION "0.1.0"
#endif

enum exit_code {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,	/* errors found, or warnings with --werror */
	EXIT_USAGE = 2,		/* bad flag, unknown ENV or RULE */
	EXIT_SYSTEM = 3,	/* out of memory, I/O or git failure */
	EXIT_BUG = 70,		/* an impossible state: BUG() */
};

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))

/* ---- memory (util.c) ------------------------------------------------------------ */

/*
 * Out of memory: xmalloc and the arenas call oom(), which longjmps to the handler that
 * main installed (oom_handler), so the run ends with "out of memory" and exit 3 instead
 * of an abort. Every arena is reachable from the ctx, so main still releases them.
 * oom() is only ever called from eragen's own code, never from inside a library: the
 * allocators given to the libraries (alloc.h) return NULL, and the eragen function that
 * called the library releases its handles and then calls oom().
 */
ATTR_NORETURN void oom(void);
/*
 * What oom() must release besides the ctx: a function that holds something outside the
 * ctx's arenas (library handles, heap scratch, a local arena) across calls that can run
 * out of memory pushes a guard (on its own stack) for as long as it holds it; oom() runs
 * the release of every pushed guard, innermost first, before it unwinds. Pop in reverse
 * order of push, on every path (BUG otherwise); a release function never allocates.
 */
struct oom_guard {
	void (*release)(void *arg);
	void *arg;
	struct oom_guard *prev;
};
void oom_guard_push(struct oom_guard *g, void (*release)(void *arg), void *arg);
void oom_guard_pop(struct oom_guard *g);
bool oom_guards_clear(void);	/* no guard pushed: main checks it after each command */
struct strbuf;
struct arena;
/* The two common cases: a heap string builder, a local arena (released, not popped). */
void oom_guard_strbuf(struct oom_guard *g, struct strbuf *sb);
void oom_guard_arena(struct oom_guard *g, struct arena *a);
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *p (of *cap elements of elem bytes) so that it holds at least need elements. */
void vec_grow(void **p, size_t *cap, size_t need, size_t elem);
#define VEC_PUSH(arr, n, cap, val)                                                   \
	do {                                                                         \
		vec_grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr)));          \
		(arr)[(n)] = (val); /* before the count: val may run out of memory */ \
		(n)++;                                                               \
	} while (0)

/* System failures: a one-line message on stderr ("eragen: ..."); callers return -1. */
void error(const char *fmt, ...) ATTR_PRINTF(1, 2);
void verror(const char *fmt, va_list ap);
/* Impossible states: message and exit 70. */
ATTR_NORETURN void bug_at(const char *file, int line, const char *fmt, ...) ATTR_PRINTF(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used;		/* bytes handed out, for statistics */
};
void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);	/* zeroed, 16-byte aligned */
void *arena_realloc(struct arena *a, void *p, size_t old, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) ATTR_PRINTF(2, 3);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Grow an arena-owned array, as vec_grow does for the heap. */
void arena_grow(struct arena *a, void **p, size_t *cap, size_t need, size_t elem);
#define ARENA_PUSH(ar, arr, n, cap, val)                                             \
	do {                                                                         \
		arena_grow((ar), (void **)&(arr), &(cap), (n) + 1, sizeof(*(arr)));  \
		(arr)[(n)] = (val); /* before the count: val may run out of memory */ \
		(n)++;                                                               \
	} while (0)

/*
 * A string builder, always NUL-terminated: on the heap (STRBUF_INIT: sb_release frees
 * it), or in an arena (SB_IN(a): nothing to release, and nothing to guard against out of
 * memory: the arena goes with the ctx). Transient strings (a message, a list for a
 * help text, a scalar being escaped) are built in an arena that the ctx releases: the
 * run's (ctx->perm) for what is made once per finding, an environment's scratch for
 * what is made per value of its output.
 */
struct strbuf {
	char *buf;
	size_t len, cap;
	struct arena *a;	/* NULL: the heap */
};
#define STRBUF_INIT { NULL, 0, 0, NULL }
#define SB_IN(arena) { NULL, 0, 0, (arena) }
/* Room for extra more bytes and the NUL (the slow path of sb_add and sb_putc). */
void sb_grow(struct strbuf *sb, size_t extra);
/* Inline: the renderers append a character or a few at a time, millions per build. */
static inline void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (n >= sb->cap - sb->len)
		sb_grow(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}
static inline void sb_putc(struct strbuf *sb, char c)
{
	if (sb->cap - sb->len < 2)
		sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_release(struct strbuf *sb);	/* a heap buffer freed; an arena's left to it */
/* JSON string literal (quotes included), escaping per RFC 8259; invalid UTF-8 never
 * reaches here (srcfile rejects it). */
void sb_json_str(struct strbuf *sb, const char *s, size_t n);

/* A 64-bit hash of s[0..n), for the open-addressing tables; not stable across versions:
 * nothing printed or saved may depend on it. */
uint64_t str_hash(const char *s, size_t n);
/*
 * A string -> number table (open addressing, at most half full, in an arena): what the
 * stages use instead of a linear search through what they have seen so far. The strings
 * are not copied. Zero-initialised is empty.
 */
struct strmap {
	struct strmap_ent {
		const char *s;
		size_t len, val;
		uint64_t h;
	} *e;
	size_t cap, n;
};
/* The number stored for s[0..len), or -1 when s is absent. */
long strmap_get(const struct strmap *m, const char *s, size_t len);
/* Store val for s[0..len) (replacing what it had); returns true if s was new. */
bool strmap_put(struct arena *a, struct strmap *m, const char *s, size_t len, size_t val);
/* Small string predicates (util.c). */
bool str_ends_with(const char *s, const char *suffix);
bool str_in_list(const char *const *list, const char *s);	/* NULL-terminated list */

/* Edit distance for "did you mean" suggestions (util.c). */
size_t edit_distance(const char *a, size_t alen, const char *b, size_t blen);
/*
 * The candidate nearest to word, at most max edits away (a likely typo): start, offer
 * every candidate in turn, then best is the first of the nearest, or NULL.
 */
struct nearest {
	const char *word;
	size_t len, max;
	const char *best;
	size_t best_d;
	bool prefix;	/* also a typo of a longer candidate's start (names; not versions) */
};
struct nearest nearest_start(const char *word, size_t len, size_t max);
void nearest_offer(struct nearest *n, const char *cand);
/* The one "did you mean" of a word among n candidates (a NULL candidate also ends the
 * list), with the usual bound (a third of its length, at least 2; 1 for 3 characters
 * or fewer) and prefixes, or NULL: nearest_start and nearest_offer over the list. */
const char *suggest(const char *word, const char *const *cands, size_t n);
/*
 * A search costs an edit distance per candidate. Where both the findings and the
 * candidates grow with the input (unknown keys, node groups, environments, instance
 * types), only the first NEAREST_SEARCHES findings of a kind in an environment (in a
 * run, for environment names) get a suggestion: beyond, the run would grow with the
 * square of the input. The rest of each finding is unchanged.
 */
#define NEAREST_SEARCHES 100

/* ---- source files and locations (srcfile.c) ------------------------------------- */

/*
 * A location: file is an index into ctx->files (0 = no file, for command-line problems);
 * lines and columns are 1-based and count characters (UTF-8 code points), not bytes.
 * line 0 with a file means "the file as a whole" (or a schema default).
 */
struct loc {
	uint32_t file;
	uint32_t line, col;
	uint32_t end_line, end_col;	/* inclusive end; 0 when unknown */
};

struct srcfile {
	uint32_t id;		/* index in ctx->files */
	const char *path;	/* as shown to users: relative to the repository root */
	const char *data;	/* NUL-terminated contents, BOM removed */
	size_t len;
	uint32_t *lines;	/* byte offset of each line start; lines[0] = 0 */
	uint32_t nlines;
	uint32_t *cps;		/* code points before each SRC_CP_BLOCK-byte block */
	bool crlf;		/* had CRLF line endings (converted to LF) */
	bool json_tried;	/* srcfile_json's cache */
	const struct node *json;
	uint8_t secrets;	/* enum src_secrets: what its snippets mask from the raw text */
	bool raw_masked;	/* mask_raw has run on it */
};

/* Files whose raw text holds secrets (mask_raw.c): snippets of them mask secret values
 * even where no node tree exists (a YAML syntax error, a duplicate key). */
enum src_secrets {
	SRC_PLAIN,	/* nothing beyond the masks added for nodes and credentials */
	SRC_SPEC,	/* env.yaml, _defaults.yaml: the values of secret-bearing keys */
	SRC_SOPS,	/* an environment's SOPS file: every value that is not ENC[...] */
};

/* Limits applied to every input file (SPEC012). */
#define SRC_MAX_BYTES (8u << 20)

struct ctx;
/* Read path (relative to ctx->root) and register it; NULL with SPEC012 if it cannot be
 * used (unreadable, too large, not UTF-8, UTF-16, NUL bytes). at: where it was referenced. */
struct srcfile *srcfile_read(struct ctx *ctx, const char *relpath, struct loc at);
/* Register contents already in memory (index blobs, schema defaults); same checks. */
/*
 * Read relpath (schemas/..., templates/...) from the repository when it has that file
 * (in the index with --staged), else from the installed data directory: DESIGN 2's
 * file-by-file override. With exists non-NULL, a file found in neither place returns
 * NULL without a diagnostic and *exists = false; with exists NULL it is SPEC012.
 */
struct srcfile *srcfile_read_data(struct ctx *ctx, const char *relpath, bool *exists);
/* Read an installed data file (absolute path, shown as such): no repository checks. */
struct srcfile *srcfile_read_abs(struct ctx *ctx, const char *abspath, struct loc at);
/*
 * The caches in the git directory (cachefile.c): name's path there (NULL outside git);
 * the whole file, malloc'd and NUL-terminated with its length and mtime, or NULL when
 * there is none to trust (absent, not a regular file of this user's, a link, over max
 * bytes, unreadable); written atomically, best effort.
 */
const char *cachefile_path(struct ctx *ctx, const char *name);
char *cachefile_read(const char *path, size_t max, size_t *len, struct timespec *mtime);
void cachefile_write(const char *path, const char *text, size_t len);
struct srcfile *srcfile_from_mem(struct ctx *ctx, const char *relpath, const char *data,
				 size_t len, struct loc at);
const struct srcfile *srcfile_get(const struct ctx *ctx, uint32_t id);
/* The file registered last under path (as shown: relative, or absolute for installed
 * files), or NULL. */
struct srcfile *srcfile_find(const struct ctx *ctx, const char *path);
/* Forget the files registered from the n-th on (no diagnostic may name them): the render
 * cache's reads, made only to compare, are not the render's. */
void srcfile_forget(struct ctx *ctx, size_t n);
/* f's contents as JSON, parsed once per run (into ctx->perm); NULL when not JSON. */
const struct node *srcfile_json(struct ctx *ctx, struct srcfile *f);
/* The text of a 1-based line without its newline. */
const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len);
/*
 * Byte offset of a 1-based (line, col), and the (line, col) of a byte offset; col
 * counts code points. Both take the line table and a scan of at most SRC_CP_BLOCK bytes,
 * however long the line: a file may be one 8 MiB line with a node every few bytes.
 */
size_t srcfile_offset(const struct srcfile *f, uint32_t line, uint32_t col);
struct loc srcfile_loc(const struct srcfile *f, size_t off);
/* The 1-based line and column (code points) of byte off in text s[0..len) that has no
 * line table (raw bytes being checked, a template): a line ends at LF, CRLF or a lone
 * CR. Linear in off; srcfile_loc is the same answer for a registered file. */
void text_linecol(const char *s, size_t len, size_t off, uint32_t *line, uint32_t *col);
/* The number of code points of a 1-based line. */
uint32_t srcfile_line_cols(const struct srcfile *f, uint32_t line);
#define SRC_CP_BLOCK 256
/* A relative path with no '..' component: it cannot leave the directory lexically. */
bool path_stays_inside(const char *relpath);
/* Is real (absolute, symbolic links resolved) inside the repository (ctx->root), and in
 * no directory named .git? What a symbolic link may lead to, for reads and writes. */
bool path_real_inside(const struct ctx *ctx, const char *real);
/* What is wrong with where abspath leads through symbolic links ("leads out of the
 * repository", "leads into a .git directory"), or NULL (path_real_inside). */
const char *path_link_problem(const struct ctx *ctx, const char *abspath);

/* ---- UTF-8 (utf8.c) ------------------------------------------------------------- */

/* The code point at s (n bytes left) in *cp; its length in bytes, 0 if it is not valid
 * UTF-8 (or n is 0): overlong forms, surrogates and values past U+10FFFF are invalid. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* The code point at s[*i] (of n bytes), advancing *i past it; a byte that starts no
 * valid sequence is U+FFFD and advances one byte (for text that may not be UTF-8). */
uint32_t utf8_next(const char *s, size_t n, size_t *i);
/* Write cp (at most U+10FFFF, no surrogate) to out (room for 4 bytes); its length. */
size_t utf8_encode(char *out, uint32_t cp);
/* Validate UTF-8; returns the byte offset of the first bad sequence or (size_t)-1. */
size_t utf8_check(const char *s, size_t n);
/* Number of code points in s[0..n). */
size_t utf8_count(const char *s, size_t n);
/* Terminal columns a code point takes: 0 (combining, format), 2 (wide) or 1. */
int utf8_width(uint32_t cp);

/* ---- rules (check.c) -------------------------------------------------------------- */

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

/*
 * A rule's row, in gen/check/<family>.c of its family (SPEC003: check/spec.c), whichever
 * file reports it; its `eragen explain` text is docs/rules/<ID>.txt. IDs are stable: add
 * rules, never rename or reuse an ID.
 */
struct rule {
	const char *id;		/* "SPEC003" */
	enum severity sev;	/* default severity */
	bool raise_on_prod;	/* "W/E": an error on production */
	bool raise_on_staging;	/* with raise_on_prod: an error on staging too */
	bool suppressible;	/* false for SPEC001-SPEC010 and SPEC012 */
	bool planned;		/* explained, not checked by this version yet */
	const char *summary;	/* one line, as in the README table */
};
/* Exact, case-sensitive lookup; NULL for an unknown ID. */
const struct rule *rule_find(const char *id);
/* The rule an unknown id most likely means ("did you mean"; case ignored), or NULL. */
const char *rule_nearest(const char *id);
/* How many rules there are, and a rule's place among them (0 .. rule_count() - 1, in no
 * particular order): what per-rule counters are indexed by. */
size_t rule_count(void);
size_t rule_index(const struct rule *r);
/* Every rule (rule_count() of them, in an array from a) in the order of DESIGN.md
 * section 5: by family (SPEC, NET, AUTH, SCHED, DRIFT, COMPAT, SECRET, NAME, XENV, DNS,
 * POLICY), then number. */
const struct rule **rule_table(struct arena *a);
/* What, why, fix, suppress: the rule's `eragen explain` text. */
const char *rule_explain(const struct rule *r);
/* The texts of docs/rules/, embedded by the Makefile (gen/rule_text.sh). */
struct rule_text {
	const char *id;
	const char *text;
};
extern const struct rule_text rule_texts[];
extern const size_t rule_texts_count;

/* ---- diagnostics (diag.c, diag_fmt.c) ------------------------------------------- */

struct diag_note {
	struct loc loc;
	char *msg;
};

#define DIAG_MAX_ENVS 4		/* envs named inline; beyond that only counted */
/* Output linear in the input (diag_cap.c): */
#define DIAG_VALUE_MAX 200	/* characters of one string argument of a message */
#define DIAG_MAX_NOTES 8	/* notes kept per finding, then "and N more notes" */
#define DIAG_MAX_SAME 10	/* findings of one rule in one file shown by text, github */

struct diag {
	const struct rule *rule;
	enum severity sev;
	struct loc loc;
	char *msg;
	char *help;		/* NULL when none */
	struct diag_note *notes;
	size_t nnotes, capnotes;
	uint32_t notes_dropped;	/* beyond DIAG_MAX_NOTES: counted in the last note */
	bool suppressed;
	const char *suppress_reason;
	struct loc suppress_loc;	/* the suppression (lint.ignore entry, comment); 0: unknown */
	/* environments the finding involves (inherited values involve several) */
	const char **envs;
	size_t nenvs, capenvs;
	uint32_t seq;		/* insertion order, the last sort key */
};

enum out_format { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_GITHUB };

/*
 * Add a finding at loc for rule id (the rule's default severity). env is the environment
 * it is about, or NULL. The returned diag may receive notes and a help line.
 */
struct diag *diag_add(struct ctx *ctx, const char *rule, const char *env, struct loc loc,
		      const char *fmt, ...) ATTR_PRINTF(5, 6);
struct diag *diag_vadd(struct ctx *ctx, const char *rule, const char *env, struct loc loc,
		       const char *fmt, va_list ap);
void diag_note(struct ctx *ctx, struct diag *d, struct loc loc, const char *fmt, ...)
	ATTR_PRINTF(4, 5);
void diag_help(struct ctx *ctx, struct diag *d, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* One more environment the finding involves (cross-environment rules name both). */
void diag_env(struct ctx *ctx, struct diag *d, const char *env);
/* Merge duplicates (same rule, location and message: an inherited value judged in several
 * environments), apply severities per tier, sort by file, line, column, rule. */
void diag_finish(struct ctx *ctx);
struct diag_counts {
	size_t errors, warnings, notes, suppressed;
};
struct diag_counts diag_count(const struct ctx *ctx);
/* Render all visible diagnostics in ctx->opt.format to out. */
void diag_render(struct ctx *ctx, struct strbuf *out);
void diag_render_text(struct ctx *ctx, struct strbuf *out);
void diag_render_json(struct ctx *ctx, struct strbuf *out);
void diag_render_sarif(struct ctx *ctx, struct strbuf *out);
void diag_render_github(struct ctx *ctx, struct strbuf *out);
/* Is d shown, given --only/--skip and the ENV filter? */
bool diag_visible(const struct ctx *ctx, const struct diag *d);
/* printf into a, each string argument cut to DIAG_VALUE_MAX characters (diag_cap.c). */
char *diag_vformat(struct arena *a, const char *fmt, va_list ap);
/* One note more than DIAG_MAX_NOTES: counted in d's last note instead. */
void diag_note_over(struct ctx *ctx, struct diag *d);
/*
 * What text and GitHub output show of ctx->diags (after diag_finish): one(d) for each
 * finding shown (visible, not suppressed, among the first DIAG_MAX_SAME of its rule in
 * its file), and after the last one shown of a rule in a file, more(d, N) for the N
 * hidden after it.
 */
#define DIAG_CAP_HIDDEN UINT32_MAX
typedef void (*diag_one_fn)(const struct ctx *ctx, struct strbuf *out, const struct diag *d);
typedef void (*diag_more_fn)(const struct ctx *ctx, struct strbuf *out, const struct diag *d,
			     uint32_t more);
void diag_cap_each(struct ctx *ctx, struct strbuf *out, diag_one_fn one, diag_more_fn more);
/* The note that stands for them: "and N more [RULE] like this in this file (...)". */
void diag_cap_note(struct strbuf *sb, const struct diag *d, uint32_t more);

/*
 * Secret masking: byte ranges of source files that hold secret values. Source snippets
 * print them as ***; messages never format a secret value (use node_display()).
 */
void mask_add(struct ctx *ctx, uint32_t file, size_t start, size_t end);
/* Mask the source span of a node's location (nothing when it has no line). */
void mask_loc(struct ctx *ctx, const struct loc *l);
/* Mask the secret values of a file that holds secrets (f->secrets), read from its raw
 * text: where no node tree exists too (mask_raw.c). */
void mask_raw(struct ctx *ctx, const struct srcfile *f);
/*
 * The secret values of a spec or SOPS file as libyaml's parser reads them (load.c): the
 * value of a secret-bearing key (SRC_SPEC), every value but ENC[...] outside the root's
 * 'sops' metadata (SRC_SOPS), each masked exactly; after a syntax error, the rest of a
 * SOPS file is masked whole (mask_rest).
 */
void yaml_mask_secrets(struct ctx *ctx, const struct srcfile *f);
/* Is key (under parent) a secret-bearing key of the environment schema? (mask_raw.c) */
bool mask_key_secret(const char *parent, size_t pn, const char *key, size_t kn);
/* From byte from to the end of f: every line but its indentation and ENC[...] tokens. */
void mask_rest(struct ctx *ctx, const struct srcfile *f, size_t from);
/* Before text is rendered: mask_raw every file a visible finding shows, sort the masks
 * (diag_snippet.c). */
void diag_snippets_prepare(struct ctx *ctx);
/* The source line of l (a window of it when it is long), masked, and its caret line. */
void diag_snippet(const struct ctx *ctx, struct strbuf *sb, const struct loc *l);
/*
 * Diagnostics added after diag_finish (diags[before..ndiags): build and check report
 * files) are ordered like the others and merged into the finished list.
 */
void diag_merge_late(struct ctx *ctx, size_t before);

/* ---- the YAML node tree (load.c, node.c) ---------------------------------------- */

enum node_kind { NODE_NULL, NODE_BOOL, NODE_INT, NODE_FLOAT, NODE_STR, NODE_SEQ, NODE_MAP };

enum node_flags {
	NODE_QUOTED = 1 << 0,	/* scalar was quoted or a block scalar: always a string */
	NODE_SECRET = 1 << 1,	/* value under an x-eragen-secret key: never printed */
	NODE_DEFAULT = 1 << 2,	/* filled in from a schema default */
	NODE_DERIVED = 1 << 3,	/* computed after layering (cluster.name, ...) */
};

/*
 * A YAML (or JSON) value. Scalars keep their text (str/len, the unescaped value; for
 * numbers and booleans the source text), typed by the YAML 1.2 core schema. Mappings
 * keep their keys as NODE_STR nodes, in source order, parallel to items. Nodes are
 * immutable once built; layering builds new maps that share unchanged subtrees, so a
 * node's loc is also the origin of its value.
 */
struct node {
	uint8_t kind;		/* enum node_kind */
	uint8_t flags;		/* NODE_QUOTED... */
	struct loc loc;
	uint32_t len;		/* of str: inputs are far below 4 GB (SRC_MAX_BYTES) */
	uint32_t n;		/* items (and keys) */
	const char *str;
	union {
		bool b;
		int64_t i;
		double f;
		struct node_index *index;	/* NODE_MAP: node_map_index's, or NULL */
	} v;
	struct node **keys;	/* NODE_MAP: n keys */
	struct node **items;	/* NODE_SEQ items, NODE_MAP values */
};
/* A thousand environments hold some 300,000 nodes: keep them at 64 bytes. */
_Static_assert(sizeof(struct node) == 64, "struct node grew");

/* Load limits (SPEC009/SPEC012). */
#define YAML_MAX_DEPTH 256
#define YAML_MAX_ALIAS_NODES 100000	/* nodes created by alias expansion, per file */

/* Parse one YAML file into a node tree; NULL (with diagnostics) if it cannot be used. */
struct node *yaml_load(struct ctx *ctx, struct arena *a, const struct srcfile *f);
/* The version of the libyaml linked in ("0.2.5": `eragen --version`). */
const char *yaml_lib_version(void);

struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc);
struct node *node_str(struct arena *a, const char *s, size_t n, struct loc loc);
/* The value of key in map, or NULL. */
struct node *node_get(const struct node *map, const char *key);
/* Index of key in map, or -1. */
long node_index(const struct node *map, const char *key);
/* Index of the key key[0..len) in map (a NODE_MAP or not), or -1. */
long node_find(const struct node *map, const char *key, size_t len);
struct node *node_path(const struct node *root, const char *dotted);	/* "a.b.c" */
bool node_is_num(const struct node *n);
/* A secret value that must print as *** (a "sops:" reference is shown as it is). */
bool node_is_masked(const struct node *n);
double node_num(const struct node *n);
/* Equal values: numbers by mathematical value (1 and 1.0 are equal), maps whatever
 * their key order. */
bool node_equal(const struct node *a, const struct node *b);
/* A hash of n's value: node_equal nodes hash alike. */
uint64_t node_hash(const struct node *n);
/*
 * A set of values (node_hash, node_equal) with a number each, in an arena: uniqueItems
 * and enum in constant time per value. Zero-initialised is empty.
 */
struct nodeset {
	struct nodeset_ent {
		uint64_t h;
		const struct node *n;	/* NULL: an empty slot */
		size_t val;
	} *e;
	size_t cap, n;
};
/* The number of a member equal to n, or -1. */
long nodeset_get(const struct nodeset *s, const struct node *n);
/* Add n with val unless an equal member is there; returns that member's number, or -1
 * when n was added. */
long nodeset_add(struct arena *a, struct nodeset *s, const struct node *n, size_t val);
/* Map/seq with room for cap children. */
struct node *node_map(struct arena *a, struct loc loc, size_t cap);
/* Set key in map: replace its value, or append it (copying the arrays: build big maps
 * with node_map and node_map_index instead). */
void node_map_set(struct arena *a, struct node *map, struct node *key, struct node *val);
/*
 * Index a map's keys, so that node_get and node_index take constant time on big maps
 * (small ones are searched linearly). The index covers the keys array as it is now:
 * keys appended later are searched linearly until the map is indexed again, which then
 * costs only what was appended (a map that grows one key at a time stays linear if it
 * is indexed after each). A map whose keys are changed in place (removed, reordered)
 * must be indexed again; a copy of a map never inherits its index.
 */
void node_map_index(struct arena *a, struct node *map);
/*
 * The deep merge: over layered onto base (either may be NULL), as a new tree sharing
 * every unchanged subtree. Maps merge key by key, lists and scalars replace whole, a
 * null in over removes the key. Keys in MERGE_OVER_ORDER: over's first, in its order,
 * then those only base has (layering: the file that set a key last orders it); in
 * MERGE_BASE_ORDER: base's, then those only over adds (hub.extra_values over the
 * generated values). take, when not NULL, is applied to every value of over taken
 * whole (where base has no map to merge it into), and its result used instead.
 */
enum merge_order { MERGE_OVER_ORDER, MERGE_BASE_ORDER };
typedef struct node *(*merge_take_fn)(struct arena *a, struct node *n);
struct node *node_merge(struct arena *a, struct node *base, struct node *over,
			enum merge_order order, merge_take_fn take);
/* A value for messages: the scalar text, quoted, or *** for secrets. */
const char *node_display(struct arena *a, const struct node *n);
const char *node_kind_name(enum node_kind k);

/* Parse JSON text into a node tree (locations: line/column of each value in file). json.c */
struct node *json_to_node(struct arena *a, const char *json, size_t len, uint32_t file);

/* The compiled schema of a run (schema.h). */
struct schema;

/* ---- environments (env.c, resolve.c) -------------------------------------------- */

enum tier { TIER_NONE, TIER_EPHEMERAL, TIER_DEVELOPMENT, TIER_STAGING, TIER_PRODUCTION };
struct model;

struct env {
	const char *name;	/* the directory name */
	const char *dir;	/* "environments/<name>" */
	bool abstract;		/* name starts with '_' */
	struct srcfile *file;	/* env.yaml, NULL if unreadable */
	struct node *root;	/* as loaded, NULL if it could not be parsed */
	struct env *parent;	/* resolved extends, or NULL */
	enum tier tier;
	struct node *resolved;	/* after layering, defaults and derivation; NULL if unusable */
	struct arena arena;	/* owns resolved (and later the model and output) */
	const struct node *view;	/* backend.h's view model, built on first use */
	const struct model *model;	/* model.h: its spec typed, NULL without a root */
	bool broken;		/* cannot be resolved at all (no resolved tree) */
	bool invalid;		/* resolved, but the schema found errors: no derived values */
	const struct node *judged;	/* invalid: resolved without the values the schema
					 * refused, what its model is built from (or NULL) */
	bool selected;		/* named on the command line (opt.envs) */
	bool unchecked;		/* lint ENV: its own checks are not run (check_select.c) */
};

/* ---- the pipeline (env.c, resolve.c, names.c, check.c, suppress.c) ---------------- */

/* Find the environments, read the schema, load every spec. -1 on a system failure. */
int envs_load(struct ctx *ctx);
/* extends chains, layering, schema defaults, validation, derived values (SPEC005-008). */
void envs_resolve(struct ctx *ctx);
/* The typed model of every environment that has a spec (model.h), from its resolved tree,
 * else (abstract, or not resolvable) its file as written. */
void envs_model(struct ctx *ctx);
/*
 * Resolve a spec given as node trees, silently (for baselines read from git): roots are
 * the extends chain, the farthest parent first and the environment's own file last,
 * layered onto defaults (may be NULL); schema defaults, validation, derived values.
 * NULL when the result is not a valid spec.
 */
struct node *resolve_quiet(struct ctx *ctx, struct arena *a, const char *env,
			   struct node *defaults, struct node *const *roots, size_t n);
/* Every rule family over every environment, then the cross-environment ones. */
void checks_run(struct ctx *ctx);
/* The families, in the order they run (check_select.c runs them itself). */
size_t checks_nfamilies(void);
const struct check *checks_family(size_t f);
/* lint ENV: the checks of the environments whose findings it can show (check_select.c);
 * checks_select_wanted: whether to (ENV named, not forced to the full run by a test). */
bool checks_select_wanted(const struct ctx *ctx);
void checks_run_selected(struct ctx *ctx);
/* lint.ignore and inline "# eragen:ignore" comments; SPEC011. */
void suppress_apply(struct ctx *ctx);

/* Derived names (DESIGN 4) of environment env, from the values they derive from;
 * arena-owned strings, NULL when one of those is missing (NULL). */
const char *region_abbr(struct arena *a, const char *region);
const char *derived_state_bucket(struct arena *a, const char *app, const char *env,
				 const char *region, const char *account);
const char *derived_lock_table(struct arena *a, const char *env, const char *region);
const char *derived_scratch_bucket(struct arena *a, const char *cluster, const char *account);
/*
 * Where a finding about the value n (at dotted path, may be NULL) of e is reported: the
 * line that set it; for a schema default or derived value, the nearest key on its path
 * that a file wrote, else the environment's 'name', else its file.
 */
struct loc env_value_loc(const struct env *e, const struct node *n, const char *path);
/* The string at dotted path, or NULL when absent or not a string. */
const char *spec_str(const struct node *spec, const char *dotted);

/*
 * A family of rules, gen/check/<family>.c (tmux's cmd-*.c entries): the rows of its rules
 * and what judges them: run_env one environment, run_all all of them together (either may
 * be NULL: some families' rules are reported by the front end or when output is written).
 */
struct check {
	const char *name;
	void (*run_env)(struct ctx *ctx, struct env *env);
	void (*run_all)(struct ctx *ctx);
	const struct rule *rules;	/* by number */
	size_t nrules;
	bool every_env;		/* lint ENV runs it for unchecked environments too */
	bool all_per_env;	/* run_all judges each environment alone, in order, and
				 * skips the unchecked ones */
};
/* Does this version check rule id? (the README and `explain` mark the others planned) */
bool rule_is_checked(const char *id);

/* ---- the run ------------------------------------------------------------------- */

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
	enum out_format format;
	enum color_mode color;
	bool use_color;		/* resolved from color, NO_COLOR and isatty */
	bool werror, quiet;
	const char **only, **skip;	/* rule ids, NULL-terminated, or NULL */
	const char **envs;		/* selected ENV names, NULL-terminated; NULL: all */
	const char *chdir;		/* -C DIR */
	const char *base;		/* --base REV */
	bool staged;
	bool format_set;		/* --format given (or fixed by the command) */
};

struct ctx {
	struct arena perm;		/* lives for the whole run */
	/*
	 * One environment's temporary memory: its SCHED matrix and parsed SOPS file while
	 * it is checked, its view model and rendered files while they are compared and
	 * written. Whoever fills it releases it when that environment is done, so that a
	 * run's peak memory does not grow with the number of environments.
	 */
	struct arena scratch;
	struct options opt;
	const char *root;		/* the repository root, absolute */
	const char *datadir;		/* installed schemas/ and templates/ parent */

	struct srcfile **files;		/* files[0] is unused: loc.file 0 = none */
	size_t nfiles, capfiles;
	uint32_t *file_slots;		/* srcfile_find's hash table of file ids (heap) */
	size_t nslots;

	struct diag **diags;
	size_t ndiags, capdiags;

	struct mask {
		uint32_t file;
		size_t start, end;
	} *masks;
	size_t nmasks, capmasks;

	struct env **envs;		/* sorted by name */
	size_t nenvs, capenvs;
	struct node *defaults;		/* environments/_defaults.yaml, or NULL */
	bool defaults_broken;		/* it exists but cannot be used */
	struct schema *schema;		/* environment.schema.json */
	uint32_t schema_file;		/* its srcfile id, the origin of defaults */

	struct data *data;		/* the data tables (data.h), loaded on first use */
	bool data_tried;
	bool git_ready;			/* libgit2 initialised (repo.c) */
	bool outputs_differ;		/* check: a generated file missing, stale, edited or
					 * orphaned (the exit status SARIF's invocation gives) */
	void *index;			/* the git index, loaded once (repo_index.c) */
	const char *gitdir;		/* the work tree's git directory, NULL: none (repo.c) */
	void *found_repo;		/* repo_find_root's repository, kept for the baseline */
	const char *found_root;		/* the root it was found for (repo.c) */

	int64_t today;			/* days since 1970-01-01 UTC (SOURCE_DATE_EPOCH) */
	size_t env_searches;		/* ctx_nearest_env's so far (NEAREST_SEARCHES) */
	bool all_rules_ran;		/* no --only/--skip/ENV filter: SPEC011 "matched nothing" */
	const struct config *config;	/* .eragen.yaml (config.h), or NULL */
	struct inputs *inputs;		/* the run's inputs, recorded (inputs.h), or NULL */
	struct facts *facts;		/* the facts cache (facts.h), or NULL */
};

void ctx_init(struct ctx *ctx);
void ctx_release(struct ctx *ctx);
struct env *ctx_env(const struct ctx *ctx, const char *name);
/* The environment name nearest to name (a likely typo), or NULL. */
const char *ctx_nearest_env(struct ctx *ctx, const char *name);
/* The index of name in ctx->envs (sorted by name), or -1. */
long ctx_env_index(const struct ctx *ctx, const char *name);
enum tier tier_parse(const char *s);
const char *tier_name(enum tier t);

#endif

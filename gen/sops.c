/*
 * sops.c - the SOPS-file reader of sops.h: metadata, leaf key paths, and which leaves
 * SOPS would encrypt. Nothing is ever decrypted.
 *
 * Consumes a parsed document (sops_scan) or a repository path (sops_read: srcfile_read +
 * yaml_load). Produces a struct sops_file in the caller's arena. The decision "would SOPS
 * encrypt this leaf" copies sops.go's Tree.Encrypt: it starts at "encrypted", then each
 * option present in the metadata, in SOPS's order, judges every key on the leaf's path
 * (list indexes are not keys); an encrypted_* option first resets it to "clear". Values
 * SOPS never touches (null, "") are marked empty.
 */
#include "rx.h"
#include "sops.h"
#include "repo_index.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_UNENCRYPTED_SUFFIX "_unencrypted"

enum option { OPT_UNENC_SUFFIX, OPT_ENC_SUFFIX, OPT_UNENC_RX, OPT_ENC_RX, OPT_COUNT };

/* In the order sops.go applies them. */
static const char *const option_names[OPT_COUNT] = {
	"unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex",
};

/* Options that select values by the comment above them: libyaml reports no comments. */
static const char *const comment_options[] = { "unencrypted_comment_regex",
					       "encrypted_comment_regex", NULL };

struct walk {
	struct arena *a;
	struct sops_file *out;
	size_t cap;
	const char *opt[OPT_COUNT];	/* the options' values, NULL when unset */
	size_t optlen[OPT_COUNT];
	struct rx *rx[OPT_COUNT];	/* the regex options, compiled */
	bool judge;			/* the options can be applied (else: keys only) */
	const struct node *path_keys[YAML_MAX_DEPTH + 2];
	size_t nkeys;
	struct strbuf path;
};

bool sops_is_enc(const char *s, size_t len)
{
	return len >= 5 && memcmp(s, "ENC[", 4) == 0 && s[len - 1] == ']';
}

static bool has_suffix(const struct node *key, const char *suffix, size_t n)
{
	return key->len >= n && memcmp(key->str + key->len - n, suffix, n) == 0;
}

/* Does the key match option o? 1, 0, or -1 when the regex could not decide. */
static int key_matches(const struct walk *w, enum option o, const struct node *key)
{
	if (o == OPT_UNENC_SUFFIX || o == OPT_ENC_SUFFIX)
		return has_suffix(key, w->opt[o], w->optlen[o]);
	return rx_search(w->rx[o], key->str, key->len);
}

/* sops.go's decision for a leaf below the keys on w's path. */
static void judge_leaf(const struct walk *w, struct sops_leaf *leaf)
{
	bool encrypted = true;
	for (int o = 0; o < OPT_COUNT; o++) {
		if (!w->opt[o])
			continue;
		bool makes_clear = o == OPT_UNENC_SUFFIX || o == OPT_UNENC_RX;
		if (!makes_clear)
			encrypted = false;
		for (size_t k = 0; k < w->nkeys; k++) {
			int m = key_matches(w, (enum option)o, w->path_keys[k]);
			if (m < 0) {
				leaf->undecided = true;
				continue;
			}
			if (m) {
				encrypted = !makes_clear;
				break;
			}
		}
	}
	leaf->clear = !encrypted;
}

static void add_leaf(struct walk *w, const struct node *v)
{
	struct sops_leaf leaf = { 0 };
	leaf.path = arena_strndup(w->a, w->path.buf ? w->path.buf : "", w->path.len);
	leaf.value = v;
	leaf.empty = v->kind == NODE_NULL || (v->kind == NODE_STR && v->len == 0);
	leaf.encrypted = v->kind == NODE_STR && sops_is_enc(v->str, v->len);
	if (w->judge)
		judge_leaf(w, &leaf);
	ARENA_PUSH(w->a, w->out->leaves, w->out->nleaves, w->cap, leaf);
}

static void walk_value(struct walk *w, const struct node *v, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;	/* load.c caps nesting before this: defensive */
	if (v->kind != NODE_MAP && v->kind != NODE_SEQ) {
		add_leaf(w, v);
		return;
	}
	size_t mark = w->path.len;
	for (size_t i = 0; i < v->n; i++) {
		if (mark)
			sb_putc(&w->path, '.');
		if (v->kind == NODE_MAP) {
			sb_add(&w->path, v->keys[i]->str, v->keys[i]->len);
			w->path_keys[w->nkeys++] = v->keys[i];
		} else {
			sb_printf(&w->path, "%zu", i);
		}
		walk_value(w, v->items[i], depth + 1);
		if (v->kind == NODE_MAP)
			w->nkeys--;
		w->path.len = mark;
		if (w->path.buf)
			w->path.buf[mark] = '\0';
	}
}

/* A non-empty string option of the metadata, or NULL. */
static const struct node *meta_str(const struct node *meta, const char *key)
{
	const struct node *n = node_get(meta, key);
	return n && n->kind == NODE_STR && n->len > 0 ? n : NULL;
}

/* Read the options from the metadata; false (with out->unjudged) if leaves cannot be
 * judged. */
static bool read_options(struct walk *w, const struct node *meta)
{
	struct sops_file *out = w->out;
	for (const char *const *c = comment_options; *c; c++) {
		const struct node *n = meta_str(meta, *c);
		if (n) {
			out->unjudged = n;
			out->unjudged_why = arena_printf(w->a, "'%s' selects values by their comments, "
							 "which eragen cannot read", *c);
			return false;
		}
	}
	for (int o = 0; o < OPT_COUNT; o++) {
		const struct node *n = meta ? meta_str(meta, option_names[o]) : NULL;
		if (!n)
			continue;
		w->opt[o] = n->str;
		w->optlen[o] = n->len;
		out->option = option_names[o];
		out->option_node = n;
		if (o != OPT_UNENC_RX && o != OPT_ENC_RX)
			continue;
		char err[256];
		w->rx[o] = rx_compile(n->str, n->len, false, err, sizeof(err));
		if (!w->rx[o]) {
			out->unjudged = n;
			out->unjudged_why = arena_printf(w->a, "'%s' cannot be compiled: %s",
							 option_names[o], err);
			out->rx_error = true;
			return false;
		}
	}
	if (!out->option) {
		w->opt[OPT_UNENC_SUFFIX] = DEFAULT_UNENCRYPTED_SUFFIX;
		w->optlen[OPT_UNENC_SUFFIX] = strlen(DEFAULT_UNENCRYPTED_SUFFIX);
		out->option = option_names[OPT_UNENC_SUFFIX];
	}
	return true;
}

/* The walk's heap memory and compiled options: its oom guard's release, and its end. */
static void walk_release(void *arg)
{
	struct walk *w = arg;
	for (int o = 0; o < OPT_COUNT; o++) {
		rx_free(w->rx[o]);
		w->rx[o] = NULL;
	}
	sb_release(&w->path);
}

void sops_scan(struct arena *a, const struct node *root, struct sops_file *out)
{
	memset(out, 0, sizeof(*out));
	out->root = root;
	if (!root || root->kind != NODE_MAP)
		return;
	long mi = node_index(root, "sops");
	if (mi >= 0 && root->items[mi]->kind == NODE_MAP) {
		out->meta = root->items[mi];
		out->meta_key = root->keys[mi];
		out->has_mac = meta_str(out->meta, "mac") != NULL;
	}
	struct walk w = { .a = a, .out = out };
	struct oom_guard guard;
	oom_guard_push(&guard, walk_release, &w);
	w.judge = read_options(&w, out->meta);
	for (size_t i = 0; i < root->n; i++) {
		if ((long)i == mi)
			continue;	/* the metadata is not part of the tree */
		w.path.len = 0;
		sb_add(&w.path, root->keys[i]->str, root->keys[i]->len);
		w.path_keys[0] = root->keys[i];
		w.nkeys = 1;
		walk_value(&w, root->items[i], 1);
	}
	oom_guard_pop(&guard);
	walk_release(&w);
}

struct sops_file *sops_read(struct ctx *ctx, struct arena *a, const char *relpath,
			    struct loc at, bool *missing)
{
	*missing = false;
	if (path_stays_inside(relpath)) {
		/* with --staged, absent from the index (the work tree does not count: a
		 * sparse checkout, a deletion not staged) */
		struct stat st;
		const char *abs = arena_printf(a, "%s/%s", ctx->root, relpath);
		if (ctx->opt.staged ? !repo_index_has(ctx, relpath)
				    : lstat(abs, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
			*missing = true;
			return NULL;
		}
	}
	struct srcfile *f = srcfile_read(ctx, relpath, at);
	if (!f)
		return NULL;
	f->secrets = SRC_SOPS;	/* its snippets show no value that is not ENC[...] */
	struct node *root = yaml_load(ctx, a, f);
	if (!root)
		return NULL;
	struct sops_file *s = arena_alloc(a, sizeof(*s));
	sops_scan(a, root, s);
	s->file = f;
	return s;
}

const struct sops_leaf *sops_find(const struct sops_file *s, const char *path, size_t len)
{
	for (size_t i = 0; s && i < s->nleaves; i++)
		if (strlen(s->leaves[i].path) == len && memcmp(s->leaves[i].path, path, len) == 0)
			return &s->leaves[i];
	return NULL;
}

bool sops_is_branch(const struct sops_file *s, const char *path, size_t len)
{
	for (size_t i = 0; s && i < s->nleaves; i++) {
		const char *p = s->leaves[i].path;
		if (strlen(p) > len && memcmp(p, path, len) == 0 && p[len] == '.')
			return true;
	}
	return false;
}

/*
 * out_stamp.c - the stamp cache: what build last knew of each generated file on disk, so
 * that a no-op build or a check tells an unchanged file from a changed one without
 * reading it, as git's index does for the work tree.
 *
 * The cache is <git dir>/eragen-stamps (the per-work-tree git directory: never committed,
 * never in the output), written by build after its commit, atomically (temp file,
 * rename), never synced: losing it only costs reads. Outside a git repository there is
 * none. Each line describes one generated file as build saw it (read and found equal to
 * what it rendered, or written by it):
 *
 *   <body blob ID> <header's blob ID, or -> <dev> <ino> <size> <mtime s> <mtime ns>
 *   <ctime s> <ctime ns> <path>
 *
 * after a first line "eragen-stamps 1 <root>". A stamp vouches for a file only when the
 * file's lstat has the same device, inode, size, mtime and ctime, and the file is not
 * racy: its mtime and ctime are older than the cache file's own mtime (a file changed in
 * the same clock tick as the cache was written could keep every field). An edit that
 * restores the mtime (touch -d, cp -p, an editor that preserves it) still changes the
 * ctime, which no user can set; replacing the file changes its inode. A vouched-for file
 * holds the header and body the stamp's IDs describe: it is unchanged when the body
 * eragen renders has the stamp's blob ID and its header (made with that ID) the stamp's
 * header ID, and its size is theirs. Anything else (no stamp, a stale or racy one, a
 * cache of another root, a damaged cache) means the file is read and compared, as without
 * a cache: the cache decides only which files need no read, never what a read finds.
 *
 * The cache is untrusted input too (a tool or a person may write anything there): a line
 * that does not parse, or paths out of order, make the whole cache be ignored.
 */
#include "out_int.h"
#include "repo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAMPS_FILE "eragen-stamps"
#define STAMPS_MAX (256u << 20)	/* far above 1,000 environments' 2 MB */
#define STAMPS_MAGIC "eragen-stamps 1 "

bool ow_take_u64(const char **p, uint64_t *v, char stop)
{
	char *end;
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	unsigned long long x = strtoull(*p, &end, 10);
	if (errno || *end != stop)
		return false;
	*v = x;
	*p = end + (stop != '\0');
	return true;
}

bool ow_take_id(const char **p, char out[41], bool dash_ok)
{
	if (dash_ok && (*p)[0] == '-' && (*p)[1] == ' ') {
		strcpy(out, "-");
		*p += 2;
		return true;
	}
	if (!ow_is_hex40(*p, strlen(*p)) || (*p)[40] != ' ')
		return false;
	memcpy(out, *p, 40);
	out[40] = '\0';
	*p += 41;
	return true;
}

/* One line (NUL-terminated, without its newline) into *st; false when it is not one. */
static bool parse_line(const char *line, struct stamp *st)
{
	uint64_t dev, ino, size, ms, mns, cs, cns;
	const char *p = line;
	if (!ow_take_id(&p, st->blob, false) || !ow_take_id(&p, st->head, true) ||
	    !ow_take_u64(&p, &dev, ' ') || !ow_take_u64(&p, &ino, ' ') ||
	    !ow_take_u64(&p, &size, ' ') || !ow_take_u64(&p, &ms, ' ') ||
	    !ow_take_u64(&p, &mns, ' ') || !ow_take_u64(&p, &cs, ' ') ||
	    !ow_take_u64(&p, &cns, ' ') || !*p || mns >= 1000000000u || cns >= 1000000000u ||
	    size > (uint64_t)INT64_MAX || ms > (uint64_t)INT64_MAX || cs > (uint64_t)INT64_MAX)
		return false;
	st->path = p;
	st->id = (struct file_id){ (dev_t)dev, (ino_t)ino, (off_t)size,
				 { (time_t)ms, (long)mns }, { (time_t)cs, (long)cns } };
	return true;
}

/* The cache's path, or NULL outside a git repository. */
static bool parse_all(struct ctx *ctx, struct stamps *s, char *data, size_t len)
{
	size_t ml = strlen(STAMPS_MAGIC), rl = strlen(ctx->root);
	if (len < ml + rl + 1 || memcmp(data, STAMPS_MAGIC, ml) != 0 ||
	    memcmp(data + ml, ctx->root, rl) != 0 || data[ml + rl] != '\n')
		return false;	/* another format, or another root's */
	size_t cap = 0;
	for (size_t pos = ml + rl + 1; pos < len;) {
		char *nl = memchr(data + pos, '\n', len - pos);
		if (!nl)
			return false;	/* cut short */
		*nl = '\0';
		struct stamp st;
		if (memchr(data + pos, '\0', (size_t)(nl - data) - pos) || !parse_line(data + pos, &st))
			return false;
		if (s->n && strcmp(s->v[s->n - 1].path, st.path) >= 0)
			return false;	/* sorted, each path once */
		struct stamp_line sl = { data + pos, st.path };
		VEC_PUSH(s->v, s->n, cap, sl);
		pos = (size_t)(nl - data) + 1;
	}
	return true;
}

void ow_stamps_load(struct ctx *ctx, struct stamps *s)
{
	size_t len;
	s->data = cachefile_read(cachefile_path(ctx, STAMPS_FILE), STAMPS_MAX, &len, &s->written);
	if (!s->data)
		return;
	if (!parse_all(ctx, s, s->data, len)) {
		free(s->v);
		s->v = NULL;
		s->n = 0;
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct stamp_line *)a)->path, ((const struct stamp_line *)b)->path);
}

/* A line parse_all accepted parses again. */
static struct stamp line_stamp(const struct stamp_line *l)
{
	struct stamp st;
	if (!parse_line(l->line, &st))
		memset(&st, 0, sizeof(st));	/* not reached */
	return st;
}

const struct stamp *ow_stamp_find(struct stamps *s, const char *path)
{
	struct stamp_line key = { NULL, path };
	const struct stamp_line *l =
		s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_line) : NULL;
	if (!l)
		return NULL;
	s->found = line_stamp(l);
	return &s->found;
}

bool ow_stamp_fresh(const struct stamps *s, const struct stamp *p, const struct stat *st)
{
	return file_id_fresh(&p->id, st, s->written);
}

static void put_line(struct strbuf *sb, const struct stamp *p)
{
	sb_printf(sb, "%s %s %" PRIuMAX " %" PRIuMAX " %" PRIuMAX " %" PRIdMAX " %ld %" PRIdMAX
		      " %ld %s\n",
		  p->blob, p->head, (uintmax_t)p->id.dev, (uintmax_t)p->id.ino,
		  (uintmax_t)p->id.size, (intmax_t)p->id.mtime.tv_sec, (long)p->id.mtime.tv_nsec,
		  (intmax_t)p->id.ctime.tv_sec, (long)p->id.ctime.tv_nsec, p->path);
}

/* The text of the new cache: v (sorted by path) and the old stamps of other paths. */
static void cache_text(struct ctx *ctx, const struct stamps *old, const struct stamp *v,
		       size_t n, struct strbuf *sb)
{
	sb_printf(sb, STAMPS_MAGIC "%s\n", ctx->root);
	size_t i = 0, k = 0;
	while (i < n || k < old->n) {
		int c = i == n ? 1 : k == old->n ? -1 : strcmp(v[i].path, old->v[k].path);
		if (c <= 0) {
			if (!strchr(v[i].path, '\n'))
				put_line(sb, &v[i]);
			i++;
			k += c == 0;
		} else {
			struct stamp st = line_stamp(&old->v[k++]);
			put_line(sb, &st);
		}
	}
}

void ow_stamps_save(struct ctx *ctx, const struct stamps *old, const struct stamp *v, size_t n)
{
	const char *p = cachefile_path(ctx, STAMPS_FILE);
	if (!p)
		return;
	struct strbuf text = STRBUF_INIT;
	struct oom_guard g;
	oom_guard_strbuf(&g, &text);
	cache_text(ctx, old, v, n, &text);
	cachefile_write(p, text.buf, text.len);
	oom_guard_pop(&g);
	sb_release(&text);
}

void ow_stamps_free(struct stamps *s)
{
	free(s->v);
	free(s->data);
	memset(s, 0, sizeof(*s));
}

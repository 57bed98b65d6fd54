/*
 * repo_index_file.c - the git index file (Documentation/gitformat-index.txt in git),
 * read for the read-only questions of `lint --staged` and `check --staged`: the entry of
 * a path at a stage, a conflict, the first entry under a directory, an entry by position.
 *
 * Consumes one file, read whole into one buffer; produces an array of entries in index
 * order whose paths point into that buffer (versions 2 and 3) or into one buffer of
 * expanded paths (version 4, whose paths are prefix-compressed). The parse is one linear
 * pass, then one linear check of the order; every length is checked against what is left
 * of the file before it is used, and nothing is allocated beyond a small multiple of the
 * file's size (an entry takes at least 64 bytes of it, a path at most 4,095 expanded).
 *
 * Exactness: the answers are libgit2 1.5's (index.c: parse_index, read_entry,
 * read_extension, and the TREE, REUC and NAME readers it runs), or none. Whatever libgit2
 * would refuse, and whatever this reader does not fully check, declines the file (f->why
 * says what), and repo_index.c asks libgit2, which answers or fails as it does today:
 * a version other than 2-4, a required extension (one whose signature does not start
 * with 'A'-'Z': "link" of a split index, "sdir" of a sparse one), an entry or extension
 * running past the end, a count that does not match, a path without its NUL where its
 * length says, a version 4 strip longer than the previous path or a path of 4,096 bytes
 * or more, a path libgit2 refuses to load (".", "..", ".git" in any NTFS spelling:
 * index_entry_create) or one with an empty component (which libgit2 loads and git never
 * writes), entries not strictly sorted by (path as unsigned bytes, stage) as git writes
 * them (libgit2 does not sort them on read: its lookups would be a hash map's and a
 * binary search's over an unsorted array), a malformed TREE, REUC or NAME extension.
 *
 * Not verified: the SHA-1 of the file that ends it (it must be there: the extensions end
 * exactly 20 bytes before the end). git does not verify it when it reads the index
 * either (read-cache.c, verify_hdr: only when verify_index_checksum is set, which fsck
 * does); libgit2 1.5 always does, with its collision-detecting SHA-1: a quarter of the
 * instructions of a pre-commit run on eragen's own repository. The hook answers for what git will commit,
 * and git commits these bytes without that check; a damaged index is still refused by
 * every structural check above. (A mismatch is the one case where the answers differ
 * from libgit2, which would fail: git would not.)
 */
#include "repo_index_file.h"
#include "alloc.h"
#include "eragen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER 12
#define CHECKSUM 20
#define ENTRY_MIN 62		/* the fixed part, without extended flags */
#define ENTRY_LEAST 64		/* the fewest bytes an entry of any version takes */
#define FLAG_EXTENDED 0x4000
#define NAMEMASK 0xFFF
#define PATH_LIMIT 4096		/* libgit2's GIT_PATH_MAX, for version 4 paths */
#define FILE_LIMIT (1u << 30)	/* a larger index is left to libgit2 */

/* The parse: the file, where it is, and what is being built. */
struct parse {
	struct rif *f;
	const unsigned char *p, *end;	/* end: where the checksum starts */
	unsigned version;
	size_t paths_len, paths_cap;	/* version 4: f->paths */
	size_t prev_off, prev_len;	/* version 4: the previous path in f->paths */
};

static int decline(struct rif *f, const char *why)
{
	f->why = why;
	return 1;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool ascii_ieq(const char *s, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)lower[i])
			return false;
	}
	return true;
}

/*
 * Would libgit2 load a path component of len bytes? Its read-time check
 * (GIT_PATH_REJECT_INDEX_DEFAULTS, no repository yet): no "." or "..", and, with the NTFS
 * protection on by default, nothing that starts with ".git" or "git~1" (any case) and
 * goes on with '\' or ':' or only spaces and dots (path.c, validate_dotgit_ntfs; the HFS
 * check needs a repository or macOS). An empty component libgit2 accepts; git never
 * writes one, and this reader declines it.
 */
static bool component_ok(const char *c, size_t len)
{
	if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
		return false;
	size_t start = 0;
	if (c[0] == '.' && len >= 4 && ascii_ieq(c + 1, "git", 3))
		start = 4;
	else if ((c[0] | 32) == 'g' && len >= 5 && ascii_ieq(c, "git~1", 5))
		start = 5;
	if (!start)
		return true;
	if (start < len && (c[start] == '\\' || c[start] == ':'))
		return false;
	for (size_t i = start; i < len; i++)
		if (c[i] != ' ' && c[i] != '.')
			return true;
	return false;
}

static bool path_ok(const char *path, size_t len)
{
	const char *c = path, *end = path + len;
	for (;;) {
		const char *slash = memchr(c, '/', (size_t)(end - c));
		if (!component_ok(c, (size_t)((slash ? slash : end) - c)))
			return false;
		if (!slash)
			return true;
		c = slash + 1;
	}
}

/* git_decode_varint (the offset encoding), bounded by end; false when it runs past end
 * or overflows as libgit2's does. */
static bool varint(const unsigned char **pp, const unsigned char *end, uintmax_t *out)
{
	const unsigned char *p = *pp;
	if (p >= end)
		return false;
	unsigned char c = *p++;
	uintmax_t val = c & 127;
	while (c & 128) {
		val += 1;
		if (!val || (val >> (sizeof(val) * 8 - 7)) != 0 || p >= end)
			return false;
		c = *p++;
		val = (val << 7) + (c & 127);
	}
	*pp = p;
	*out = val;
	return true;
}

/* Room for n more bytes in f->paths (version 4). */
static void paths_room(struct parse *ps, size_t n)
{
	if (ps->paths_cap - ps->paths_len >= n)
		return;
	size_t cap = ps->paths_cap ? ps->paths_cap : 4096;
	while (cap - ps->paths_len < n)
		cap *= 2;	/* n < PATH_LIMIT + 1 and cap grows from 4096: no overflow */
	ps->f->paths = xrealloc(ps->f->paths, cap);
	ps->paths_cap = cap;
}

/* A version 4 path: strip bytes off the previous path, then the NUL-terminated suffix at
 * s (before ps->end). Its length in *len; false to decline. */
static bool path_v4(struct parse *ps, const unsigned char *s, size_t *len, size_t *used)
{
	const unsigned char *q = s;
	uintmax_t strip;
	if (!varint(&q, ps->end, &strip))
		return false;
	const unsigned char *nul = memchr(q, '\0', (size_t)(ps->end - q));
	if (!nul || strip > ps->prev_len)
		return false;
	size_t keep = ps->prev_len - (size_t)strip, suffix = (size_t)(nul - q);
	if (suffix >= PATH_LIMIT || keep + suffix + 1 > PATH_LIMIT)
		return false;
	paths_room(ps, keep + suffix + 1);
	char *dst = ps->f->paths + ps->paths_len;
	memmove(dst, ps->f->paths + ps->prev_off, keep);
	memcpy(dst + keep, q, suffix);
	dst[keep + suffix] = '\0';
	ps->prev_off = ps->paths_len;
	ps->prev_len = keep + suffix;
	ps->paths_len += keep + suffix + 1;
	*len = keep + suffix;
	*used = (size_t)(nul + 1 - s);
	return true;
}

/* One entry at ps->p into e; 0, or 1 (declined). */
static int entry_read(struct parse *ps, struct rif_entry *e)
{
	const unsigned char *p = ps->p;
	size_t left = (size_t)(ps->end - p);
	if (left < ENTRY_MIN)
		return decline(ps->f, "an entry runs past the end");
	e->mode = be32(p + 24);
	e->size = be32(p + 36);
	memcpy(e->id, p + 40, 20);
	e->flags = be16(p + 60);
	size_t fixed = ENTRY_MIN + (e->flags & FLAG_EXTENDED ? 2 : 0), size;
	if (left < fixed)
		return decline(ps->f, "an entry runs past the end");
	const unsigned char *name = p + fixed;
	if (ps->version >= 4) {
		size_t used;
		if (!path_v4(ps, name, &e->len, &used))
			return decline(ps->f, "a version 4 path does not fit");
		e->path = NULL;	/* f->paths moves as it grows: set at the end */
		size = fixed + used;
	} else {
		size_t len = e->flags & NAMEMASK;
		const unsigned char *nul = memchr(name, '\0', (size_t)(ps->end - name));
		if (!nul || (len != NAMEMASK && (size_t)(nul - name) != len))
			return decline(ps->f, "a path does not end where its length says");
		e->len = (size_t)(nul - name);
		e->path = (const char *)name;
		size = (fixed + e->len + 8) & ~(size_t)7;
	}
	if (size > left)
		return decline(ps->f, "an entry runs past the end");
	ps->p += size;
	return 0;
}

/* key (klen bytes) at stage against e in git's (and libgit2's) order: memcmp, the
 * shorter first, then the stage; stage < 0 matches any stage (libgit2's
 * git_index_entry_srch, for a prefix search) */
static int key_cmp(const char *key, size_t klen, int stage, const struct rif_entry *e)
{
	size_t n = klen < e->len ? klen : e->len;
	int c = memcmp(key, e->path, n);
	if (c)
		return c;
	if (klen != e->len)
		return klen < e->len ? -1 : 1;
	return stage < 0 ? 0 : stage - rif_stage(e);
}

/* Version 4 paths into place; then each path checked, and the order. */
static int entries_check(struct parse *ps)
{
	struct rif *f = ps->f;
	size_t off = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct rif_entry *e = &f->v[i];
		if (ps->version >= 4) {
			e->path = f->paths + off;
			off += e->len + 1;
		}
		if (!path_ok(e->path, e->len))
			return decline(f, "a path libgit2 refuses");
		const struct rif_entry *prev = i ? &f->v[i - 1] : NULL;
		if (prev && key_cmp(prev->path, prev->len, rif_stage(prev), e) >= 0)
			return decline(f, "the entries are not sorted, or repeat");
	}
	return 0;
}

/* A decimal or octal number as git__strntol reads it, but digits only (and, when neg,
 * an optional '-'): anything else is declined. */
static bool number(const unsigned char **pp, const unsigned char *end, unsigned base,
		   bool neg, int64_t *out)
{
	const unsigned char *p = *pp;
	bool minus = neg && p < end && *p == '-';
	p += minus;
	int64_t v = 0;
	const unsigned char *digits = p;
	while (p < end && *p >= '0' && *p < '0' + base) {
		if (p - digits >= 12)
			return false;
		v = v * base + (*p++ - '0');
	}
	if (p == digits)
		return false;
	*out = minus ? -v : v;
	*pp = p;
	return true;
}

/* The TREE extension as git_tree_cache_read reads it (its recursion is a flat sequence
 * of nodes in preorder: each adds its children to the nodes still to read). */
static bool tree_ok(const unsigned char *p, const unsigned char *end)
{
	size_t pending = 1;
	while (pending) {
		const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
		int64_t entries, children;
		if (!nul || (p = nul + 1) >= end ||
		    !number(&p, end, 10, true, &entries) || entries < INT32_MIN ||
		    entries > INT32_MAX ||
		    p >= end || *p++ != ' ' || p >= end ||
		    !number(&p, end, 10, false, &children) || children > INT32_MAX ||
		    p >= end || *p++ != '\n')
			return false;
		if (entries >= 0) {
			if ((size_t)(end - p) < 20)
				return false;
			p += 20;
		}
		/* more nodes than bytes left cannot all be there: libgit2 fails, or runs
		 * out of memory on the way (it allocates for the count first) */
		pending = pending - 1 + (size_t)children;
		if (pending > (size_t)(end - p))
			return false;
	}
	return p == end;
}

/* The REUC extension as read_reuc reads it. */
static bool reuc_ok(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		size_t size = (size_t)(end - p), len = strnlen((const char *)p, size) + 1;
		if (size <= len)
			return false;
		p += len;
		int64_t mode[3];
		for (int i = 0; i < 3; i++) {
			const unsigned char *q = p;
			if (!number(&q, end, 8, false, &mode[i]) || mode[i] > UINT32_MAX ||
			    q >= end || *q != '\0' || (size_t)(end - p) <= (size_t)(q + 1 - p))
				return false;
			p = q + 1;
		}
		for (int i = 0; i < 3; i++) {
			if (!mode[i])
				continue;
			if ((size_t)(end - p) < 20)
				return false;
			p += 20;
		}
	}
	return true;
}

/* The NAME extension as read_conflict_names reads it: three NUL-terminated names each. */
static bool name_ok(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		for (int i = 0; i < 3; i++) {
			const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
			if (!nul)
				return false;
			p = nul + 1;
		}
	}
	return true;
}

/* The extensions, from ps->p to the checksum. */
static int extensions_read(struct parse *ps)
{
	while (ps->p < ps->end) {
		const unsigned char *p = ps->p;
		if (ps->end - p < 8 || be32(p + 4) > (size_t)(ps->end - p) - 8)
			return decline(ps->f, "an extension runs past the end");
		const unsigned char *data = p + 8, *dend = data + be32(p + 4);
		bool ok = true;
		if (p[0] < 'A' || p[0] > 'Z')
			return decline(ps->f, "a required extension (a split or sparse index)");
		if (memcmp(p, "TREE", 4) == 0)
			ok = tree_ok(data, dend);
		else if (memcmp(p, "REUC", 4) == 0)
			ok = reuc_ok(data, dend);
		else if (memcmp(p, "NAME", 4) == 0)
			ok = name_ok(data, dend);
		if (!ok)
			return decline(ps->f, "a malformed TREE, REUC or NAME extension");
		ps->p = dend;
	}
	return 0;
}

static int parse(struct rif *f, size_t size)
{
	const unsigned char *b = (const unsigned char *)f->buf;
	if (size < HEADER + CHECKSUM)
		return decline(f, "too short");
	struct parse ps = { .f = f, .p = b + HEADER, .end = b + size - CHECKSUM };
	ps.version = be32(b + 4);
	if (memcmp(b, "DIRC", 4) != 0 || ps.version < 2 || ps.version > 4)
		return decline(f, "not an index of version 2, 3 or 4");
	uint32_t count = be32(b + 8);
	if (count > (size - HEADER - CHECKSUM) / ENTRY_LEAST)
		return decline(f, "more entries than the file can hold");
	f->v = xmalloc((count ? count : 1) * sizeof(*f->v));
	for (f->n = 0; f->n < count; f->n++)
		if (entry_read(&ps, &f->v[f->n]) != 0)
			return 1;
	if (entries_check(&ps) != 0 || extensions_read(&ps) != 0)
		return 1;
	return 0;
}

/* The file into f->buf; 0, 1 (declined), or -1: absent. */
static int slurp(struct rif *f, const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -1 : decline(f, "cannot open it");
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_LIMIT) {
		close(fd);
		return decline(f, "not a regular file of a reasonable size");
	}
	*size = (size_t)st.st_size;
	f->buf = alloc_lib_malloc(ALLOC_ERAGEN, *size + 1);
	if (!f->buf) {
		close(fd);
		oom();
	}
	size_t got = 0;
	while (got < *size) {
		ssize_t r = read(fd, f->buf + got, *size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != *size)
		return decline(f, "cannot read it");
	f->buf[got] = '\0';
	return 0;
}

int rif_load(struct rif *f, const char *path)
{
	size_t size = 0;
	int rc = slurp(f, path, &size);
	if (rc < 0)
		return 0;	/* absent: no entries, as libgit2 has it */
	if (rc == 0)
		rc = parse(f, size);
	if (rc != 0) {
		const char *why = f->why;
		rif_free(f);
		f->why = why;
	}
	return rc;
}

void rif_free(struct rif *f)
{
	alloc_lib_free(f->buf);
	free(f->paths);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* libgit2's git__bsearch: the position of a match (any, when several compare equal) or
 * where key would go; true when found. */
static bool bsearch_pos(const struct rif *f, const char *key, int stage, size_t *pos)
{
	size_t klen = strlen(key), base = 0;
	int c = -1;
	for (size_t lim = f->n; lim != 0; lim >>= 1) {
		size_t part = base + (lim >> 1);
		c = key_cmp(key, klen, stage, &f->v[part]);
		if (c == 0) {
			base = part;
			break;
		}
		if (c > 0) {
			base = part + 1;
			lim--;
		}
	}
	*pos = base;
	return c == 0;
}

long rif_find(const struct rif *f, const char *path, int stage)
{
	size_t pos;
	return bsearch_pos(f, path, stage, &pos) ? (long)pos : -1;
}

bool rif_conflict(const struct rif *f, const char *path)
{
	return rif_find(f, path, 1) >= 0 || rif_find(f, path, 2) >= 0 ||
	       rif_find(f, path, 3) >= 0;
}

bool rif_find_prefix(const struct rif *f, const char *prefix, size_t *pos)
{
	bsearch_pos(f, prefix, -1, pos);
	size_t pl = strlen(prefix);
	return *pos < f->n && f->v[*pos].len >= pl && memcmp(f->v[*pos].path, prefix, pl) == 0;
}

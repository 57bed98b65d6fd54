/*
 * util.c - memory and strings: the heap wrappers, growable arenas, the string builder.
 *
 * Out of memory is not an abort: oom() releases what the guards on the stack hold, then
 * longjmps to the handler installed by main, which releases the ctx and exits 3. The
 * jmp_buf and the guard stack are the process state here: the target is set once by
 * main (oom_catch) before any allocation; guards are pushed and popped in stack order by
 * the functions that hold a resource outside the arenas.
 *
 * Test builds (alloc.h) may make any heap allocation or any arena allocation fail.
 */
#include "alloc.h"
#include "eragen.h"
#include "util.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf *oom_target;
static struct oom_guard *oom_guards;

void oom_catch(jmp_buf *target)
{
	oom_target = target;
}

void oom_guard_push(struct oom_guard *g, void (*release)(void *), void *arg)
{
	g->release = release;
	g->arg = arg;
	g->prev = oom_guards;
	oom_guards = g;
}

void oom_guard_pop(struct oom_guard *g)
{
	if (oom_guards != g)
		BUG("oom guards popped out of order");
	oom_guards = g->prev;
}

static void release_strbuf(void *sb)
{
	sb_release(sb);
}

void oom_guard_strbuf(struct oom_guard *g, struct strbuf *sb)
{
	oom_guard_push(g, release_strbuf, sb);
}

static void release_arena(void *a)
{
	arena_release(a);
}

void oom_guard_arena(struct oom_guard *g, struct arena *a)
{
	oom_guard_push(g, release_arena, a);
}

bool oom_guards_clear(void)
{
	return oom_guards == NULL;
}

void oom(void)
{
	/* innermost first; each guard is popped before it runs, so a release that ran out
	 * of memory itself could not run twice (none allocates) */
	while (oom_guards) {
		struct oom_guard *g = oom_guards;
		oom_guards = g->prev;
		g->release(g->arg);
	}
	if (oom_target)
		longjmp(*oom_target, 1);
	fputs("eragen: out of memory\n", stderr);
	exit(EXIT_SYSTEM);
}

void *xmalloc(size_t size)
{
	void *p = alloc_inject(ALLOC_ERAGEN) ? NULL : malloc(size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = alloc_inject(ALLOC_ERAGEN) ? NULL : calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = alloc_inject(ALLOC_ERAGEN) ? NULL : realloc(p, size ? size : 1);
	if (!q)
		oom();
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static size_t grow_cap(size_t cap, size_t need, size_t elem)
{
	size_t ncap = cap ? cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			oom();
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		oom();
	return ncap;
}

void vec_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t ncap = grow_cap(*cap, need, elem);
	*p = xrealloc(*p, ncap * elem);
	*cap = ncap;
}

void verror(const char *fmt, va_list ap)
{
	fputs("eragen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "eragen: internal error at %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_BUG);
}

/* ---- arenas ---- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

/*
 * Chunks grow geometrically from ARENA_FIRST to ARENA_CHUNK bytes: an environment's
 * arena holds some 25 KB, and a fixed 64 KB chunk would leave most of each untouched,
 * memory that the allocator hands out again (and the process touches) once the arena is
 * released.
 */
#define ARENA_FIRST 4096
#define ARENA_CHUNK 65536

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	if (alloc_inject(ALLOC_ARENA))
		oom();	/* as if the chunk below had to be allocated and could not be */
	if (size > SIZE_MAX - 15)
		oom();
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t grown = !c ? ARENA_FIRST : c->size >= ARENA_CHUNK ? ARENA_CHUNK : c->size * 2;
		size_t csize = size > ARENA_CHUNK / 4 ? size : size > grown ? ARENA_CHUNK : grown;
		if (csize > SIZE_MAX - sizeof(*c))
			oom();
		struct arena_chunk *n =
			alloc_inject(ALLOC_ERAGEN) ? NULL : malloc(sizeof(*n) + csize);
		if (!n)
			oom();
		n->size = csize;
		n->used = 0;
		if (c && size > ARENA_CHUNK / 4) {
			/* a big block: keep the current chunk for small ones */
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		c = n;
	}
	void *p = c->data + c->used;
	c->used += size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old, size_t size)
{
	if (size <= old)
		return p;
	/* the last block of the current chunk grows where it is (a string being built) */
	struct arena_chunk *c = a->head;
	size_t had = (old + 15) & ~(size_t)15, want = (size + 15) & ~(size_t)15;
	if (p && c && (unsigned char *)p + had == c->data + c->used && want >= had &&
	    c->size - c->used >= want - had) {
		memset(c->data + c->used, 0, want - had);
		c->used += want - had;
		a->used += want - had;
		return p;
	}
	void *q = arena_alloc(a, size);
	if (p && old)
		memcpy(q, p, old);
	return q;
}

void arena_grow(struct arena *a, void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t ncap = grow_cap(*cap, need, elem);
	*p = arena_realloc(a, *p, *cap * elem, ncap * elem);
	*cap = ncap;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	/* most results are short: format once into a buffer, copy; else format twice */
	char buf[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	if ((size_t)n < sizeof(buf))
		return arena_strndup(a, buf, (size_t)n);
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- strbuf ---- */

void sb_grow(struct strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - sb->len - 1)
		oom();
	if (sb->a)
		arena_grow(sb->a, (void **)&sb->buf, &sb->cap, sb->len + extra + 1, 1);
	else
		vec_grow((void **)&sb->buf, &sb->cap, sb->len + extra + 1, 1);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_release(struct strbuf *sb)
{
	if (!sb->a)
		free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_json_str(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sb_putc(sb, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
				u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
				esc = u;
			}
		}
		if (esc) {
			sb_add(sb, s + run, i - run);
			sb_puts(sb, esc);
			run = i + 1;
		}
	}
	sb_add(sb, s + run, n - run);
	sb_putc(sb, '"');
}

/* Eight bytes at a time (every table of the front end hashes its keys: names, paths,
 * schema members), the length mixed in first and the last word zero-padded. */
uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u ^ ((uint64_t)n * 0x9e3779b97f4a7c15u), w;
	size_t i = 0;
	for (; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 29;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 29;
	}
	/* the low bits mix poorly: the tables take them as the slot */
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93u;
	h ^= h >> 32;
	return h;
}

static struct strmap_ent *strmap_slot(const struct strmap *m, const char *s, size_t len,
				      uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;
	while (m->e[i].s && !(m->e[i].h == h && m->e[i].len == len &&
			      memcmp(m->e[i].s, s, len) == 0))
		i = (i + 1) & mask;
	return &m->e[i];
}

long strmap_get(const struct strmap *m, const char *s, size_t len)
{
	if (!m->cap)
		return -1;
	const struct strmap_ent *e = strmap_slot(m, s, len, str_hash(s, len));
	return e->s ? (long)e->val : -1;
}

bool strmap_put(struct arena *a, struct strmap *m, const char *s, size_t len, size_t val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct strmap old = *m;
		size_t cap = old.cap ? 2 * old.cap : 16;
		struct strmap_ent *ents = arena_alloc(a, cap * sizeof(*ents));
		m->e = ents;
		m->cap = cap;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].s)
				*strmap_slot(m, old.e[i].s, old.e[i].len, old.e[i].h) = old.e[i];
	}
	uint64_t h = str_hash(s, len);
	struct strmap_ent *e = strmap_slot(m, s, len, h);
	bool added = !e->s;
	*e = (struct strmap_ent){ s, len, val, h };
	m->n += added;
	return added;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool str_in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

struct nearest nearest_start(const char *word, size_t len, size_t max)
{
	return (struct nearest){ word, len, max, NULL, max + 1, false };
}

/* Optimal string alignment distance (insert, delete, substitute, transpose) of a and b;
 * *prefix: that of a and the nearest prefix of b whose length is within one of a's. */
static size_t osa(const char *a, size_t alen, const char *b, size_t blen, size_t *prefix)
{
	*prefix = SIZE_MAX;
	if (alen > 64 || blen > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= alen; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= blen; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= alen; i++) {
		for (size_t j = 1; j <= blen; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	for (size_t j = alen ? alen - 1 : 0; j <= alen + 1 && j <= blen; j++)
		if (d[alen][j] < *prefix)
			*prefix = d[alen][j];
	return d[alen][blen];
}

/*
 * A candidate is near when at most max edits away, or (n->prefix) for a word of 4 or more
 * characters, when the word is one edit from the start of a longer candidate (a name
 * typed in part: 'cae-tset' for 'cae-testing'); such a match ranks as max edits, behind
 * every nearer one. Each offer costs one table of at most 64 x 64: a search is linear
 * in the candidates.
 */
void nearest_offer(struct nearest *n, const char *cand)
{
	size_t clen = strlen(cand);
	bool may_prefix = n->prefix && n->len >= 4 && clen > n->len && n->max >= 1;
	/* the distance is at least the difference in length: a candidate that cannot beat
	 * the best so far costs no table */
	if (!may_prefix && (clen > n->len ? clen - n->len : n->len - clen) >= n->best_d)
		return;
	size_t pre, d = osa(n->word, n->len, cand, clen, &pre);
	if (d > n->max && may_prefix && pre <= 1)
		d = n->max;
	if (d < n->best_d) {
		n->best_d = d;
		n->best = cand;
	}
}

const char *suggest(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);
	struct nearest near = nearest_start(word, len, len / 3 > 2 ? len / 3 : len > 3 ? 2 : 1);
	near.prefix = true;
	for (size_t i = 0; i < n && cands[i]; i++)
		nearest_offer(&near, cands[i]);
	return near.best;
}

size_t edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t pre;
	return osa(a, alen, b, blen, &pre);
}

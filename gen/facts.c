/*
 * facts.c - the facts cache: `lint ENV` leaves out the environments that cannot change
 * what it prints (facts.h).
 *
 * What `lint ENV` shows is the findings that involve a selected environment, and those
 * that involve none (check_select.c). An environment X can add to them only through its
 * own findings (none, if it was clean and nothing it reads changed), through a finding of
 * no environment in a file it reads (none, for the same reason), through a copy of a
 * selected environment's finding in a file both read (a layer: check_select.c's second
 * round), through the cross-environment rules (XENV001-004, AUTH009, NET003: its facts
 * compared with a selected one's), and through the names of the environments (the
 * did-you-mean of an unknown name or parent, an extends chain). So:
 *
 *   - A run that checked every environment writes <git dir>/eragen-facts: a header (the
 *     format, the executable's build ID, the root, the data directory, the clock when the
 *     run started, the stat tuple of every file it read that is no environment's, and of
 *     the places it looked and found nothing: .eragen.yaml, the schema's override, the
 *     environments/ directory itself) and one entry per concrete environment with no
 *     finding at all (none naming it, none in a file of its own, including suppressed
 *     ones): the stat tuples of its extends chain's env.yaml files (own first), of its
 *     other files (the SOPS file, extra/ files), of its directory, its extra/ directory
 *     and what that holds, and its keys: a hash of each value XENV001-003 and AUTH009
 *     compare, normalised as they compare it, and the range of its VPC CIDR (NET003).
 *     No entry at all when some finding has neither environment nor file.
 *   - An entry is valid when the header matches, every tuple matches the file now (or
 *     the path is still absent), and no file changed at or after the clock of the run
 *     that wrote it (file_id_fresh, the stamp cache's judgement); anything else, a damaged
 *     or foreign cache included, leaves the environment loaded.
 *   - `lint ENV` (not --staged, not ERAGEN_TEST_FULL_CHECKS) lists the environments as
 *     always, and loads all but those with a valid entry; a selected one, an abstract
 *     one (a parent), and those named like a selected one's plan environment (XENV004:
 *     ENV-plan, and ENV without -plan) are always loaded. Then it starts again with every
 *     environment loaded (facts_restart; nothing has been printed) when a selected name
 *     is unknown (its did-you-mean needs every name), when a loaded environment extends
 *     one that is not loaded, when a key of a selected environment equals a key of one
 *     left out (with every holder of a key loaded, the rule's "first" and "later", its
 *     notes and order are the full run's), when its VPC CIDR overlaps any other
 *     environment's (NET003 picks among overlapping ranges in the order of its heap,
 *     which the others' ranges shape), or when check_select.c's rounds find a selected
 *     environment's finding in a file one left out reads, or anywhere else.
 *
 * Environments left out are not in ctx->envs at all: nothing counts or numbers them, and
 * what lint prints (places sorted by path, findings by place) does not depend on file
 * numbers. tests/cli/speed-lint-env-cache.sh compares `lint ENV` with the cache and
 * the full run, byte for byte. ERAGEN_TEST_LOADED says how many were loaded.
 */
#include "facts_int.h"
#include "cidr.h"
#include "inputs.h"
#include "model.h"
#include "file_id.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FACTS_MAX (64u << 20)

/* ---- the keys ------------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* the end of a part */
}

static uint64_t hash3(const char *a, const char *b, const char *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv(h, a);
	h = b ? fnv(h, b) : h;
	return c ? fnv(h, c) : h;
}

/* XENV003's key: lowercase, without the root's trailing dot. */
static uint64_t dns_hash(const struct node *n)
{
	size_t len = n->len;
	if (len > 0 && n->str[len - 1] == '.')
		len--;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len && n->str[i]; i++) {
		char c = n->str[i];
		h = (h ^ (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) *
		    0x100000001b3ULL;
	}
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/* What the cross-environment rules compare of e (check/xenv.c, check/net.c), under the
 * same conditions. */
void facts_keys(const struct env *e, struct keys *k)
{
	*k = (struct keys){ 0 };
	if (!e->resolved || e->abstract || !e->model)
		return;
	const struct model *m = e->model;
	const struct node *vn = m->network.vpc_cidr.n;
	struct cidr c;
	if (m->network.vpc_cidr.s && cidr_parse(vn->str, vn->len, &c, NULL) == CIDR_OK) {
		k->first = cidr_first(c);
		k->last = cidr_last(c);
		k->has_net = true;
	}
	if (e->invalid)
		return;
	const struct node *account = m_str_node(&m->aws.account_id);
	const struct node *region = m_str_node(&m->aws.region);
	const struct node *cn = m_str_node(&m->cluster.name);
	if ((k->has[0] = account && region && cn))
		k->h[0] = hash3(account->str, region->str, cn->str);
	const struct node *bucket = m_str_node(&m->state.bucket);
	const struct node *key = m_str_node(&m->state.key);
	if ((k->has[1] = bucket && key))
		k->h[1] = hash3(bucket->str, key->str, NULL);
	const struct node *dn = m_str_node(&m->domain.name);
	if ((k->has[2] = dn && dn->len > 0))
		k->h[2] = dns_hash(dn);
	const struct node *id = m_str_node(&m->auth.cognito.client_id);
	if ((k->has[3] = m->auth.mode.v == AUTH_COGNITO && id && !node_is_masked(id) &&
			 strncmp(id->str, "sops:", 5) != 0))
		k->h[3] = hash3(id->str, NULL, NULL);
}

static bool overlap(const struct keys *a, const struct keys *b)
{
	return a->has_net && b->has_net && a->first <= b->last && b->first <= a->last;
}

static bool same_key(const struct keys *a, const struct keys *b)
{
	for (int i = 0; i < NKEYS; i++)
		if (a->has[i] && b->has[i] && a->h[i] == b->h[i])
			return true;
	return false;
}

/* ---- stat tuples ---------------------------------------------------------------- */

static const char *abs_path(const struct ctx *ctx, const char *path, char *buf, size_t size)
{
	if (path[0] == '/')
		return path;
	size_t r = strlen(ctx->root), n = strlen(path);
	if (r + n + 2 > size)
		return NULL;
	memcpy(buf, ctx->root, r);
	buf[r] = '/';
	memcpy(buf + r + 1, path, n + 1);
	return buf;
}

/* " N" at p (a full run writes thousands: no printf); the end. */
static char *put_unum(char *p, uintmax_t u, bool neg)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	*p++ = ' ';
	if (neg)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static char *put_num(char *p, intmax_t v)
{
	return v < 0 ? put_unum(p, (uintmax_t)0 - (uintmax_t)v, true)
		     : put_unum(p, (uintmax_t)v, false);
}

bool facts_put_stat(const struct ctx *ctx, struct strbuf *sb, char kind, const char *path)
{
	char buf[PATH_MAX];
	const char *p = abs_path(ctx, path, buf, sizeof(buf));
	struct stat st;
	if (!p || strchr(path, '\n') || path[0] == '\0')
		return false;
	if (stat(p, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return false;
		sb_add(sb, "a ", 2);
		sb_puts(sb, path);
		sb_putc(sb, '\n');
		return true;
	}
	char line[8 * 24 + 2], *e = line;
	*e++ = kind;
	e = put_unum(e, (uintmax_t)st.st_dev, false);
	e = put_unum(e, (uintmax_t)st.st_ino, false);
	e = put_num(e, (intmax_t)st.st_size);
	e = put_num(e, (intmax_t)st.st_mtim.tv_sec);
	e = put_num(e, st.st_mtim.tv_nsec);
	e = put_num(e, (intmax_t)st.st_ctim.tv_sec);
	e = put_num(e, st.st_ctim.tv_nsec);
	*e++ = ' ';
	sb_add(sb, line, (size_t)(e - line));
	sb_puts(sb, path);
	sb_putc(sb, '\n');
	return true;
}

/* " N" or " -N" at *p, moved past; false when there is none, or it overflows. */
static bool take_num(const char **p, uintmax_t *u, bool *neg)
{
	const char *s = *p;
	if (*s++ != ' ')
		return false;
	*neg = *s == '-';
	s += *neg;
	if (*s < '0' || *s > '9')
		return false;
	*u = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*u > (UINTMAX_MAX - 9) / 10)
			return false;
		*u = *u * 10 + (uintmax_t)(*s - '0');
	}
	*p = s;
	return true;
}

/* The seven numbers of a tuple line, dev and ino unsigned; *p moved to the path. */
static bool take_tuple(const char **p, uintmax_t v[7])
{
	for (int i = 0; i < 7; i++) {
		bool neg;
		if (!take_num(p, &v[i], &neg) || (neg && i < 2))
			return false;
		if (neg)
			v[i] = (uintmax_t)0 - v[i];
	}
	return *(*p)++ == ' ';
}

/* Does the tuple line ("f ..." or "c ...") or probe ("a ...") still hold? */
static bool line_fresh(const struct ctx *ctx, const struct facts *fx, const char *line)
{
	char buf[PATH_MAX];
	struct stat st;
	if (line[0] == 'a' && line[1] == ' ') {
		const char *p = abs_path(ctx, line + 2, buf, sizeof(buf));
		return p && stat(p, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
	}
	uintmax_t v[7];
	const char *at = line + 1;
	if (!take_tuple(&at, v))
		return false;
	const char *p = abs_path(ctx, at, buf, sizeof(buf));
	if (!p || stat(p, &st) != 0)
		return false;
	struct file_id then = { (dev_t)v[0], (ino_t)v[1], (off_t)(intmax_t)v[2],
				{ (time_t)(intmax_t)v[3], (long)(intmax_t)v[4] },
				{ (time_t)(intmax_t)v[5], (long)(intmax_t)v[6] } };
	return file_id_fresh(&then, &st, fx->written);
}

/* The path of a "c ..." line. */
static const char *tuple_path(const char *line)
{
	const char *p = line;
	for (int i = 0; i < 8 && p; i++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	return p;
}

/* ---- reading the cache ---------------------------------------------------------- */

/* The whole cache into the arena, NUL-terminated; NULL when there is none to trust (or
 * it holds a NUL byte). */
static char *slurp(struct ctx *ctx, size_t *len)
{
	char *data = cachefile_read(cachefile_path(ctx, FACTS_NAME), FACTS_MAX, len, NULL);
	if (!data)
		return NULL;
	struct oom_guard g;
	oom_guard_push(&g, free, data);
	char *copy = arena_strdup(&ctx->perm, data);
	oom_guard_pop(&g);
	free(data);
	return strlen(copy) == *len ? copy : NULL;
}

/* The header's lines 0..*at: this executable's, this root's, and every file as it was. */
static bool header_holds(struct ctx *ctx, struct facts *fx, char **l, size_t n, size_t *at)
{
	const char *id = inputs_build_id();
	long long sec;
	long nsec;
	if (n < 5 || !id || strcmp(l[0], FACTS_MAGIC) != 0 || strncmp(l[1], "build ", 6) != 0 ||
	    strcmp(l[1] + 6, id) != 0 || strncmp(l[2], "root ", 5) != 0 ||
	    strcmp(l[2] + 5, ctx->root) != 0 || strncmp(l[3], "data ", 5) != 0 ||
	    strcmp(l[3] + 5, ctx->datadir ? ctx->datadir : "") != 0 ||
	    sscanf(l[4], "clock %lld %ld", &sec, &nsec) != 2 || nsec < 0 || nsec >= 1000000000L)
		return false;
	fx->written = (struct timespec){ (time_t)sec, nsec };
	size_t i = 5;
	for (; i < n && l[i][0] != 'e'; i++)
		if ((l[i][0] != 'f' && l[i][0] != 'a') || !line_fresh(ctx, fx, l[i]))
			return false;
	*at = i;
	return true;
}

/* The entries from line at on; false on anything out of place. */
static bool parse_entries(struct ctx *ctx, struct facts *fx, char **l, size_t n, size_t at)
{
	size_t cap = 0;
	for (size_t i = at; i < n; i++) {
		if (strncmp(l[i], "e ", 2) == 0) {
			struct entry e = { .name = l[i] + 2, .lines = l + i + 1 };
			if (fx->n && strcmp(fx->v[fx->n - 1].name, e.name) >= 0)
				return false;	/* sorted, each once */
			ARENA_PUSH(&ctx->perm, fx->v, fx->n, cap, e);
		} else if (!fx->n || !strchr("acfkn", l[i][0]) || l[i][1] != ' ') {
			return false;
		} else {
			fx->v[fx->n - 1].nlines++;
		}
	}
	return true;
}

void facts_open(struct ctx *ctx)
{
	struct facts *fx = ctx->facts;
	if (!fx || !fx->use)
		return;
	fx->use = false;
	size_t len = 0;
	char *data = slurp(ctx, &len);
	if (!data || data[len - 1] != '\n')
		return;
	size_t n = 0, cap = 0;
	char **l = NULL;
	for (char *p = data; *p;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		ARENA_PUSH(&ctx->perm, l, n, cap, p);
		p = nl + 1;
	}
	size_t at;
	if (!header_holds(ctx, fx, l, n, &at) || !parse_entries(ctx, fx, l, n, at)) {
		fx->n = 0;
		return;
	}
	fx->use = true;
}

/* ---- leaving out ---------------------------------------------------------------- */

static int cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct entry *)e)->name);
}

/* 16 hex digits, nothing after. */
static bool hex64(const char *s, uint64_t *h)
{
	*h = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return false;
		*h = *h << 4 | (uint64_t)d;
	}
	return s[16] == '\0';
}

/* A parent's line: many environments share it, judged once. */
static bool parent_fresh(struct ctx *ctx, struct facts *fx, const char *l)
{
	size_t len = strlen(l);
	long seen = strmap_get(&fx->parents, l, len);
	if (seen >= 0)
		return seen == 1;
	bool ok = line_fresh(ctx, fx, l);
	strmap_put(&ctx->perm, &fx->parents, l, len, ok);
	return ok;
}

/* Every line of e holds; its keys read. */
static bool entry_valid(struct ctx *ctx, struct facts *fx, struct entry *e)
{
	bool chain = false;
	for (size_t i = 0; i < e->nlines; i++) {
		const char *l = e->lines[i];
		const char *at = l + 1;
		uintmax_t a, b;
		bool na, nb;
		if (l[0] == 'k') {
			if (l[1] != ' ' || l[2] < '0' || l[2] >= '0' + NKEYS || l[3] != ' ' ||
			    !hex64(l + 4, &e->keys.h[l[2] - '0']))
				return false;
			e->keys.has[l[2] - '0'] = true;
		} else if (l[0] == 'n') {
			if (!take_num(&at, &a, &na) || !take_num(&at, &b, &nb) || na || nb || *at ||
			    a > b || b > UINT32_MAX)
				return false;
			e->keys.has_net = true;
			e->keys.first = (uint32_t)a;
			e->keys.last = (uint32_t)b;
		} else if (!(l[0] == 'c' && chain ? parent_fresh(ctx, fx, l)
						    : line_fresh(ctx, fx, l))) {
			return false;
		} else {
			chain |= l[0] == 'c';
		}
	}
	return chain;
}

static bool named_with(const char *name, const char *sel)
{
	size_t n = strlen(name), s = strlen(sel);
	return strcmp(name, sel) == 0 ||
	       (n == s + 5 && strncmp(name, sel, s) == 0 && strcmp(name + s, "-plan") == 0) ||
	       (s == n + 5 && strncmp(sel, name, n) == 0 && strcmp(sel + n, "-plan") == 0);
}

bool facts_skip(struct ctx *ctx, const char *name)
{
	struct facts *fx = ctx->facts;
	if (!fx || !fx->use || name[0] == '_')
		return false;
	for (int i = 0; i < fx->nsel; i++)
		if (named_with(name, fx->sel[i]))
			return false;
	struct entry *e = fx->n ? bsearch(name, fx->v, fx->n, sizeof(*fx->v), cmp_entry) : NULL;
	if (!e || e->skipped)
		return false;
	if (e->valid == 0)
		e->valid = entry_valid(ctx, fx, e) ? 1 : -1;
	if (e->valid < 0)
		return false;
	e->skipped = true;
	fx->nskipped++;
	return true;
}

/* ---- the checks of a partial run ------------------------------------------------- */

static void restart(struct facts *fx)
{
	fx->restart = true;
}

bool facts_restart(const struct ctx *ctx)
{
	return ctx->facts && ctx->facts->restart;
}

/* A selected environment's keys against every other's: loaded, and left out. */
static bool keys_apart(struct ctx *ctx, struct facts *fx, const struct env *s)
{
	struct keys k, o;
	facts_keys(s, &k);
	for (size_t i = 0; i < ctx->nenvs; i++) {
		if (ctx->envs[i] == s)
			continue;
		facts_keys(ctx->envs[i], &o);
		if (overlap(&k, &o))
			return false;
	}
	for (size_t i = 0; i < fx->n; i++) {
		const struct keys *c = &fx->v[i].keys;
		if (fx->v[i].skipped && (overlap(&k, c) || same_key(&k, c)))
			return false;
	}
	return true;
}

bool facts_names(struct ctx *ctx, int nenv, char **envs)
{
	struct facts *fx = ctx->facts;
	for (int i = 0; fx && fx->nskipped && i < nenv; i++)
		if (!ctx_env(ctx, envs[i]))
			restart(fx);
	return !facts_restart(ctx);
}

bool facts_verify(struct ctx *ctx)
{
	struct facts *fx = ctx->facts;
	if (!fx || fx->nskipped == 0 || fx->restart)
		return !facts_restart(ctx);
	for (size_t i = 0; i < ctx->nenvs && !fx->restart; i++) {
		const struct env *e = ctx->envs[i];
		const struct node *ext = e->root ? node_get(e->root, "extends") : NULL;
		if (ext && ext->kind == NODE_STR && !ctx_env(ctx, ext->str))
			restart(fx);	/* a parent left out, or unknown: its did-you-mean */
		if (e->selected && !keys_apart(ctx, fx, e))
			restart(fx);
	}
	return !fx->restart;
}

void facts_layers(struct ctx *ctx, bool all, const bool *layer, size_t nfiles)
{
	struct facts *fx = ctx->facts;
	if (!fx || fx->nskipped == 0)
		return;
	if (all) {
		restart(fx);
		return;
	}
	for (size_t i = 0; i < fx->n; i++) {
		const struct entry *e = &fx->v[i];
		for (size_t j = 0; e->skipped && j < e->nlines; j++) {
			const char *p = e->lines[j][0] == 'c' ? tuple_path(e->lines[j]) : NULL;
			const struct srcfile *f = p ? srcfile_find(ctx, p) : NULL;
			if (f && f->id < nfiles && layer[f->id])
				restart(fx);
		}
	}
}

void facts_tell(const struct ctx *ctx)
{
	if (getenv("ERAGEN_TEST_LOADED"))
		fprintf(stderr, "eragen: test: %zu environments loaded, %zu left out\n",
			ctx->nenvs, ctx->facts ? ctx->facts->nskipped : 0);
}

void facts_begin(struct ctx *ctx, bool use, bool save, int nenv, char **envs)
{
	const char *full = getenv("ERAGEN_TEST_FULL_CHECKS");
	if ((full && *full) || ctx->opt.staged)
		return;
	struct facts *fx = arena_alloc(&ctx->perm, sizeof(*fx));
	*fx = (struct facts){ .sel = envs, .nsel = nenv };
	clock_gettime(CLOCK_REALTIME_COARSE, &fx->t0);
	fx->use = use;
	fx->save = save && !ctx->opt.only && !ctx->opt.skip;
	ctx->facts = fx;
}

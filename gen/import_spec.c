/*
 * import_spec.c - the tree of the spec `eragen import` writes (import.h): keys in the
 * order first written, each a branch or a value with its origin. Each key is found
 * through its branch's table, so a write costs the length of its path.
 */
#include "import.h"

static struct ispec *child(struct arena *a, struct ispec *p, const char *key, size_t len,
			   bool create);

/* A value that is a map becomes a branch of its keys (same origin), so that a path
 * below it can be written. */
static void expand(struct arena *a, struct ispec *s)
{
	const struct node *v = s->val;
	if (!v || v->kind != NODE_MAP)
		return;
	s->val = NULL;
	for (size_t i = 0; i < v->n; i++) {
		struct ispec *k = child(a, s, v->keys[i]->str, v->keys[i]->len, true);
		k->val = v->items[i];
		k->why = s->why;
	}
}

static struct ispec *child(struct arena *a, struct ispec *p, const char *key, size_t len,
			   bool create)
{
	if (p->val) {
		if (!create)
			return NULL;
		if (p->val->kind == NODE_MAP)
			expand(a, p);
		else
			p->val = NULL;	/* a path below a scalar replaces it */
	}
	long i = strmap_get(&p->idx, key, len);
	if (i >= 0)
		return p->kids[i];
	if (!create)
		return NULL;
	struct ispec *k = arena_alloc(a, sizeof(*k));
	k->key = arena_strndup(a, key, len);
	strmap_put(a, &p->idx, k->key, len, p->n);
	ARENA_PUSH(a, p->kids, p->n, p->cap, k);
	return k;
}

void ispec_set(struct arena *a, struct ispec *root, const char *path, const struct node *val,
	       const char *why)
{
	struct ispec *s = root;
	for (const char *p = path; s;) {
		size_t len = strcspn(p, ".");
		s = child(a, s, p, len, true);
		if (!p[len])
			break;
		p += len + 1;
	}
	/* a value replaces a branch as a whole */
	s->n = 0;
	s->idx = (struct strmap){ 0 };
	s->val = val;
	s->why = why;
}

const struct node *ispec_get(const struct ispec *root, const char *path)
{
	const struct ispec *s = root;
	const struct node *v = NULL;	/* inside a value that is a map */
	for (const char *p = path;;) {
		size_t len = strcspn(p, ".");
		if (v || s->val) {
			v = v ? v : s->val;
			long i = v->kind == NODE_MAP ? node_find(v, p, len) : -1;
			if (i < 0)
				return NULL;
			v = v->items[i];
		} else {
			long i = strmap_get(&s->idx, p, len);
			if (i < 0)
				return NULL;
			s = s->kids[i];
		}
		if (!p[len])
			return v ? v : s->val;
		p += len + 1;
	}
}

void ispec_drop(struct ispec *root, const char *key)
{
	long i = strmap_get(&root->idx, key, strlen(key));
	if (i < 0)
		return;
	struct ispec *k = root->kids[i];
	k->val = NULL;
	k->n = 0;	/* an empty branch is not written */
	k->idx = (struct strmap){ 0 };
}

/*
 * schema_validate.c - a node tree validated against a compiled schema.
 *
 * Validation walks a struct node tree and collects errors in a per-run arena; they are
 * sorted into document order, duplicates dropped, and handed to the sink. Messages name
 * types as users of a YAML spec know them ("mapping", "list"); when no branch of an
 * anyOf/oneOf matches, the errors of the branch that came closest are reported. The
 * validator's only write to the instance is NODE_SECRET under "x-eragen-secret": true,
 * and values are shown in messages only once every secret is marked. Work is bounded: a
 * chain of more than SCHEMA_MAX_DEPTH nested schema applications, or more than
 * SCHEMA_MAX_STEPS applications in all, ends the run with one error.
 */
#include "schema_int.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_MAX_DEPTH 512		/* nested schema applications per validation */
#define SCHEMA_MAX_STEPS 20000000u	/* schema applications per validation */

/* Code points in s[0..n), which is valid UTF-8. */
static size_t cp_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The message stands with VAL where node_display(shown) goes: values are shown only when
 * the errors are handed out, after every "x-eragen-secret" has marked its nodes. */
#define VAL "\x01"

struct verr {
	enum schema_err kind;
	const struct node *at, *parent, *shown;
	const char *key, *suggest;
	unsigned types;		/* SCHEMA_TYPE: the expected types */
	const char *msg;
	size_t seq;
};

struct vc {
	struct arena a;
	struct verr *errs;
	size_t n, cap;
	int fast;		/* > 0: only pass/fail matters; stop at the first error */
	size_t steps;
	size_t searches;	/* "did you mean" searches so far (NEAREST_SEARCHES) */
	bool aborted;
	struct verr abort_err;
};

static struct verr *err_add(struct vc *vc, enum schema_err kind, const struct node *at,
			    const struct node *shown, const char *fmt, ...) ATTR_PRINTF(5, 6);
static struct verr *err_add(struct vc *vc, enum schema_err kind, const struct node *at,
			    const struct node *shown, const char *fmt, ...)
{
	if (vc->fast)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	struct verr e = {.kind = kind, .at = at, .shown = shown};
	e.msg = arena_vprintf(&vc->a, fmt, ap);
	va_end(ap);
	ARENA_PUSH(&vc->a, vc->errs, vc->n, vc->cap, e);
	return &vc->errs[vc->n - 1];
}

static void v_abort(struct vc *vc, const struct node *at, const char *msg)
{
	if (vc->aborted)
		return;
	vc->aborted = true;
	vc->abort_err = (struct verr){.kind = SCHEMA_VALUE, .at = at, .msg = msg};
}

/* "value 'x'" for scalars, "mapping"/"list" for collections: the subject of a message. */
static const char *subject(const struct node *n)
{
	return n->kind == NODE_MAP ? "mapping" : n->kind == NODE_SEQ ? "list" : "value " VAL;
}

static unsigned node_types(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return T_NULL;
	case NODE_BOOL: return T_BOOLEAN;
	case NODE_STR: return T_STRING;
	case NODE_SEQ: return T_ARRAY;
	case NODE_MAP: return T_OBJECT;
	case NODE_INT: return T_NUMBER | T_INTEGER;
	case NODE_FLOAT:
		return T_NUMBER | (isfinite(n->v.f) && n->v.f == floor(n->v.f) ? T_INTEGER : 0);
	}
	return 0;
}

/* "an integer or string", "a string, integer or null". */
static const char *types_text(struct arena *a, unsigned types, bool article)
{
	if (types & T_NUMBER)
		types &= ~(unsigned)T_INTEGER;
	struct strbuf sb = SB_IN(a);
	size_t total = 0, k = 0;
	for (size_t i = 0; i < sizeof(sch_type_names) / sizeof(sch_type_names[0]); i++)
		total += (types & sch_type_names[i].bit) != 0;
	for (size_t i = 0; i < sizeof(sch_type_names) / sizeof(sch_type_names[0]); i++) {
		if (!(types & sch_type_names[i].bit))
			continue;
		const char *name = sch_type_names[i].shown;
		if (k)
			sb_puts(&sb, k + 1 == total ? " or " : ", ");
		else if (article && strcmp(name, "null") != 0)
			sb_puts(&sb, strchr("aeiou", name[0]) ? "an " : "a ");
		sb_puts(&sb, name);
		k++;
	}
	return sb.buf ? sb.buf : "";
}

static const char *found_text(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "a boolean";
	case NODE_INT:
	case NODE_FLOAT: return "a number";
	case NODE_STR: return "a string";
	case NODE_SEQ: return "a list";
	case NODE_MAP: return "a mapping";
	}
	return "?";
}

static void err_type(struct vc *vc, unsigned types, const struct node *inst)
{
	if (vc->fast)
		return;
	bool quote = (types & T_STRING) &&
		     (inst->kind == NODE_INT || inst->kind == NODE_FLOAT || inst->kind == NODE_BOOL);
	struct verr *e = err_add(vc, SCHEMA_TYPE, inst, NULL, "expected %s, found %s%s",
				 types_text(&vc->a, types, true), found_text(inst),
				 quote ? ": quote it" : "");
	e->types = types;
}

static void mark_secret(struct node *n, int depth)
{
	n->flags |= NODE_SECRET;
	if (depth > JSON_MAX_DEPTH)
		return;
	for (size_t i = 0; i < n->n && (n->kind == NODE_SEQ || n->kind == NODE_MAP); i++)
		mark_secret(n->items[i], depth + 1);
}

/* A list of values for messages: 'a', 'b', 'c' (at most 12 shown). */
static const char *values_text(struct vc *vc, struct node *const *vals, size_t n)
{
	struct strbuf sb = SB_IN(&vc->a);
	for (size_t i = 0; i < n && i < 12; i++) {
		if (i)
			sb_puts(&sb, ", ");
		sb_puts(&sb, node_display(&vc->a, vals[i]));
	}
	if (n > 12)
		sb_printf(&sb, ", ... (%zu more)", n - 12);
	return sb.buf ? sb.buf : "";
}

static bool multiple_ok(const struct node *n, double d)
{
	if (n->kind == NODE_INT && d == floor(d) && d < 9223372036854775808.0)
		return n->v.i % (int64_t)d == 0;
	double x = node_num(n);
	if (!isfinite(x))
		return false;
	double q = x / d;
	if (!isfinite(q))
		return false;
	if (fabs(q) < 9007199254740992.0) {
		/* x and d are decimal literals read into binary: allow a few ulps of q */
		double r = nearbyint(q);
		return fabs(q - r) <= 8 * DBL_EPSILON * fmax(1.0, fabs(q));
	}
	return fmod(x, d) == 0;		/* exact for doubles; q is integral anyway */
}

static bool v_sch(struct vc *vc, const struct sch *s, struct node *inst, int depth);

/* Validate in fast mode: pass or fail, no messages. */
static bool v_test(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	vc->fast++;
	bool ok = v_sch(vc, s, inst, depth);
	vc->fast--;
	return ok;
}

static bool v_numeric(struct vc *vc, const struct sch *s, const struct node *inst)
{
	bool ok = true;
	double x = node_num(inst);
	struct arena *a = &vc->a;
	if ((s->has & HAS_MULTIPLE_OF) && !multiple_ok(inst, s->multiple_of)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be a multiple of %s, found " VAL,
			sch_fmt_num(a, s->multiple_of));
	}
	if ((s->has & HAS_MAXIMUM) && !(x <= s->maximum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be at most %s, found " VAL,
			sch_fmt_num(a, s->maximum));
	}
	if ((s->has & HAS_EXCL_MAXIMUM) && !(x < s->excl_maximum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be less than %s, found " VAL,
			sch_fmt_num(a, s->excl_maximum));
	}
	if ((s->has & HAS_MINIMUM) && !(x >= s->minimum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be at least %s, found " VAL,
			sch_fmt_num(a, s->minimum));
	}
	if ((s->has & HAS_EXCL_MINIMUM) && !(x > s->excl_minimum)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "must be greater than %s, found " VAL,
			sch_fmt_num(a, s->excl_minimum));
	}
	return ok;
}

static bool v_string(struct vc *vc, const struct sch *s, const struct node *inst)
{
	bool ok = true;
	if (s->has & (HAS_MAX_LENGTH | HAS_MIN_LENGTH)) {
		size_t len = cp_count(inst->str, inst->len);
		if ((s->has & HAS_MAX_LENGTH) && len > s->max_length) {
			ok = false;
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"value " VAL " is too long: at most %llu character%s, found %zu",
				(unsigned long long)s->max_length, s->max_length == 1 ? "" : "s", len);
		}
		if ((s->has & HAS_MIN_LENGTH) && len < s->min_length) {
			ok = false;
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"value " VAL " is too short: at least %llu character%s, found %zu",
				(unsigned long long)s->min_length, s->min_length == 1 ? "" : "s", len);
		}
	}
	if (s->pattern) {
		int rc = rx_search(s->pattern, inst->str, inst->len);
		if (rc != 1) {
			ok = false;
			if (rc == 0)
				err_add(vc, SCHEMA_VALUE, inst, inst,
					"value " VAL " does not match pattern '%s'", s->pattern_src);
			else
				err_add(vc, SCHEMA_UNDECIDED, inst, inst,
					"cannot decide whether value " VAL " matches pattern '%s': "
					"the match is too costly", s->pattern_src);
		}
	}
	if (s->format > FMT_UNKNOWN && !sch_format_ok(s->format, inst->str, inst->len)) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not a valid %s",
			s->format_hint);
	}
	return ok;
}

#define STEP(cond)                                                                   \
	do {                                                                         \
		if (!(cond)) {                                                       \
			ok = false;                                                  \
			if (vc->fast || vc->aborted)                                 \
				return false;                                        \
		}                                                                    \
	} while (0)

/* maxItems/minItems, maxProperties/minProperties: inst's count of what in the bounds. */
static bool v_count(struct vc *vc, struct node *inst, const char *what, bool has_max,
		    uint64_t max, bool has_min, uint64_t min)
{
	bool ok = true;
	size_t n = inst->n;
	if (has_max && n > max) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at most %llu %s%s, found %zu",
			(unsigned long long)max, what, max == 1 ? "" : "s", n);
	}
	if (has_min && n < min) {
		ok = false;
		err_add(vc, SCHEMA_VALUE, inst, NULL, "must have at least %llu %s%s, found %zu",
			(unsigned long long)min, what, min == 1 ? "" : "s", n);
	}
	return ok;
}

static bool v_array(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	size_t n = inst->n;
	STEP(v_count(vc, inst, "item", s->has & HAS_MAX_ITEMS, s->max_items,
		     s->has & HAS_MIN_ITEMS, s->min_items));
	if (s->unique) {
		/* each item against the first of each value seen before it */
		struct nodeset seen = { 0 };
		for (size_t i = 0; i < n; i++) {
			long j = nodeset_add(&vc->a, &seen, inst->items[i], i);
			if (j < 0)
				continue;
			err_add(vc, SCHEMA_VALUE, inst->items[i], inst->items[i],
				"item [%zu] repeats item [%zu]: items must be unique", i, (size_t)j);
			STEP(false);
		}
	}
	if (s->items) {
		for (size_t i = 0; i < n; i++)
			STEP(v_sch(vc, s->items, inst->items[i], depth + 1));
	} else if (s->items_is_list) {
		size_t k = s->nitems_list;
		for (size_t i = 0; i < n && i < k; i++)
			STEP(v_sch(vc, s->items_list[i], inst->items[i], depth + 1));
		const struct sch *add = s->additional_items;
		if (add && n > k && add->is_bool && !add->bool_val) {
			err_add(vc, SCHEMA_VALUE, inst->items[k], NULL,
				"unexpected item [%zu]: the list has at most %zu item%s", k, k,
				k == 1 ? "" : "s");
			STEP(false);
		} else if (add) {
			for (size_t i = k; i < n; i++)
				STEP(v_sch(vc, add, inst->items[i], depth + 1));
		}
	}
	if (s->contains) {
		bool found = false;
		for (size_t i = 0; i < n && !found && !vc->aborted; i++)
			found = v_test(vc, s->contains, inst->items[i], depth + 1);
		if (!found) {
			const struct sch *c = s->contains;
			while (c->ref)
				c = c->ref;
			if (c->has & HAS_CONST)
				err_add(vc, SCHEMA_VALUE, inst, NULL, "list must contain %s",
					node_display(&vc->a, c->const_val));
			else
				err_add(vc, SCHEMA_VALUE, inst, NULL,
					"list has no item that matches '%s'", s->contains->ptr);
			STEP(false);
		}
	}
	return ok;
}

bool sch_enum_has(const struct sch *s, const struct node *v)
{
	if (s->enum_set.cap)
		return nodeset_get(&s->enum_set, v) >= 0;
	for (size_t i = 0; i < s->nenum; i++)
		if (node_equal(v, s->enum_vals[i]))
			return true;
	return false;
}

const struct prop *sch_prop_find(const struct sch *s, const struct node *key)
{
	if (s->prop_at.cap) {
		long at = strmap_get(&s->prop_at, key->str, key->len);
		return at < 0 ? NULL : &s->props[at];
	}
	for (size_t i = 0; i < s->nprops; i++)
		if (s->props[i].len == key->len && memcmp(s->props[i].name, key->str, key->len) == 0)
			return &s->props[i];
	return NULL;
}

static void err_unknown_key(struct vc *vc, const struct sch *s, const struct node *map,
			    const struct node *key)
{
	if (vc->fast)
		return;
	const char *key_text = arena_strndup(&vc->a, key->str, key->len);
	struct verr *e = err_add(vc, SCHEMA_UNKNOWN_KEY, key, NULL, "unknown key '%s'", key_text);
	e->parent = map;
	e->key = key_text;
	if (vc->searches < NEAREST_SEARCHES) {
		vc->searches++;
		e->suggest = sch_nearest(key_text, s->prop_names, s->nprops);
	}
}

/* e (may be NULL) about a string that is none of the n values: the nearest string one. */
static void enum_suggest(struct vc *vc, struct verr *e, const struct node *inst,
			 struct node *const *vals, size_t n)
{
	if (!e || inst->kind != NODE_STR || vc->searches >= NEAREST_SEARCHES)
		return;
	vc->searches++;
	const char **names = arena_alloc(&vc->a, (n + 1) * sizeof(*names));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (vals[i]->kind == NODE_STR)
			names[k++] = vals[i]->str;
	e->suggest = suggest(inst->str, names, k);
}

/* Key i of inst and its value: "properties", "patternProperties", "additionalProperties"
 * and "propertyNames". */
static bool v_member(struct vc *vc, const struct sch *s, struct node *inst, size_t i, int depth)
{
	bool ok = true;
	struct node *key = inst->keys[i], *val = inst->items[i];
	bool matched = false;
	const struct prop *p = s->nprops ? sch_prop_find(s, key) : NULL;
	if (p) {
		matched = true;
		if (p->s->is_bool && !p->s->bool_val) {
			err_add(vc, SCHEMA_VALUE, key, NULL, "key '%s' is not allowed", key->str);
			STEP(false);
		} else {
			STEP(v_sch(vc, p->s, val, depth + 1));
		}
	}
	for (size_t j = 0; j < s->npprops; j++) {
		int rc = rx_search(s->pprops[j].rx, key->str, key->len);
		if (rc < 0) {
			matched = true;	/* undecided is not "unknown key" either */
			err_add(vc, SCHEMA_UNDECIDED, key, NULL,
				"cannot decide whether key '%s' matches pattern '%s': the "
				"match is too costly", key->str, s->pprops[j].src);
			STEP(false);
		} else if (rc == 1) {
			matched = true;
			STEP(v_sch(vc, s->pprops[j].s, val, depth + 1));
		}
	}
	const struct sch *add = s->additional_props;
	if (!matched && add) {
		if (add->is_bool && !add->bool_val) {
			err_unknown_key(vc, s, inst, key);
			STEP(false);
		} else {
			STEP(v_sch(vc, add, val, depth + 1));
		}
	}
	if (s->property_names)
		STEP(v_sch(vc, s->property_names, key, depth + 1));
	return ok;
}

/* "dependencies": a schema or the keys that a key's presence requires. */
static bool v_dependencies(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	for (size_t i = 0; i < s->ndeps; i++) {
		const struct dep *d = &s->deps[i];
		if (node_index(inst, d->name) < 0)
			continue;
		if (d->s) {
			STEP(v_sch(vc, d->s, inst, depth + 1));
			continue;
		}
		for (size_t j = 0; j < d->nnames; j++) {
			if (node_index(inst, d->names[j]) >= 0)
				continue;
			struct verr *e = err_add(vc, SCHEMA_REQUIRED, inst, NULL,
						 "missing key '%s', required when '%s' is set",
						 d->names[j], d->name);
			if (e)
				e->parent = inst, e->key = d->names[j];
			STEP(false);
		}
	}
	return ok;
}

static bool v_object(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	size_t n = inst->n;
	STEP(v_count(vc, inst, "key", s->has & HAS_MAX_PROPS, s->max_props,
		     s->has & HAS_MIN_PROPS, s->min_props));
	for (size_t i = 0; i < s->nrequired; i++) {
		if (node_index(inst, s->required[i]) >= 0)
			continue;
		struct verr *e = err_add(vc, SCHEMA_REQUIRED, inst, NULL,
					 "missing required key '%s'", s->required[i]);
		if (e)
			e->parent = inst, e->key = s->required[i];
		STEP(false);
	}
	for (size_t i = 0; i < n; i++)
		STEP(v_member(vc, s, inst, i, depth));
	STEP(v_dependencies(vc, s, inst, depth));
	return ok;
}

/* Does branch b name inst's form through a "const"/"enum" property that inst matches? */
static bool discriminated(const struct sch *b, const struct node *inst)
{
	while (b->ref)
		b = b->ref;
	if (inst->kind != NODE_MAP)
		return false;
	for (size_t i = 0; i < b->nprops; i++) {
		const struct sch *p = b->props[i].s;
		while (p->ref)
			p = p->ref;
		if (!(p->has & (HAS_CONST | HAS_ENUM)))
			continue;
		const struct node *v = node_get(inst, b->props[i].name);
		if (!v)
			continue;
		if ((p->has & HAS_CONST) && node_equal(v, p->const_val))
			return true;
		if ((p->has & HAS_ENUM) && sch_enum_has(p, v))
			return true;
	}
	return false;
}

/* Every branch is a "const" or "enum" (documented choices): list the allowed values. */
static bool const_choice(struct vc *vc, struct sch *const *br, size_t nbr,
			 const struct node *inst)
{
	struct node **vals = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < nbr; i++) {
		const struct sch *b = br[i];
		while (b->ref)
			b = b->ref;
		if (b->has & HAS_CONST)
			ARENA_PUSH(&vc->a, vals, n, cap, b->const_val);
		else if (b->has & HAS_ENUM)
			for (size_t j = 0; j < b->nenum; j++)
				ARENA_PUSH(&vc->a, vals, n, cap, b->enum_vals[j]);
		else
			return false;
	}
	for (size_t i = 0; i < n; i++)
		if (node_equal(inst, vals[i]))
			return false;	/* the value is allowed; something else failed */
	struct verr *e = err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not one of: %s",
		values_text(vc, vals, n));
	enum_suggest(vc, e, inst, vals, n);
	return true;
}

/*
 * No branch of an anyOf/oneOf matched: report the errors of the branch that came closest
 * (one whose discriminator matched, else one whose type fits, else the fewest errors),
 * a type error naming every allowed type when no branch's type fits, or one summary
 * error when no branch stands out.
 */
static void report_best(struct vc *vc, struct sch *const *br, size_t nbr, struct node *inst,
			int depth)
{
	struct verr **errs = arena_alloc(&vc->a, nbr * sizeof(*errs));
	size_t *nerrs = arena_alloc(&vc->a, nbr * sizeof(*nerrs));
	unsigned *score = arena_alloc(&vc->a, nbr * sizeof(*score));
	unsigned types = 0;
	bool all_type = true;
	for (size_t i = 0; i < nbr && !vc->aborted; i++) {
		size_t start = vc->n;
		v_sch(vc, br[i], inst, depth + 1);
		nerrs[i] = vc->n - start;
		errs[i] = arena_alloc(&vc->a, (nerrs[i] + 1) * sizeof(**errs));
		memcpy(errs[i], vc->errs + start, nerrs[i] * sizeof(**errs));
		vc->n = start;
		bool type_err = false;
		for (size_t k = 0; k < nerrs[i]; k++) {
			if (errs[i][k].kind == SCHEMA_TYPE && errs[i][k].at == inst) {
				type_err = true;
				types |= errs[i][k].types;
			}
		}
		all_type &= type_err;
		size_t ne = nerrs[i] < 0xFFFF ? nerrs[i] : 0xFFFF;
		score[i] = (discriminated(br[i], inst) ? 0 : 1u << 20) | (type_err ? 1u << 16 : 0) |
			   (unsigned)ne;
	}
	if (vc->aborted)
		return;
	if (all_type && types) {
		err_type(vc, types, inst);
		return;
	}
	if (inst->kind != NODE_MAP && inst->kind != NODE_SEQ && const_choice(vc, br, nbr, inst))
		return;
	size_t best = 0;
	bool tie = false;
	for (size_t i = 1; i < nbr; i++) {
		if (score[i] < score[best])
			best = i, tie = false;
		else if (score[i] == score[best])
			tie = true;
	}
	if (tie || !nerrs[best]) {
		err_add(vc, SCHEMA_VALUE, inst, inst, "%s does not match any allowed form",
			subject(inst));
		return;
	}
	for (size_t k = 0; k < nerrs[best]; k++)
		ARENA_PUSH(&vc->a, vc->errs, vc->n, vc->cap, errs[best][k]);
}

/* "const" and "enum". */
static bool v_const_enum(struct vc *vc, const struct sch *s, struct node *inst)
{
	bool ok = true;
	if ((s->has & HAS_CONST) && !node_equal(inst, s->const_val)) {
		if (s->const_val->kind == NODE_MAP || s->const_val->kind == NODE_SEQ)
			err_add(vc, SCHEMA_VALUE, inst, inst,
				"%s differs from the constant the schema requires", subject(inst));
		else
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s must be %s", subject(inst),
				node_display(&vc->a, s->const_val));
		STEP(false);
	}
	if (s->has & HAS_ENUM) {
		if (!sch_enum_has(s, inst)) {
			if (s->nenum == 1)
				err_add(vc, SCHEMA_VALUE, inst, inst, "%s must be %s", subject(inst),
					values_text(vc, s->enum_vals, s->nenum));
			else
				enum_suggest(vc, err_add(vc, SCHEMA_VALUE, inst, inst,
							 "%s is not one of: %s", subject(inst),
							 values_text(vc, s->enum_vals, s->nenum)),
					     inst, s->enum_vals, s->nenum);
			STEP(false);
		}
	}
	return ok;
}

/* The keywords of inst's own kind. */
static bool v_kind(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	switch (inst->kind) {
	case NODE_INT:
	case NODE_FLOAT:
		return v_numeric(vc, s, inst);
	case NODE_STR:
		return v_string(vc, s, inst);
	case NODE_SEQ:
		return v_array(vc, s, inst, depth);
	case NODE_MAP:
		return v_object(vc, s, inst, depth);
	default:
		return true;
	}
}

/* "oneOf": exactly one branch. */
static bool v_one_of(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	size_t first = SIZE_MAX, second = SIZE_MAX;
	for (size_t i = 0; i < s->none_of && second == SIZE_MAX && !vc->aborted; i++) {
		if (v_test(vc, s->one_of[i], inst, depth + 1)) {
			if (first == SIZE_MAX)
				first = i;
			else
				second = i;
		}
	}
	if (first == SIZE_MAX && !vc->fast) {
		report_best(vc, s->one_of, s->none_of, inst, depth);
	} else if (second != SIZE_MAX) {
		err_add(vc, SCHEMA_VALUE, inst, inst,
			"%s matches more than one allowed form ('%s' and '%s')",
			subject(inst), s->one_of[first]->ptr, s->one_of[second]->ptr);
	}
	return first != SIZE_MAX && second == SIZE_MAX;
}

/* "not". */
static bool v_not(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	if (!v_test(vc, s->not_s, inst, depth + 1))
		return true;
	const struct sch *t = s->not_s;
	while (t->ref)
		t = t->ref;
	if (t->is_bool)
		err_add(vc, SCHEMA_VALUE, inst, inst, "%s is not allowed here", subject(inst));
	else if ((t->has & (HAS_CONST | HAS_ENUM)) && inst->kind != NODE_MAP &&
		 inst->kind != NODE_SEQ)
		err_add(vc, SCHEMA_VALUE, inst, inst, "value " VAL " is not allowed");
	else
		err_add(vc, SCHEMA_VALUE, inst, inst, "%s must not match '%s'", subject(inst),
			s->not_s->ptr);
	return false;
}

/* The subschemas applied to inst itself: allOf, anyOf, oneOf, not, if/then/else. */
static bool v_applicators(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	bool ok = true;
	for (size_t i = 0; i < s->nall_of; i++)
		STEP(v_sch(vc, s->all_of[i], inst, depth + 1));
	if (s->nany_of) {
		bool any = false;
		for (size_t i = 0; i < s->nany_of && !any && !vc->aborted; i++)
			any = v_test(vc, s->any_of[i], inst, depth + 1);
		if (!any && !vc->fast)
			report_best(vc, s->any_of, s->nany_of, inst, depth);
		STEP(any);
	}
	if (s->none_of)
		STEP(v_one_of(vc, s, inst, depth));
	if (s->not_s)
		STEP(v_not(vc, s, inst, depth));
	if (s->if_s && (s->then_s || s->else_s)) {
		bool cond = v_test(vc, s->if_s, inst, depth + 1);
		const struct sch *branch = cond ? s->then_s : s->else_s;
		if (branch)
			STEP(v_sch(vc, branch, inst, depth + 1));
	}
	return ok;
}

static bool v_sch(struct vc *vc, const struct sch *s, struct node *inst, int depth)
{
	if (vc->aborted)
		return false;
	if (depth > SCHEMA_MAX_DEPTH) {
		v_abort(vc, inst, "schema recursion too deep");
		return false;
	}
	if (++vc->steps > SCHEMA_MAX_STEPS) {
		v_abort(vc, inst, "validation too costly: the schema applies too many times");
		return false;
	}
	if (s->secret)
		mark_secret(inst, 0);
	if (s->is_bool) {
		if (!s->bool_val)
			err_add(vc, SCHEMA_VALUE, inst, inst, "%s is not allowed here", subject(inst));
		return s->bool_val;
	}
	if (s->ref)
		return v_sch(vc, s->ref, inst, depth + 1);

	bool ok = true;
	if (s->types && !(node_types(inst) & s->types)) {
		err_type(vc, s->types, inst);
		return false;	/* one error per value: the rest would repeat it */
	}
	STEP(v_const_enum(vc, s, inst));
	STEP(v_kind(vc, s, inst, depth));
	STEP(v_applicators(vc, s, inst, depth));
	return ok && !vc->aborted;
}

#undef STEP

struct eref {
	const struct verr *e;
};

static int verr_cmp(const void *pa, const void *pb)
{
	const struct verr *a = ((const struct eref *)pa)->e, *b = ((const struct eref *)pb)->e;
	const struct loc *la = &a->at->loc, *lb = &b->at->loc;
	if (la->file != lb->file)
		return la->file < lb->file ? -1 : 1;
	if (la->line != lb->line)
		return la->line < lb->line ? -1 : 1;
	if (la->col != lb->col)
		return la->col < lb->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* msg with VAL replaced by the shown value, cut at a character boundary to fit. */
static void expand_msg(struct arena *a, const struct verr *e, char *out, size_t outlen)
{
	struct strbuf sb = SB_IN(a);
	for (const char *p = e->msg; *p; p++) {
		if (*p == VAL[0])
			sb_puts(&sb, e->shown ? node_display(a, e->shown) : "");
		else
			sb_putc(&sb, *p);
	}
	size_t n = sb.len;
	if (n >= outlen) {
		n = outlen - 1;
		while (n && ((unsigned char)sb.buf[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, sb.buf ? sb.buf : "", n);
	out[n] = '\0';
}

static void emit(struct vc *vc, const struct verr *e, schema_sink_fn sink, void *ud)
{
	struct schema_error se = {
		.kind = e->kind, .at = e->at, .parent = e->parent, .key = e->key,
		.suggest = e->suggest,
	};
	if (e->kind == SCHEMA_TYPE)
		se.expected = types_text(&vc->a, e->types, false);
	expand_msg(&vc->a, e, se.msg, sizeof(se.msg));
	if (sink)
		sink(ud, &se);
}

static bool same_loc(const struct verr *a, const struct verr *b)
{
	return a->at->loc.file == b->at->loc.file && a->at->loc.line == b->at->loc.line &&
	       a->at->loc.col == b->at->loc.col;
}

size_t schema_validate(const struct schema *s, struct node *inst, schema_sink_fn sink, void *ud)
{
	struct vc vc = {0};
	arena_init(&vc.a);
	struct oom_guard guard;
	oom_guard_arena(&guard, &vc.a);
	v_sch(&vc, s->root, inst, 0);
	size_t count = 0;
	if (vc.aborted) {
		emit(&vc, &vc.abort_err, sink, ud);
		count = 1;
	} else if (vc.n) {
		struct eref *order = arena_alloc(&vc.a, vc.n * sizeof(*order));
		for (size_t i = 0; i < vc.n; i++) {
			vc.errs[i].seq = i;
			order[i].e = &vc.errs[i];
		}
		qsort(order, vc.n, sizeof(*order), verr_cmp);
		/* the errors at one place told apart by a table: a node can collect as many
		 * as the schema has keywords for it */
		struct strmap seen = { 0 };
		for (size_t i = 0; i < vc.n; i++) {
			const struct verr *e = order[i].e;
			if (i > 0 && !same_loc(order[i - 1].e, e))
				seen = (struct strmap){ 0 };
			const char *key = arena_printf(&vc.a, "%d %p %p %s", (int)e->kind,
						       (const void *)e->at, (const void *)e->shown,
						       e->msg);
			if (!strmap_put(&vc.a, &seen, key, strlen(key), i))
				continue;
			emit(&vc, e, sink, ud);
			count++;
		}
	}
	oom_guard_pop(&guard);
	arena_release(&vc.a);
	return count;
}

/*
 * schema_keyword.c - the draft-07 keywords of a schema object, decoded into its struct sch.
 *
 * Consumes one keyword's cJSON value (struct kw_ctx, schema_cc.h); checks its shape
 * strictly ("'minimum' at '#/...' must be a number"), compiles its subschemas through
 * cc_compile, its patterns through rx.c, and converts enum/const values to nodes. The
 * table at the end is the vocabulary: a member it does not name is no keyword.
 */
#include "schema_cc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The "format" values this validator checks, and their names in messages. */
static const struct {
	const char *name;
	enum fmt fmt;
	const char *hint;	/* shown after "is not a valid ..." */
} formats[] = {
	{"date", FMT_DATE, "date (YYYY-MM-DD)"},
	{"time", FMT_TIME, "time (HH:MM:SS with a UTC offset)"},
	{"date-time", FMT_DATE_TIME, "date-time (RFC 3339)"},
	{"email", FMT_EMAIL, "e-mail address"},
	{"idn-email", FMT_IDN_EMAIL, "e-mail address"},
	{"hostname", FMT_HOSTNAME, "hostname"},
	{"ipv4", FMT_IPV4, "IPv4 address"},
	{"ipv6", FMT_IPV6, "IPv6 address"},
	{"uri", FMT_URI, "absolute URI"},
	{"uri-reference", FMT_URI_REFERENCE, "URI reference"},
	{"iri", FMT_IRI, "absolute IRI"},
	{"iri-reference", FMT_IRI_REFERENCE, "IRI reference"},
	{"uri-template", FMT_URI_TEMPLATE, "URI template"},
	{"regex", FMT_REGEX, "regular expression"},
	{"json-pointer", FMT_JSON_POINTER, "JSON pointer"},
	{"relative-json-pointer", FMT_RELATIVE_JSON_POINTER, "relative JSON pointer"},
};

static bool kw_bad(const struct kw_ctx *k, const char *what)
{
	cc_fail(k->cc, "invalid schema: '%s' at '%s' must be %s", k->name, k->ptr, what);
	return false;
}

static bool nonneg_int(const cJSON *v, uint64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (d < 0 || d != floor(d) || d > 9007199254740992.0)
		return false;
	*out = (uint64_t)d;
	return true;
}

static struct sch *kw_sub(const struct kw_ctx *k, const cJSON *v, const char *ptr)
{
	return cc_compile(k->cc, v, k->base, ptr, k->strict);
}

static bool kw_string(const struct kw_ctx *k)
{
	return cJSON_IsString(k->v) || kw_bad(k, "a string");
}

static bool kw_bool(const struct kw_ctx *k)
{
	return cJSON_IsBool(k->v) || kw_bad(k, "a boolean");
}

static bool kw_default(const struct kw_ctx *k)
{
	k->s->default_json = k->v;
	return true;
}

static bool kw_examples(const struct kw_ctx *k)
{
	return cJSON_IsArray(k->v) || kw_bad(k, "an array");
}

static bool kw_definitions(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	for (const cJSON *c = k->v->child; c; c = c->next)
		if (!kw_sub(k, c, sch_ptr_child(k->cc->a, k->ptr, c->string)))
			return false;
	return true;
}

static bool type_bit(const cJSON *v, unsigned *bit)
{
	if (!cJSON_IsString(v))
		return false;
	for (size_t i = 0; i < sizeof(sch_type_names) / sizeof(sch_type_names[0]); i++) {
		if (strcmp(v->valuestring, sch_type_names[i].name) == 0) {
			*bit = sch_type_names[i].bit;
			return true;
		}
	}
	return false;
}

static bool kw_type(const struct kw_ctx *k)
{
	static const char what[] = "a type name (null, boolean, object, array, number, string, "
				   "integer) or an array of them";
	unsigned bit;
	if (cJSON_IsArray(k->v)) {
		for (const cJSON *c = k->v->child; c; c = c->next) {
			if (!type_bit(c, &bit) || (k->s->types & bit))
				return kw_bad(k, what);
			k->s->types |= bit;
		}
		if (!k->s->types)
			return kw_bad(k, what);
		return true;
	}
	if (!type_bit(k->v, &bit))
		return kw_bad(k, what);
	k->s->types = bit;
	return true;
}

static bool kw_enum(const struct kw_ctx *k)
{
	if (!cJSON_IsArray(k->v))
		return kw_bad(k, "an array");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->enum_vals = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->enum_vals));
	for (const cJSON *c = k->v->child; c; c = c->next) {
		k->s->enum_vals[i] = sch_cjson_to_node(k->cc->a, c, (struct loc){0}, 0);
		if (n >= 16)	/* a short enum is searched in order */
			nodeset_add(k->cc->a, &k->s->enum_set, k->s->enum_vals[i], i);
		i++;
	}
	k->s->nenum = n;
	k->s->has |= HAS_ENUM;
	return true;
}

static bool kw_const(const struct kw_ctx *k)
{
	k->s->const_val = sch_cjson_to_node(k->cc->a, k->v, (struct loc){0}, 0);
	k->s->has |= HAS_CONST;
	return true;
}

static bool kw_number(const struct kw_ctx *k)
{
	if (!cJSON_IsNumber(k->v))
		return kw_bad(k, "a number");
	double d = k->v->valuedouble;
	struct sch *s = k->s;
	if (strcmp(k->name, "multipleOf") == 0) {
		if (!(d > 0))
			return kw_bad(k, "a number greater than 0");
		s->multiple_of = d, s->has |= HAS_MULTIPLE_OF;
	} else if (strcmp(k->name, "maximum") == 0) {
		s->maximum = d, s->has |= HAS_MAXIMUM;
	} else if (strcmp(k->name, "exclusiveMaximum") == 0) {
		s->excl_maximum = d, s->has |= HAS_EXCL_MAXIMUM;
	} else if (strcmp(k->name, "minimum") == 0) {
		s->minimum = d, s->has |= HAS_MINIMUM;
	} else {
		s->excl_minimum = d, s->has |= HAS_EXCL_MINIMUM;
	}
	return true;
}

static bool kw_count(const struct kw_ctx *k)
{
	static const struct {
		const char *name;
		size_t off;
		uint32_t bit;
	} counts[] = {
		{"maxLength", offsetof(struct sch, max_length), HAS_MAX_LENGTH},
		{"minLength", offsetof(struct sch, min_length), HAS_MIN_LENGTH},
		{"maxItems", offsetof(struct sch, max_items), HAS_MAX_ITEMS},
		{"minItems", offsetof(struct sch, min_items), HAS_MIN_ITEMS},
		{"maxProperties", offsetof(struct sch, max_props), HAS_MAX_PROPS},
		{"minProperties", offsetof(struct sch, min_props), HAS_MIN_PROPS},
	};
	uint64_t v;
	if (!nonneg_int(k->v, &v))
		return kw_bad(k, "a non-negative integer");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (strcmp(k->name, counts[i].name) == 0) {
			memcpy((char *)k->s + counts[i].off, &v, sizeof(v));
			k->s->has |= counts[i].bit;
		}
	}
	return true;
}

/* A pattern written twice (the same source) is compiled, and JIT-compiled, once: the
 * schema owns it once, and both places match with it. */
static struct rx *compile_rx(struct cc *cc, const char *src, const char *ptr)
{
	char err[200];
	long seen = strmap_get(&cc->rx_at, src, strlen(src));
	if (seen >= 0)
		return cc->s->rxs[seen];
	/* room first: the schema owns the pattern as soon as it is compiled */
	vec_grow((void **)&cc->s->rxs, &cc->s->caprxs, cc->s->nrxs + 1, sizeof(*cc->s->rxs));
	struct rx *rx = rx_compile(src, strlen(src), false, err, sizeof(err));
	if (!rx) {
		cc_fail(cc, "invalid pattern '%s' at '%s': %s", src, ptr, err);
		return NULL;
	}
	strmap_put(cc->a, &cc->rx_at, src, strlen(src), cc->s->nrxs);
	cc->s->rxs[cc->s->nrxs++] = rx;
	return rx;
}

static bool kw_pattern(const struct kw_ctx *k)
{
	if (!cJSON_IsString(k->v))
		return kw_bad(k, "a string");
	k->s->pattern_src = arena_strdup(k->cc->a, k->v->valuestring);
	k->s->pattern = compile_rx(k->cc, k->s->pattern_src, k->ptr);
	return k->s->pattern != NULL;
}

static bool kw_format(const struct kw_ctx *k)
{
	if (!cJSON_IsString(k->v))
		return kw_bad(k, "a string");
	k->s->format = FMT_UNKNOWN;	/* unknown formats are accepted, as draft-07 allows */
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(k->v->valuestring, formats[i].name) == 0) {
			k->s->format = formats[i].fmt;
			k->s->format_hint = formats[i].hint;
		}
	}
	return true;
}

static struct sch **sub_list(const struct kw_ctx *k, size_t *n, bool nonempty)
{
	if (!cJSON_IsArray(k->v) || (nonempty && !k->v->child)) {
		kw_bad(k, nonempty ? "a non-empty array of schemas" : "an array of schemas");
		return NULL;
	}
	size_t cnt = (size_t)cJSON_GetArraySize(k->v), i = 0;
	struct sch **list = arena_alloc(k->cc->a, (cnt ? cnt : 1) * sizeof(*list));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		list[i] = kw_sub(k, c, sch_ptr_index(k->cc->a, k->ptr, i));
		if (!list[i])
			return NULL;
	}
	*n = cnt;
	return list;
}

static bool kw_items(const struct kw_ctx *k)
{
	if (cJSON_IsArray(k->v)) {
		k->s->items_is_list = true;
		k->s->items_list = sub_list(k, &k->s->nitems_list, false);
		return k->s->items_list != NULL;
	}
	k->s->items = kw_sub(k, k->v, k->ptr);
	return k->s->items != NULL;
}

/* The keywords whose value is one schema. */
static bool kw_schema(const struct kw_ctx *k)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
		{"additionalItems", offsetof(struct sch, additional_items)},
		{"contains", offsetof(struct sch, contains)},
		{"additionalProperties", offsetof(struct sch, additional_props)},
		{"propertyNames", offsetof(struct sch, property_names)},
		{"if", offsetof(struct sch, if_s)},
		{"then", offsetof(struct sch, then_s)},
		{"else", offsetof(struct sch, else_s)},
		{"not", offsetof(struct sch, not_s)},
	};
	struct sch *sub = kw_sub(k, k->v, k->ptr);
	if (!sub)
		return false;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strcmp(k->name, slots[i].name) == 0)
			memcpy((char *)k->s + slots[i].off, &sub, sizeof(sub));
	return true;
}

static bool kw_combinator(const struct kw_ctx *k)
{
	size_t n = 0;
	struct sch **list = sub_list(k, &n, true);
	if (!list)
		return false;
	if (strcmp(k->name, "allOf") == 0)
		k->s->all_of = list, k->s->nall_of = n;
	else if (strcmp(k->name, "anyOf") == 0)
		k->s->any_of = list, k->s->nany_of = n;
	else
		k->s->one_of = list, k->s->none_of = n;
	return true;
}

static bool kw_unique(const struct kw_ctx *k)
{
	if (!cJSON_IsBool(k->v))
		return kw_bad(k, "a boolean");
	k->s->unique = cJSON_IsTrue(k->v);
	return true;
}

static const char **string_list(const struct kw_ctx *k, const cJSON *v, size_t *n)
{
	if (!cJSON_IsArray(v))
		return NULL;
	size_t cnt = (size_t)cJSON_GetArraySize(v), i = 0;
	const char **list = arena_alloc(k->cc->a, (cnt ? cnt : 1) * sizeof(*list));
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!cJSON_IsString(c))
			return NULL;
		list[i++] = arena_strdup(k->cc->a, c->valuestring);
	}
	*n = cnt;
	return list;
}

static bool kw_required(const struct kw_ctx *k)
{
	k->s->required = string_list(k, k->v, &k->s->nrequired);
	return k->s->required || kw_bad(k, "an array of strings");
}

static bool kw_properties(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->props = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->props));
	k->s->prop_names = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->prop_names));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct prop *p = &k->s->props[i];
		p->name = arena_strdup(k->cc->a, c->string);
		p->len = strlen(p->name);
		k->s->prop_names[i] = p->name;
		/* a name given twice is found at its first position, as by a search */
		if (n >= 16 && strmap_get(&k->s->prop_at, p->name, p->len) < 0)
			strmap_put(k->cc->a, &k->s->prop_at, p->name, p->len, i);
		p->s = kw_sub(k, c, sch_ptr_child(k->cc->a, k->ptr, c->string));
		if (!p->s)
			return false;
	}
	k->s->nprops = n;
	return true;
}

static bool kw_pattern_properties(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->pprops = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->pprops));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct pprop *p = &k->s->pprops[i];
		const char *ptr = sch_ptr_child(k->cc->a, k->ptr, c->string);
		p->src = arena_strdup(k->cc->a, c->string);
		p->rx = compile_rx(k->cc, p->src, ptr);
		if (!p->rx)
			return false;
		p->s = kw_sub(k, c, ptr);
		if (!p->s)
			return false;
	}
	k->s->npprops = n;
	return true;
}

static bool kw_dependencies(const struct kw_ctx *k)
{
	if (!cJSON_IsObject(k->v))
		return kw_bad(k, "an object of schemas or arrays of strings");
	size_t n = (size_t)cJSON_GetArraySize(k->v), i = 0;
	k->s->deps = arena_alloc(k->cc->a, (n ? n : 1) * sizeof(*k->s->deps));
	for (const cJSON *c = k->v->child; c; c = c->next, i++) {
		struct dep *d = &k->s->deps[i];
		const char *ptr = sch_ptr_child(k->cc->a, k->ptr, c->string);
		d->name = arena_strdup(k->cc->a, c->string);
		if (cJSON_IsArray(c)) {
			d->names = string_list(k, c, &d->nnames);
			if (!d->names) {
				cc_fail(k->cc, "invalid schema: '%s' at '%s' must be an array of "
					"strings", c->string, ptr);
				return false;
			}
		} else if (!(d->s = kw_sub(k, c, ptr))) {
			return false;
		}
	}
	k->s->ndeps = n;
	return true;
}

static bool kw_secret(const struct kw_ctx *k)
{
	if (!cJSON_IsBool(k->v))
		return kw_bad(k, "a boolean");
	k->s->secret = cJSON_IsTrue(k->v);
	return true;
}

/* The draft-07 vocabulary. */
static const struct keyword keywords[] = {
	{"$schema", kw_string, false},
	{"$id", kw_string, false},
	{"$ref", kw_string, true},
	{"$comment", kw_string, true},
	{"title", kw_string, true},
	{"description", kw_string, true},
	{"default", kw_default, true},
	{"examples", kw_examples, true},
	{"readOnly", kw_bool, true},
	{"writeOnly", kw_bool, true},
	{"contentMediaType", kw_string, false},
	{"contentEncoding", kw_string, false},
	{"definitions", kw_definitions, true},
	{"type", kw_type, false},
	{"enum", kw_enum, false},
	{"const", kw_const, false},
	{"multipleOf", kw_number, false},
	{"maximum", kw_number, false},
	{"exclusiveMaximum", kw_number, false},
	{"minimum", kw_number, false},
	{"exclusiveMinimum", kw_number, false},
	{"maxLength", kw_count, false},
	{"minLength", kw_count, false},
	{"pattern", kw_pattern, false},
	{"format", kw_format, false},
	{"items", kw_items, false},
	{"additionalItems", kw_schema, false},
	{"maxItems", kw_count, false},
	{"minItems", kw_count, false},
	{"uniqueItems", kw_unique, false},
	{"contains", kw_schema, false},
	{"maxProperties", kw_count, false},
	{"minProperties", kw_count, false},
	{"required", kw_required, false},
	{"properties", kw_properties, false},
	{"patternProperties", kw_pattern_properties, false},
	{"additionalProperties", kw_schema, false},
	{"dependencies", kw_dependencies, false},
	{"propertyNames", kw_schema, false},
	{"if", kw_schema, false},
	{"then", kw_schema, false},
	{"else", kw_schema, false},
	{"allOf", kw_combinator, false},
	{"anyOf", kw_combinator, false},
	{"oneOf", kw_combinator, false},
	{"not", kw_schema, false},
	/* vendor extensions eragen itself reads; other "x-..." keys are ignored */
	{"x-eragen-secret", kw_secret, true},
};

/* Called for every key of a schema: the first byte tells most keywords apart without a
 * call to strcmp. */
const struct keyword *cc_keyword(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].name[0] == name[0] && strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

const char *cc_keyword_nearest(const char *name)
{
	const char *names[sizeof(keywords) / sizeof(keywords[0])];
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		names[i] = keywords[i].name;
	return sch_nearest(name, names, sizeof(names) / sizeof(names[0]));
}

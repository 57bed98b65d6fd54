/*
 * data.c - the data tables of data.h, read from the JSON files in schemas/ with cJSON.
 *
 * Consumes: schemas/{regions,instance-types,eks-versions,charts}.json, the repository's
 * own copy when it has one, else the installed one under ctx->datadir.
 * Produces: ctx->data (typed arrays in ctx->perm), or SPEC012 at the table that cannot
 * be used and NULL for the rest of the run.
 *
 * The table formats (every table also has "_source", a string or a list of strings):
 *
 *   regions.json         {"regions": {"us-west-2": {"azs": ["a", "b"], "cognito": true}}}
 *   instance-types.json  {"instance_types": {"m5.large": {"vcpu": 2, "memory_mib": 8192,
 *                         "max_pods": 29, "gpu": false, "arch": "x86_64"}}}
 *   eks-versions.json    {"versions": [{"version": "1.34", "end_of_standard_support":
 *                         "2026-12-02", "end_of_extended_support": "2027-12-02"}]}
 *                        (dates may be null when unknown)
 *   charts.json          {"charts": [{"version": "2024.1.1", "z2jh": "3.2.1",
 *                         "dask_gateway": "2024.1.0", "kube_scheduler": "1.26",
 *                         "tolerations": {"hub": [{"key": ..., "operator": "Equal",
 *                         "value": ..., "effect": "NoSchedule"}], ...}}]}
 *
 * Keys starting with "_" are comments, anywhere. Unknown keys elsewhere are errors, so
 * a misspelt field cannot silently become a default.
 */
#include "data.h"
#include "alloc.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *const workload_names[WL_COUNT] = {
	"hub", "proxy", "user_scheduler", "gateway", "dask_scheduler", "dask_worker", "notebook",
	"kubecost",
};

enum { TBL_REGIONS, TBL_INSTANCES, TBL_K8S, TBL_CHARTS, TBL_COUNT };

static const char *const table_files[TBL_COUNT] = {
	"schemas/regions.json",
	"schemas/instance-types.json",
	"schemas/eks-versions.json",
	"schemas/charts.json",
};

/* One table being read: the first problem found, for the SPEC012 message. */
struct reader {
	struct ctx *ctx;
	char err[256];		/* empty while all is well */
};

static bool fail(struct reader *r, const char *fmt, ...) ATTR_PRINTF(2, 3);
static bool fail(struct reader *r, const char *fmt, ...)
{
	if (r->err[0])
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return false;
}

static bool is_comment(const cJSON *j)
{
	return j->string && j->string[0] == '_';
}

static const char *str_dup(struct reader *r, const cJSON *j)
{
	return arena_strdup(&r->ctx->perm, j->valuestring);
}

/* A field of object obj: a string (NULL allowed when nullable) copied into the arena. */
static bool get_str(struct reader *r, const cJSON *obj, const char *what, const char *key,
		    bool nullable, const char **out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (nullable && (!j || cJSON_IsNull(j))) {
		*out = NULL;
		return true;
	}
	if (!cJSON_IsString(j) || !j->valuestring[0])
		return fail(r, "'%s.%s' must be a non-empty string", what, key);
	*out = str_dup(r, j);
	return true;
}

static bool get_u32(struct reader *r, const cJSON *obj, const char *what, const char *key,
		    uint32_t *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(j) || j->valuedouble < 1 || j->valuedouble > 1e7 ||
	    j->valuedouble != (double)(uint32_t)j->valuedouble)
		return fail(r, "'%s.%s' must be a positive integer", what, key);
	*out = (uint32_t)j->valuedouble;
	return true;
}

static bool get_bool(struct reader *r, const cJSON *obj, const char *what, const char *key,
		     bool *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsBool(j))
		return fail(r, "'%s.%s' must be true or false", what, key);
	*out = cJSON_IsTrue(j);
	return true;
}

/* "1.34": digits, a dot, digits (what the checks compare as major.minor). */
static bool is_minor_version(const char *s)
{
	size_t i = 0, dots = 0;
	for (; s[i]; i++) {
		if (s[i] == '.' && i > 0 && s[i - 1] != '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return dots == 1 && i > 0 && s[i - 1] != '.';
}

/* Every non-comment key of obj is one of keys (NULL-terminated). */
static bool known_keys(struct reader *r, const cJSON *obj, const char *what,
		       const char *const *keys)
{
	const cJSON *j;
	cJSON_ArrayForEach(j, obj) {
		if (is_comment(j))
			continue;
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], j->string) != 0)
			i++;
		if (!keys[i])
			return fail(r, "unknown key '%s' in '%s'", j->string, what);
	}
	return true;
}

/* The top object: "_source" present, the one data key of the right type. */
static const cJSON *top(struct reader *r, const cJSON *root, const char *key, int type)
{
	if (!cJSON_IsObject(root))
		return fail(r, "expected a JSON object at the top"), NULL;
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "_source");
	bool ok = cJSON_IsString(src) && src->valuestring[0];
	if (cJSON_IsArray(src) && cJSON_GetArraySize(src) > 0) {
		ok = true;
		const cJSON *s;
		cJSON_ArrayForEach(s, src) ok = ok && cJSON_IsString(s);
	}
	if (!ok)
		return fail(r, "'_source' must say where the facts come from (a string or a list "
			    "of strings)"), NULL;
	const char *keys[] = { key, NULL };
	if (!known_keys(r, root, "the top object", keys))
		return NULL;
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, key);
	if (!j || (j->type & 0xff) != type)
		return fail(r, "'%s' must be %s", key, type == cJSON_Array ? "a list" : "an object"), NULL;
	return j;
}

/* Number of non-comment members. */
static size_t count_items(const cJSON *j)
{
	size_t n = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, j) n += !is_comment(c);
	return n;
}

static bool read_regions(struct reader *r, const cJSON *root, struct data *d)
{
	const cJSON *all = top(r, root, "regions", cJSON_Object);
	if (!all)
		return false;
	size_t n = count_items(all);
	struct region_info *v = arena_alloc(&r->ctx->perm, (n ? n : 1) * sizeof(*v));
	size_t i = 0;
	const cJSON *j;
	static const char *const keys[] = { "azs", "cognito", NULL };
	cJSON_ArrayForEach(j, all) {
		if (is_comment(j))
			continue;
		struct region_info *ri = &v[i++];
		ri->name = arena_strdup(&r->ctx->perm, j->string);
		if (!cJSON_IsObject(j))
			return fail(r, "region '%s' must be an object", j->string);
		if (!known_keys(r, j, j->string, keys) ||
		    !get_bool(r, j, j->string, "cognito", &ri->cognito))
			return false;
		const cJSON *azs = cJSON_GetObjectItemCaseSensitive(j, "azs");
		int naz = cJSON_GetArraySize(azs);
		if (!cJSON_IsArray(azs) || naz < 1)
			return fail(r, "'%s.azs' must be a non-empty list of zone letters", j->string);
		const char **names = arena_alloc(&r->ctx->perm, (size_t)naz * sizeof(*names));
		const cJSON *z;
		size_t k = 0;
		cJSON_ArrayForEach(z, azs) {
			if (!cJSON_IsString(z) || strlen(z->valuestring) != 1 ||
			    z->valuestring[0] < 'a' || z->valuestring[0] > 'z')
				return fail(r, "'%s.azs' must list zone letters like \"a\"", j->string);
			names[k++] = arena_printf(&r->ctx->perm, "%s%s", ri->name, z->valuestring);
		}
		ri->azs = names;
		ri->nazs = k;
	}
	d->regions = v;
	d->nregions = i;
	return true;
}

static bool read_instances(struct reader *r, const cJSON *root, struct data *d)
{
	const cJSON *all = top(r, root, "instance_types", cJSON_Object);
	if (!all)
		return false;
	size_t n = count_items(all);
	struct instance_info *v = arena_alloc(&r->ctx->perm, (n ? n : 1) * sizeof(*v));
	size_t i = 0;
	const cJSON *j;
	static const char *const keys[] = { "vcpu", "memory_mib", "max_pods", "gpu", "arch", NULL };
	cJSON_ArrayForEach(j, all) {
		if (is_comment(j))
			continue;
		struct instance_info *ii = &v[i++];
		const char *name = j->string;
		ii->name = arena_strdup(&r->ctx->perm, name);
		if (!cJSON_IsObject(j))
			return fail(r, "instance type '%s' must be an object", name);
		if (!known_keys(r, j, name, keys) || !get_u32(r, j, name, "vcpu", &ii->vcpu) ||
		    !get_u32(r, j, name, "memory_mib", &ii->mem_mib) ||
		    !get_u32(r, j, name, "max_pods", &ii->max_pods) ||
		    !get_bool(r, j, name, "gpu", &ii->gpu) ||
		    !get_str(r, j, name, "arch", false, &ii->arch))
			return false;
		if (strcmp(ii->arch, "x86_64") != 0 && strcmp(ii->arch, "arm64") != 0)
			return fail(r, "'%s.arch' must be \"x86_64\" or \"arm64\"", name);
	}
	d->instances = v;
	d->ninstances = i;
	return true;
}

static bool read_k8s(struct reader *r, const cJSON *root, struct data *d)
{
	const cJSON *all = top(r, root, "versions", cJSON_Array);
	if (!all)
		return false;
	size_t n = (size_t)cJSON_GetArraySize(all);
	struct k8s_info *v = arena_alloc(&r->ctx->perm, (n ? n : 1) * sizeof(*v));
	size_t i = 0;
	const cJSON *j;
	static const char *const keys[] = { "version", "end_of_standard_support",
					    "end_of_extended_support", NULL };
	cJSON_ArrayForEach(j, all) {
		struct k8s_info *ki = &v[i];
		char what[32];
		snprintf(what, sizeof(what), "versions[%zu]", i++);
		const char *ext;
		if (!cJSON_IsObject(j))
			return fail(r, "'%s' must be an object", what);
		if (!known_keys(r, j, what, keys) ||
		    !get_str(r, j, what, "version", false, &ki->version) ||
		    !get_str(r, j, what, "end_of_standard_support", true, &ki->end_of_support) ||
		    !get_str(r, j, what, "end_of_extended_support", true, &ext))
			return false;
		if (!is_minor_version(ki->version))
			return fail(r, "'%s.version' must be a Kubernetes major.minor like \"1.34\"", what);
		const char *dates[] = { ki->end_of_support, ext };
		for (size_t k = 0; k < 2; k++) {
			unsigned y, m, dd;
			char tail;
			if (dates[k] && (sscanf(dates[k], "%4u-%2u-%2u%c", &y, &m, &dd, &tail) != 3 ||
					 strlen(dates[k]) != 10 || m < 1 || m > 12 || dd < 1 || dd > 31))
				return fail(r, "'%s' has a date that is not YYYY-MM-DD: '%s'", what, dates[k]);
		}
	}
	d->k8s = v;
	d->nk8s = i;
	return true;
}

static int workload_index(const char *name)
{
	for (int w = 0; w < WL_COUNT; w++)
		if (strcmp(workload_names[w], name) == 0)
			return w;
	return -1;
}

static bool read_tolerations(struct reader *r, const cJSON *obj, const char *version,
			     struct chart_info *ci)
{
	const cJSON *w;
	cJSON_ArrayForEach(w, obj) {
		if (is_comment(w))
			continue;
		int wl = workload_index(w->string);
		if (wl < 0)
			return fail(r, "'%s': unknown workload '%s' in tolerations", version, w->string);
		int nt = cJSON_GetArraySize(w);
		if (!cJSON_IsArray(w))
			return fail(r, "'%s.tolerations.%s' must be a list", version, w->string);
		struct toleration *t = arena_alloc(&r->ctx->perm, (size_t)(nt ? nt : 1) * sizeof(*t));
		size_t k = 0;
		const cJSON *tj;
		static const char *const keys[] = { "key", "operator", "value", "effect", NULL };
		cJSON_ArrayForEach(tj, w) {
			char what[96];
			snprintf(what, sizeof(what), "%s.tolerations.%s[%zu]", version, w->string, k);
			struct toleration *tt = &t[k++];
			if (!cJSON_IsObject(tj))
				return fail(r, "'%s' must be an object", what);
			if (!known_keys(r, tj, what, keys) ||
			    !get_str(r, tj, what, "key", false, &tt->key) ||
			    !get_str(r, tj, what, "operator", false, &tt->op))
				return false;
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(tj, "value");
			const cJSON *eff = cJSON_GetObjectItemCaseSensitive(tj, "effect");
			if (strcmp(tt->op, "Equal") == 0) {
				if (!get_str(r, tj, what, "value", false, &tt->value))
					return false;
			} else if (strcmp(tt->op, "Exists") == 0) {
				if (val)
					return fail(r, "'%s': an 'Exists' toleration has no value", what);
				tt->value = "";
			} else {
				return fail(r, "'%s.operator' must be \"Equal\" or \"Exists\"", what);
			}
			if (!eff || (cJSON_IsString(eff) && !eff->valuestring[0])) {
				tt->effect = "";
			} else if (cJSON_IsString(eff) &&
				   (strcmp(eff->valuestring, "NoSchedule") == 0 ||
				    strcmp(eff->valuestring, "PreferNoSchedule") == 0 ||
				    strcmp(eff->valuestring, "NoExecute") == 0)) {
				tt->effect = str_dup(r, eff);
			} else {
				return fail(r, "'%s.effect' must be NoSchedule, PreferNoSchedule or NoExecute", what);
			}
		}
		ci->tolerations[wl] = t;
		ci->ntolerations[wl] = k;
	}
	return true;
}

static bool read_charts(struct reader *r, const cJSON *root, struct data *d)
{
	const cJSON *all = top(r, root, "charts", cJSON_Array);
	if (!all)
		return false;
	size_t n = (size_t)cJSON_GetArraySize(all);
	struct chart_info *v = arena_alloc(&r->ctx->perm, (n ? n : 1) * sizeof(*v));
	size_t i = 0;
	const cJSON *j;
	static const char *const keys[] = { "version", "z2jh", "dask_gateway", "kube_scheduler",
					    "tolerations", NULL };
	cJSON_ArrayForEach(j, all) {
		struct chart_info *ci = &v[i];
		char what[32];
		snprintf(what, sizeof(what), "charts[%zu]", i++);
		if (!cJSON_IsObject(j))
			return fail(r, "'%s' must be an object", what);
		if (!known_keys(r, j, what, keys) ||
		    !get_str(r, j, what, "version", false, &ci->version) ||
		    !get_str(r, j, what, "z2jh", false, &ci->z2jh) ||
		    !get_str(r, j, what, "dask_gateway", false, &ci->dask_gateway) ||
		    !get_str(r, j, what, "kube_scheduler", false, &ci->kube_scheduler))
			return false;
		if (!is_minor_version(ci->kube_scheduler))
			return fail(r, "'%s.kube_scheduler' must be a major.minor like \"1.26\"", ci->version);
		for (size_t k = 0; k + 1 < i; k++)
			if (strcmp(v[k].version, ci->version) == 0)
				return fail(r, "chart version '%s' is listed twice", ci->version);
		const cJSON *tol = cJSON_GetObjectItemCaseSensitive(j, "tolerations");
		if (!cJSON_IsObject(tol))
			return fail(r, "'%s.tolerations' must be an object keyed by workload", ci->version);
		if (!read_tolerations(r, tol, ci->version, ci))
			return false;
	}
	d->charts = v;
	d->ncharts = i;
	return true;
}

static void json_release(void *ja)
{
	json_arena_release(ja);
}

/* The cJSON tree lives in a JSON arena (alloc.h), guarded while the arena copies what
 * it holds (cJSON's allocator returns NULL, and a NULL parse that it caused is out of
 * memory). */
static bool read_table(struct ctx *ctx, int t, struct data *d)
{
	const char *rel = table_files[t];
	struct srcfile *f = srcfile_read_data(ctx, rel, NULL);
	if (!f)
		return false;	/* SPEC012 reported */
	d->files[t] = f->id;

	/* The length includes the NUL that srcfile guarantees: cJSON's trailing-garbage check
	 * wants to see it. */
	const char *end = NULL;
	unsigned long failed = alloc_failures();
	struct json_arena ja = { 0 };
	json_arena_begin(&ja);
	cJSON *root = cJSON_ParseWithLengthOpts(f->data, f->len + 1, &end, true);
	json_arena_end();
	if (!root) {
		json_arena_release(&ja);
		oom_if_failed_since(failed);
		size_t off = end && end >= f->data && end <= f->data + f->len ? (size_t)(end - f->data) : 0;
		diag_add(ctx, "SPEC012", NULL, srcfile_loc(f, off),
			 "the data table cannot be used: it is not valid JSON");
		return false;
	}
	struct reader r = { .ctx = ctx };
	bool ok;
	struct oom_guard guard;
	oom_guard_push(&guard, json_release, &ja);
	switch (t) {
	case TBL_REGIONS: ok = read_regions(&r, root, d); break;
	case TBL_INSTANCES: ok = read_instances(&r, root, d); break;
	case TBL_K8S: ok = read_k8s(&r, root, d); break;
	default: ok = read_charts(&r, root, d); break;
	}
	oom_guard_pop(&guard);
	json_arena_release(&ja);
	if (!ok)
		diag_add(ctx, "SPEC012", NULL, (struct loc){ .file = f->id },
			 "the data table cannot be used: %s", r.err[0] ? r.err : "malformed");
	return ok;
}

/* Index the names of a table (an array of structs whose first member is the name). */
static void index_names(struct arena *a, struct strmap *m, const void *v, size_t n, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)v + i * size);
		if (strmap_get(m, name, strlen(name)) < 0)
			strmap_put(a, m, name, strlen(name), i);
	}
}

static void index_tables(struct arena *a, struct data *d)
{
	index_names(a, &d->region_at, d->regions, d->nregions, sizeof(*d->regions));
	index_names(a, &d->instance_at, d->instances, d->ninstances, sizeof(*d->instances));
	index_names(a, &d->chart_at, d->charts, d->ncharts, sizeof(*d->charts));
	index_names(a, &d->k8s_at, d->k8s, d->nk8s, sizeof(*d->k8s));
}

const struct data *data_get(struct ctx *ctx)
{
	if (ctx->data_tried)
		return ctx->data;
	ctx->data_tried = true;
	struct data *d = arena_alloc(&ctx->perm, sizeof(*d));
	bool ok = true;
	for (int t = 0; t < TBL_COUNT; t++)
		ok = read_table(ctx, t, d) && ok;	/* report every broken table at once */
	if (ok)
		index_tables(&ctx->perm, d);
	ctx->data = ok ? d : NULL;
	return ctx->data;
}

static long find_name(const struct strmap *m, const char *name)
{
	return strmap_get(m, name, strlen(name));
}

const struct region_info *data_region(const struct data *d, const char *name)
{
	long i = d ? find_name(&d->region_at, name) : -1;
	return i < 0 ? NULL : &d->regions[i];
}

const struct instance_info *data_instance(const struct data *d, const char *name)
{
	long i = d ? find_name(&d->instance_at, name) : -1;
	return i < 0 ? NULL : &d->instances[i];
}

const struct chart_info *data_chart(const struct data *d, const char *version)
{
	long i = d ? find_name(&d->chart_at, version) : -1;
	return i < 0 ? NULL : &d->charts[i];
}

const struct k8s_info *data_k8s(const struct data *d, const char *version)
{
	long i = d ? find_name(&d->k8s_at, version) : -1;
	return i < 0 ? NULL : &d->k8s[i];
}

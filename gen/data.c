/*
 * data.c - the data tables of data.h, read from the JSON files in schemas/ with cJSON.
 */
#include "data.h"

#include <string.h>

const char *const workload_names[WL_COUNT] = {
	"hub", "proxy", "user_scheduler", "gateway", "dask_scheduler", "dask_worker", "notebook",
};

const struct data *data_get(struct ctx *ctx)
{
	(void)ctx;
	return NULL;
}

const struct region_info *data_region(const struct data *d, const char *name)
{
	for (size_t i = 0; d && i < d->nregions; i++)
		if (strcmp(d->regions[i].name, name) == 0)
			return &d->regions[i];
	return NULL;
}

const struct instance_info *data_instance(const struct data *d, const char *name)
{
	for (size_t i = 0; d && i < d->ninstances; i++)
		if (strcmp(d->instances[i].name, name) == 0)
			return &d->instances[i];
	return NULL;
}

const struct chart_info *data_chart(const struct data *d, const char *version)
{
	for (size_t i = 0; d && i < d->ncharts; i++)
		if (strcmp(d->charts[i].version, version) == 0)
			return &d->charts[i];
	return NULL;
}

const struct k8s_info *data_k8s(const struct data *d, const char *version)
{
	for (size_t i = 0; d && i < d->nk8s; i++)
		if (strcmp(d->k8s[i].version, version) == 0)
			return &d->k8s[i];
	return NULL;
}

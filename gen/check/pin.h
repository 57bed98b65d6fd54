/*
 * check/pin.h - pure helpers of the drift and compatibility rules (drift.c, compat.c):
 * exact versions, image references, ephemeral AWS IDs. They read a byte range, allocate
 * nothing and never fail; tests/unit/pin_test.c covers them.
 */
#ifndef ERAGEN_CHECK_PIN_H
#define ERAGEN_CHECK_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define VERSION_MAX_PARTS 3

struct version {
	unsigned part[VERSION_MAX_PARTS];	/* major, minor, patch (0 when absent) */
	int nparts;
	bool prerelease;			/* had a "-rc1"-style suffix */
};

/*
 * An exact version: 1 to 3 dot-separated decimal numbers without leading zeros (each at
 * most 6 digits), then optionally a pre-release suffix "-[0-9A-Za-z.-]+" after three
 * numbers. Anything else (a 'v' prefix, ranges, wildcards, "latest") is not exact: false.
 */
bool version_parse(const char *s, size_t n, struct version *v);
/* Compare the numeric parts (absent ones count as 0); the pre-release suffix is ignored. */
int version_cmp(const struct version *a, const struct version *b);
/* Minor versions from a to b (b.minor - a.minor, with majors apart counting as far). */
long version_minor_distance(const struct version *a, const struct version *b);

enum image_pin {
	IMAGE_PINNED,	/* a tag other than latest, or an @sha256: digest */
	IMAGE_LATEST,	/* tagged latest */
	IMAGE_NO_TAG,	/* no tag and no digest: the registry serves latest */
};
/* How an image reference ("registry:5000/org/name:tag@sha256:...") is pinned. */
enum image_pin image_pin(const char *ref, size_t n);

/*
 * The first ephemeral AWS ID in s: i-, vol-, eni-, sir- or snap- followed by exactly 8 or
 * 17 lowercase hex digits, not glued to letters or digits on either side. Returns what
 * it identifies ("EC2 instance", ...) and its byte span, or NULL.
 */
const char *ephemeral_id_find(const char *s, size_t n, size_t *start, size_t *end);

#endif

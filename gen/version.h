/*
 * version.h - version strings, compared in one place (version.c): exact versions as the
 * drift and compatibility rules read them (version_parse), and the order of free-text
 * version values (version_text_cmp: the back ends pick the lowest or highest
 * tofu_version). Pure functions: no allocation, no ctx; tests/unit/pin_test.c covers
 * them.
 */
#ifndef ERAGEN_VERSION_H
#define ERAGEN_VERSION_H

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
/*
 * The order of two version texts, whatever they hold: runs of digits compare as numbers
 * ("1.10.0" after "1.8.5"), every other byte as itself ("1.8" before "1.8.0" before
 * "1.8.0-rc1"); <0, 0 or >0 as strcmp.
 */
int version_text_cmp(const char *a, const char *b);

#endif

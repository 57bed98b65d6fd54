/*
 * check/pin.h - pure helpers of the drift and compatibility rules (drift.c, compat.c):
 * image references, ephemeral AWS IDs (exact versions: version.h). They read a byte range, allocate
 * nothing and never fail; tests/unit/pin_test.c covers them.
 */
#ifndef ERAGEN_CHECK_PIN_H
#define ERAGEN_CHECK_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "version.h"

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

/*
 * blobid.h - git blob IDs through OpenSSL's SHA-1 (blobid.c says why); repo_blob_id
 * (repo.h) is the API, which falls back on libgit2.
 */
#ifndef ERAGEN_BLOBID_H
#define ERAGEN_BLOBID_H

#include <stdbool.h>
#include <stddef.h>

/* The blob ID of a[0..alen) followed by b[0..blen) in out (40 lowercase hex digits and a
 * NUL); false when OpenSSL cannot hash (out is then undefined). */
bool blob_id(const char *a, size_t alen, const char *b, size_t blen, char out[41]);
/* Free OpenSSL's context (repo_shutdown calls it). */
void blob_id_release(void);

#endif

/*
 * blobid.c - git blob IDs (SHA-1 of "blob <len>\0" + content) of rendered files, through
 * OpenSSL's SHA-1. eragen hashes every generated file it must judge without reading:
 * check --staged compares each with the blob ID the index holds, and a clean build hashes
 * every body for its header and the manifest. libgit2's own hash (git_odb_hash) is
 * SHA-1 with collision detection, about 200 MB/s, a tenth of OpenSSL's with the CPU's SHA
 * instructions; the IDs are the same for every input git accepts (git refuses an object
 * that carries a collision attack, so such a file never reaches the index to be compared).
 *
 * libcrypto is already loaded as one of libgit2's own libraries: linking it costs no
 * start-up. Its configuration file is not read (OPENSSL_INIT_NO_LOAD_CONFIG): the SHA-1
 * of the default provider is all eragen uses. When OpenSSL cannot hash (its own allocation
 * failed), blob_id returns false and the caller falls back on libgit2.
 */
#include "blobid.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>

static EVP_MD_CTX *mdctx;
static EVP_MD *sha1;
static bool broken;	/* OpenSSL failed once: libgit2 hashes from then on */

static bool ready(void)
{
	if (mdctx)
		return true;
	if (broken)
		return false;
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) == 1)
		sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (sha1)
		mdctx = EVP_MD_CTX_new();
	if (!mdctx) {
		EVP_MD_free(sha1);
		sha1 = NULL;
		broken = true;
	}
	return mdctx != NULL;
}

bool blob_id(const char *a, size_t alen, const char *b, size_t blen, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	char prefix[32];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!ready())
		return false;
	int n = snprintf(prefix, sizeof(prefix), "blob %zu", alen + blen);
	if (EVP_DigestInit_ex(mdctx, sha1, NULL) != 1 ||
	    EVP_DigestUpdate(mdctx, prefix, (size_t)n + 1) != 1 ||	/* with its NUL */
	    (alen && EVP_DigestUpdate(mdctx, a, alen) != 1) ||
	    (blen && EVP_DigestUpdate(mdctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(mdctx, md, &mdlen) != 1 || mdlen != 20)
		return false;
	for (unsigned i = 0; i < 20; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[40] = '\0';
	return true;
}

void blob_id_release(void)
{
	EVP_MD_CTX_free(mdctx);
	EVP_MD_free(sha1);
	mdctx = NULL;
	sha1 = NULL;
}

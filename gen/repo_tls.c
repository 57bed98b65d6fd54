/*
 * repo_tls.c - what libgit2 would set up at git_libgit2_init for talking to a remote,
 * which eragen never does. libgit2, mbedTLS and libssh2 are linked from their static
 * archives, and the link wraps each function below (-Wl,--wrap=NAME, listed by the
 * Makefile from this file): every call to NAME from another object of the link, libgit2's
 * included, goes to __wrap_NAME here instead. A call from within NAME's own object
 * (mbedTLS's and libssh2's internal ones) is not redirected, and nothing here calls the
 * wrapped function (__real_NAME). A libgit2 built on other libraries never calls them.
 *
 * The invariant: no TLS or SSH connection can be made with what is skipped here. No
 * certificate is loaded (a TLS peer would be trusted by nothing), the TLS configuration
 * gets no defaults, and the random generator is never seeded and never gives a byte:
 * mbedtls_ctr_drbg_random, the one generator libgit2 hands to mbedTLS, always fails, so a
 * handshake, were one ever started, fails at its first random bytes with libgit2's "SSL
 * error" (tested in tests/unit/tls_test.c, which also fails when a wrap is missing).
 * repo_tls.h declares the functions, with mbedTLS's types opaque, as libgit2 calls them.
 */
#include "repo_tls.h"

/* mbedTLS's codes for a failed entropy source (mbedtls/ctr_drbg.h, mbedtls/entropy.h) */
#define RT_CTR_DRBG_ENTROPY_FAILED (-0x0034)
#define RT_ENTROPY_SOURCE_FAILED (-0x003C)

/*
 * Trust anchors: Debian's libgit2 parses the system's whole CA bundle in
 * git_libgit2_init, more than half the instructions of a lint and build of the three
 * shipped environments. Nothing is loaded.
 */
int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int __wrap_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/*
 * The random generator: git_libgit2_init initialises mbedTLS's entropy pool, whose HAVEGE
 * source alone fills 36 KB of state by timing loops (4% of the instructions of a lint of
 * the shipped environments), and seeds a CTR-DRBG from it. Here the pool is left
 * untouched (libgit2 only ever hands it to mbedtls_ctr_drbg_seed and frees it), the seed
 * does nothing, and drawing from the pool or the generator always fails.
 */
void __wrap_mbedtls_entropy_init(struct mbedtls_entropy_context *pool)
{
	(void)pool;
}

void __wrap_mbedtls_entropy_free(struct mbedtls_entropy_context *pool)
{
	(void)pool;
}

int __wrap_mbedtls_entropy_func(void *pool, unsigned char *out, size_t len)
{
	(void)pool;
	(void)out;
	(void)len;
	return RT_ENTROPY_SOURCE_FAILED;
}

int __wrap_mbedtls_ctr_drbg_seed(struct mbedtls_ctr_drbg_context *rng,
				 int (*entropy)(void *, unsigned char *, size_t), void *pool,
				 const unsigned char *custom, size_t len)
{
	(void)rng;
	(void)entropy;
	(void)pool;
	(void)custom;
	(void)len;
	return 0;
}

int __wrap_mbedtls_ctr_drbg_random(void *rng, unsigned char *out, size_t len)
{
	(void)rng;
	(void)out;
	(void)len;
	return RT_CTR_DRBG_ENTROPY_FAILED;
}

/*
 * The TLS configuration's defaults (protocol versions, curves, hashes and their tables:
 * 0.5% of a lint of the shipped environments) are not set: the configuration stays as
 * mbedtls_ssl_config_init left it, which no handshake can use (it has no protocol
 * version to offer, and its generator always fails).
 */
int __wrap_mbedtls_ssl_config_defaults(struct mbedtls_ssl_config *conf, int endpoint,
				       int transport, int preset)
{
	(void)conf;
	(void)endpoint;
	(void)transport;
	(void)preset;
	return 0;
}

/*
 * SSH: git_libgit2_init calls libssh2_init, which initialises OpenSSL's whole algorithm
 * table for a transport eragen never uses (4% of the instructions of a lint of the
 * shipped environments, and 40 page faults). Nothing is set up at start-up.
 */
int __wrap_libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

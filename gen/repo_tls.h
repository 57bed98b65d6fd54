/*
 * repo_tls.h - the stand-ins of gen/repo_tls.c for libgit2's TLS and SSH set-up, each put
 * in place of NAME by the link's -Wl,--wrap=NAME (the Makefile lists them from
 * repo_tls.c). Declared here for repo_tls.c and for tests/unit/tls_test.c, which checks
 * that every call to NAME reaches __wrap_NAME. mbedTLS's types stay opaque: no mbedTLS
 * header is included.
 */
#ifndef ERAGEN_REPO_TLS_H
#define ERAGEN_REPO_TLS_H

#include <stddef.h>

struct mbedtls_x509_crt;
struct mbedtls_entropy_context;
struct mbedtls_ctr_drbg_context;
struct mbedtls_ssl_config;

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);
void __wrap_mbedtls_entropy_init(struct mbedtls_entropy_context *pool);
void __wrap_mbedtls_entropy_free(struct mbedtls_entropy_context *pool);
int __wrap_mbedtls_entropy_func(void *pool, unsigned char *out, size_t len);
int __wrap_mbedtls_ctr_drbg_seed(struct mbedtls_ctr_drbg_context *rng,
				 int (*entropy)(void *, unsigned char *, size_t), void *pool,
				 const unsigned char *custom, size_t len);
int __wrap_mbedtls_ctr_drbg_random(void *rng, unsigned char *out, size_t len);
int __wrap_mbedtls_ssl_config_defaults(struct mbedtls_ssl_config *conf, int endpoint,
				       int transport, int preset);
int __wrap_libssh2_init(int flags);

#endif

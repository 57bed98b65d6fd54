/*
 * tls_test.c - the TLS stand-ins of gen/repo_tls.c leave no way to an unseeded
 * connection. This program links as eragen does (libgit2, mbedTLS and libssh2 from their
 * static archives, each stand-in put in place by -Wl,--wrap=NAME), so:
 * - each wrapped name, called from here as libgit2 calls it, is the stand-in
 *   (__wrap_NAME): a wrap missing from the link fails here by name;
 * - libgit2 is asked to connect to an https:// remote on a local port that listens and
 *   never answers, and the attempt must fail at once with libgit2's SSL error (mbedTLS's
 *   generator refuses its first random bytes). With a working generator the handshake
 *   would send its hello and wait for an answer that never comes: the alarm then fails
 *   the test;
 * - the generator and the entropy pool always fail when called directly.
 * Prints "tls_test: N passed, M failed"; exits 1 on any failure.
 */
#include "t.h"
#include "repo_tls.h"

#include <git2.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The wrapped functions, as libgit2 and mbedTLS call them (their addresses only) */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);
void mbedtls_entropy_init(void *pool);
void mbedtls_entropy_free(void *pool);
int mbedtls_entropy_func(void *pool, unsigned char *out, size_t len);
int mbedtls_ctr_drbg_seed(void *rng, int (*entropy)(void *, unsigned char *, size_t),
			  void *pool, const unsigned char *custom, size_t len);
int mbedtls_ctr_drbg_random(void *rng, unsigned char *out, size_t len);
int mbedtls_ssl_config_defaults(void *conf, int endpoint, int transport, int preset);
int libssh2_init(int flags);

typedef void (*fn)(void);
#define WRAP(name) { #name, (fn)name, (fn)__wrap_##name }

/* Each name called from another object of the link reaches the stand-in. */
static void test_wraps(void)
{
	static const struct {
		const char *name;
		fn called, stand_in;
	} wraps[] = {
		WRAP(mbedtls_x509_crt_parse_file), WRAP(mbedtls_x509_crt_parse_path),
		WRAP(mbedtls_entropy_init),	   WRAP(mbedtls_entropy_free),
		WRAP(mbedtls_entropy_func),	   WRAP(mbedtls_ctr_drbg_seed),
		WRAP(mbedtls_ctr_drbg_random),	   WRAP(mbedtls_ssl_config_defaults),
		WRAP(libssh2_init),
	};
	for (size_t i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++)
		CHECK(wraps[i].called == wraps[i].stand_in,
		      "a call to %s reaches the library's, not gen/repo_tls.c's (no -Wl,--wrap=%s)",
		      wraps[i].name, wraps[i].name);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL tls_test: the handshake waited for the server\n";
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* A socket listening on 127.0.0.1 that never accepts: connect() succeeds, then silence. */
static int listen_local(unsigned *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_handshake(void)
{
	unsigned port = 0;
	int fd = listen_local(&port);
	CHECK(fd >= 0, "cannot listen on 127.0.0.1");
	if (fd < 0)
		return;
	char url[64];
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/r.git", port);
	git_remote *remote = NULL;
	CHECK(git_remote_create_detached(&remote, url) == 0, "cannot create a remote");
	signal(SIGALRM, on_alarm);
	alarm(10);
	int rc = remote ? git_remote_connect(remote, GIT_DIRECTION_FETCH, NULL, NULL, NULL) : 0;
	alarm(0);
	const git_error *e = git_error_last();
	CHECK(rc < 0, "the connection to %s succeeded", url);
	CHECK(e && e->klass == GIT_ERROR_SSL, "error class %d, want GIT_ERROR_SSL (%d)",
	      e ? e->klass : -1, GIT_ERROR_SSL);
	CHECK(e && e->message && strstr(e->message, "SSL error"), "message '%s'",
	      e && e->message ? e->message : "");
	git_remote_free(remote);
	close(fd);
}

int main(void)
{
	unsigned char buf[16];
	test_wraps();
	fflush(stdout); /* a missing wrap may crash git_libgit2_init below: say which first */
	CHECK(__wrap_mbedtls_ctr_drbg_random(NULL, buf, sizeof(buf)) != 0,
	      "the generator gave bytes");
	CHECK(__wrap_mbedtls_entropy_func(NULL, buf, sizeof(buf)) != 0,
	      "the entropy pool gave bytes");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	CHECK(git_libgit2_init() > 0, "cannot initialise libgit2");
	test_handshake();
	git_libgit2_shutdown();
	return T_DONE("tls_test");
}

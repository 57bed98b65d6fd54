/*
 * secret_test.c - SECRET001 runs a credential pattern only on a file that holds one of
 * its literals (check/secret.h). Skipping the others changes no finding when PCRE2,
 * run on a file without the literal, finds no match and hits no limit (a limit is the
 * "cannot tell" finding): checked for every file of the hostile corpus
 * (tests/fuzz/corpus/lint), every golden fixture (tests/check), and near misses of each
 * literal repeated up to the largest file eragen reads (SRC_MAX_BYTES). Each pattern
 * still finds its credential, its literal seen.
 */
#include "alloc.h"
#include "check/secret.h"
#include "eragen.h"
#include "rx.h"
#include "t.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct rx *rx[8];
static size_t npat;
static struct rx *any;	/* the empty pattern: -1 on text that is not UTF-8 */
static int files_seen;

/* Every pattern whose literals text (n bytes, NUL-terminated) lacks decides "no match",
 * without error. Text eragen never scans (a NUL byte, not UTF-8) is left out. */
static void judge(const char *what, const char *text, size_t n)
{
	if (strlen(text) != n || rx_find(any, text, n, NULL, NULL) < 0)
		return;
	files_seen++;
	unsigned held = secret_literals(text);
	for (size_t c = 0; c < npat; c++) {
		if (held & 1u << c)
			continue;
		int m = rx_find_text(rx[c], text, n, NULL, NULL);
		CHECK(m == 0, "%s: pattern %zu, whose literal it lacks, gives %d", what, c, m);
	}
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, k);
	fclose(f);
	*len = sb.len;
	return sb.buf ? sb.buf : xstrdup("");
}

/* Every regular file under dir. */
static void judge_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			judge_tree(path);
		} else if (S_ISREG(st.st_mode) && st.st_size <= (off_t)SRC_MAX_BYTES) {
			size_t n;
			char *text = read_all(path, &n);
			if (text)
				judge(path, text, n);
			free(text);
		}
	}
	closedir(d);
}

/* The repository holding tests/, from the executable's path. */
static char *find_top(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 6; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			return NULL;
		*slash = '\0';
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof(probe), "%s/tests/fuzz/corpus/lint", exe);
		struct stat st;
		if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode))
			return xstrdup(exe);
	}
	return NULL;
}

/* unit repeated up to SRC_MAX_BYTES */
static void judge_repeated(const char *unit)
{
	size_t u = strlen(unit), n = SRC_MAX_BYTES / u * u;
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i += u)
		memcpy(text + i, unit, u);
	text[n] = '\0';
	char what[128];
	snprintf(what, sizeof(what), "'%.40s' repeated", unit);
	int before = t_fail;
	judge(what, text, n);
	CHECK(secret_literals(text) == 0 && t_fail == before, "%s: decided", what);
	free(text);
}

/* The credential of pattern c in text: its literal seen, the pattern matches. */
static void finds(size_t c, const char *text)
{
	CHECK(secret_literals(text) & 1u << c, "pattern %zu's literal in '%s'", c, text);
	CHECK(rx_find_text(rx[c], text, strlen(text), NULL, NULL) == 1,
	      "pattern %zu finds '%s'", c, text);
}

int main(void)
{
	char err[256];
	any = rx_compile("", 0, false, err, sizeof(err));
	const char *p;
	bool icase;
	npat = secret_pattern(0, &p, &icase);
	CHECK(npat == 5 && npat <= sizeof(rx) / sizeof(rx[0]), "%zu patterns", npat);
	for (size_t c = 0; c < npat; c++) {
		secret_pattern(c, &p, &icase);
		rx[c] = rx_compile(p, strlen(p), icase, err, sizeof(err));
		CHECK(rx[c] != NULL, "pattern %zu compiles: %s", c, err);
	}

	finds(0, "id: AKIAIOSFODNN7EXAMPLE");
	finds(0, "id: ASIAIOSFODNN7EXAMPLE");
	finds(1, "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	finds(1, "SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	/* U+017F and U+212A are s and k to caseless PCRE2: the literal has neither */
	finds(1, "aws_\xc5\xbf" "ecret_access_\xe2\x84\xaa" "ey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	finds(1, "awssecret_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	finds(1, "AW\xc5\xbf_\xc5\xbf" "ECRET: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	finds(1, "x: 1\nsecretaccesskey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'");
	finds(1, "Secret_Acce\xc5\xbf\xc5\xbf_Key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	finds(2, "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789");
	finds(2, "token: ghr_abcdefghijklmnopqrstuvwxyz0123456789");
	finds(2, "token: github_pat_abcdefghijklmnopqrstuvwxyz");
	finds(3, "hook: xoxb-1234567890-abcdef");
	finds(4, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");

	char *top = find_top();
	CHECK(top != NULL, "tests/fuzz/corpus/lint found from the executable");
	if (top) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/lint", top);
		judge_tree(dir);
		snprintf(dir, sizeof(dir), "%s/tests/check", top);
		judge_tree(dir);
		snprintf(dir, sizeof(dir), "%s/environments", top);
		judge_tree(dir);
		CHECK(files_seen > 500, "%d files judged", files_seen);
		free(top);
	}

	judge_repeated("AKI ASI AKIB ASIB AK1A akia asia A");
	judge_repeated("aws_secre_access_key: aws_secre=SECRE_ACCESS_KEY:\"secre\"");
	/* "cret" where no key name of the pattern can hold it */
	judge_repeated("client_secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
	judge_repeated("aws: 1\nsecret_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
	judge_repeated("aw_____secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY secret_acc ");
	judge_repeated("cret secrets: {a: 1} SECRET_ACESS_KEY=x ecret");
	judge_repeated("gh_ ghp ghx_ github_pa_ github_ GHP_ gh");
	judge_repeated("xo xo-xo x0x xOx XOX x-");
	judge_repeated("-----BEGIN-----BEGI PRIVATE KEY----- ----BEGIN ");
	judge_repeated("a");
	judge_repeated("\xc3\xa9");

	for (size_t c = 0; c < npat; c++)
		rx_free(rx[c]);
	rx_free(any);
	rx_shutdown();
	return T_DONE("secret_test");
}

/*
 * schema_uri.c - URI references (RFC 3986) for "$id" and "$ref": split into components,
 * resolved against a base URI (5.2, dot segments removed), fragments percent-decoded.
 *
 * Consumes NUL-terminated strings (sch_uri_split: s[0..n), and the spans it fills point
 * into s); results go to the caller's arena. Nothing here rejects a malformed URI:
 * resolution works on whatever it is given, and format "uri" (schema_format.c) checks the
 * characters of the components sch_uri_split finds.
 */
#include "schema_int.h"

#include <string.h>

void sch_uri_split(const char *s, size_t n, struct uri *u)
{
	memset(u, 0, sizeof(*u));
	size_t i = 0, j;
	if (n && is_alpha((unsigned char)s[0])) {
		for (j = 1; j < n && (is_alnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '-' ||
				      s[j] == '.'); j++)
			;
		if (j < n && s[j] == ':') {
			u->scheme = (struct span){s, j, true};
			i = j + 1;
		}
	}
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
		for (j = i + 2; j < n && s[j] != '/' && s[j] != '?' && s[j] != '#'; j++)
			;
		u->auth = (struct span){s + i + 2, j - i - 2, true};
		i = j;
	}
	for (j = i; j < n && s[j] != '?' && s[j] != '#'; j++)
		;
	u->path = (struct span){s + i, j - i, true};
	i = j;
	if (i < n && s[i] == '?') {
		for (j = i + 1; j < n && s[j] != '#'; j++)
			;
		u->query = (struct span){s + i + 1, j - i - 1, true};
		i = j;
	}
	if (i < n && s[i] == '#')
		u->frag = (struct span){s + i + 1, n - i - 1, true};
}

/* RFC 3986 5.2.4, appending the result to out. */
static void remove_dots(struct strbuf *out, const char *in, size_t n)
{
	size_t base = out->len;
	while (n) {
		if (starts(in, n, "../")) {
			in += 3, n -= 3;
		} else if (starts(in, n, "./")) {
			in += 2, n -= 2;
		} else if (starts(in, n, "/./")) {
			in += 2, n -= 2;
		} else if (n == 2 && starts(in, n, "/.")) {
			in += 1, n -= 1;
			sb_putc(out, '/');
			in++, n--;
		} else if (starts(in, n, "/../") || (n == 3 && starts(in, n, "/.."))) {
			in += 3, n -= 3;
			while (out->len > base && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len > base)
				out->len--;
			out->buf[out->len] = '\0';
			if (!n)
				sb_putc(out, '/');
		} else if ((n == 1 && in[0] == '.') || (n == 2 && starts(in, n, ".."))) {
			n = 0;
		} else {
			size_t k = 1;
			while (k < n && in[k] != '/')
				k++;
			if (in[0] != '/') {
				k = 0;
				while (k < n && in[k] != '/')
					k++;
			}
			sb_add(out, in, k);
			in += k, n -= k;
		}
	}
}

/* ref resolved against base (RFC 3986 5.2.2), in arena a. */
char *sch_uri_resolve(struct arena *a, const char *base, const char *ref)
{
	struct uri b, r;
	sch_uri_split(base, strlen(base), &b);
	sch_uri_split(ref, strlen(ref), &r);
	struct strbuf sb = SB_IN(a);
	struct span scheme = r.scheme.has ? r.scheme : b.scheme;
	if (scheme.has) {
		sb_add(&sb, scheme.p, scheme.n);
		sb_putc(&sb, ':');
	}
	struct span auth = r.scheme.has || r.auth.has ? r.auth : b.auth;
	if (auth.has) {
		sb_puts(&sb, "//");
		sb_add(&sb, auth.p, auth.n);
	}
	struct span query = r.query;
	if (r.scheme.has || r.auth.has || (r.path.n && r.path.p[0] == '/')) {
		remove_dots(&sb, r.path.p, r.path.n);
	} else if (!r.path.n) {
		sb_add(&sb, b.path.p, b.path.n);
		if (!r.query.has)
			query = b.query;
	} else {
		struct strbuf m = SB_IN(a);
		if (b.auth.has && !b.path.n) {
			sb_putc(&m, '/');
		} else {
			size_t k = b.path.n;
			while (k && b.path.p[k - 1] != '/')
				k--;
			sb_add(&m, b.path.p, k);
		}
		sb_add(&m, r.path.p, r.path.n);
		remove_dots(&sb, m.buf, m.len);
	}
	if (query.has) {
		sb_putc(&sb, '?');
		sb_add(&sb, query.p, query.n);
	}
	if (r.frag.has) {
		sb_putc(&sb, '#');
		sb_add(&sb, r.frag.p, r.frag.n);
	}
	return sb.buf ? sb.buf : arena_strdup(a, "");
}

/* Percent-decode s (a URI fragment); NULL when it is malformed. */
char *sch_pct_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n || !is_hex((unsigned char)s[i + 1]) ||
		    !is_hex((unsigned char)s[i + 2]))
			return NULL;
		out[o++] = (char)(hex_val((unsigned char)s[i + 1]) << 4 |
				  hex_val((unsigned char)s[i + 2]));
		i += 2;
	}
	out[o] = '\0';
	return out;
}

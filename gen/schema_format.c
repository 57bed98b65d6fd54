/*
 * schema_format.c - the draft-07 "format" checks: date, time, date-time, email,
 * idn-email, hostname, ipv4, ipv6, uri, uri-reference, iri, iri-reference, uri-template,
 * regex, json-pointer, relative-json-pointer.
 *
 * Pure functions over a string of n bytes, with sch_format_ok the only way in; formats
 * draft-07 does not define pass, as it allows. "regex" means ECMA-262: the pattern must
 * compile with rx.c and use no PCRE-only syntax.
 */
#include "schema_int.h"

#include <string.h>

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at s (10 bytes). */
static bool date_ok(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second only at 23:59 UTC. */
static bool time_ok(const char *s, size_t n)
{
	int h, m, sec, oh = 0, om = 0, sign = 0;
	if (n < 9 || !digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m) || s[5] != ':' ||
	    !digits(s + 6, 2, &sec) || h > 23 || m > 59 || sec > 60)
		return false;
	size_t i = 8;
	if (i < n && s[i] == '.') {
		size_t k = ++i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (i == k)
			return false;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i != 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		i += 6;
	} else {
		return false;
	}
	if (i != n)
		return false;
	if (sec == 60) {
		int utc = ((h * 60 + m - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;
		return utc == 23 * 60 + 59;
	}
	return true;
}

static bool ipv4_ok(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= n || s[i++] != '.'))
			return false;
		size_t k = i;
		int v = 0;
		while (i < n && is_digit((unsigned char)s[i]) && i - k < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == k || v > 255 || (s[k] == '0' && i - k > 1))
			return false;
	}
	return i == n;
}

static bool ipv6_ok(const char *s, size_t n)
{
	int groups = 0;
	bool gap = false;
	size_t i = 0;
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true, i = 2;
	} else if (n && s[0] == ':') {
		return false;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && is_hex((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '.') {
			if (!ipv4_ok(s + i, n - i))
				return false;
			groups += 2;
			break;
		}
		if (j == i || j - i > 4)
			return false;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return false;
		if (s[i] == ':') {
			if (gap)
				return false;
			gap = true;
			i++;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

static bool label_ok(const char *s, size_t n, bool idn)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_alnum(c) && c != '-' && !(idn && c >= 0x80))
			return false;
	}
	return true;
}

static bool hostname_ok(const char *s, size_t n, bool idn)
{
	if (n == 0 || n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!label_ok(s + start, i - start, idn))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool email_ok(const char *s, size_t n, bool idn)
{
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at)
		return false;
	size_t ln = (size_t)(at - s), dn = n - ln - 1;
	const char *d = at + 1;
	if (ln == 0 || ln > 64 || dn == 0)
		return false;
	if (s[0] == '"') {
		if (ln < 2 || s[ln - 1] != '"')
			return false;
	} else {
		static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
		if (s[0] == '.' || s[ln - 1] == '.')
			return false;
		for (size_t i = 0; i < ln; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '.' ? s[i + 1] == '.'
				     : !(is_alnum(c) || strchr(atext, c) || (idn && c >= 0x80)))
				return false;
		}
	}
	if (d[0] == '[') {
		if (d[dn - 1] != ']')
			return false;
		if (starts(d + 1, dn - 2, "IPv6:"))
			return ipv6_ok(d + 6, dn - 7);
		return ipv4_ok(d + 1, dn - 2);
	}
	return hostname_ok(d, dn, idn);
}

/* Every byte of s is allowed in a URI component: unreserved, sub-delims, extra, %XX
 * (and any non-ASCII character for IRIs). */
static bool uri_chars(const char *s, size_t n, const char *extra, bool iri)
{
	static const char ok[] = "-._~!$&'()*+,;=";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || !is_hex((unsigned char)s[i + 1]) ||
			    !is_hex((unsigned char)s[i + 2]))
				return false;
			i += 2;
		} else if (!(is_alnum(c) || (c && strchr(ok, c)) || (c && strchr(extra, c)) ||
			     (iri && c >= 0x80))) {
			return false;
		}
	}
	return true;
}

static bool uri_ok(const char *s, size_t n, bool iri, bool reference)
{
	struct uri u;
	sch_uri_split(s, n, &u);
	if (!u.scheme.has && !reference)
		return false;
	if (!u.scheme.has && !u.auth.has) {
		/* a relative path: its first segment cannot hold ':' */
		for (size_t i = 0; i < u.path.n && u.path.p[i] != '/'; i++)
			if (u.path.p[i] == ':')
				return false;
	}
	if (u.auth.has) {
		const char *a = u.auth.p;
		size_t an = u.auth.n;
		for (size_t i = an; i > 0; i--) {
			if (a[i - 1] == '@') {
				if (!uri_chars(a, i - 1, ":", iri))
					return false;
				a += i, an -= i;
				break;
			}
		}
		size_t hn = an;
		if (an && a[0] == '[') {
			const char *close = memchr(a, ']', an);
			if (!close)
				return false;
			hn = (size_t)(close - a) + 1;
			if (hn > 2 && (a[1] == 'v' || a[1] == 'V')) {
				if (!uri_chars(a + 1, hn - 2, ":", false))
					return false;
			} else if (!ipv6_ok(a + 1, hn - 2)) {
				return false;
			}
		} else {
			const char *colon = memchr(a, ':', an);
			if (colon)
				hn = (size_t)(colon - a);
			if (!uri_chars(a, hn, "", iri))
				return false;
		}
		if (hn < an) {
			if (a[hn] != ':')
				return false;
			for (size_t i = hn + 1; i < an; i++)
				if (!is_digit((unsigned char)a[i]))
					return false;
		}
	}
	return uri_chars(u.path.p, u.path.n, ":@/", iri) &&
	       (!u.query.has || uri_chars(u.query.p, u.query.n, ":@/?", iri)) &&
	       (!u.frag.has || uri_chars(u.frag.p, u.frag.n, ":@/?", iri));
}

/* RFC 6570: literals and {expressions} of variable lists. */
static bool uri_template_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '}' || c <= ' ' || (c < 0x80 && strchr("\"'<>\\^`|", c)))
			return false;
		if (c != '{')
			continue;
		i++;
		if (i < n && strchr("+#./;?&=,!@|", s[i]))
			i++;
		for (;;) {
			size_t k = i;
			while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' ||
					 s[i] == '%'))
				i++;
			if (i == k)
				return false;
			if (i < n && s[i] == '*') {
				i++;
			} else if (i < n && s[i] == ':') {
				k = ++i;
				while (i < n && is_digit((unsigned char)s[i]) && i - k < 4)
					i++;
				if (i == k)
					return false;
			}
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i >= n || s[i] != '}')
			return false;
	}
	return true;
}

static bool json_pointer_ok(const char *s, size_t n)
{
	if (n && s[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')))
			return false;
	return true;
}

static bool relative_json_pointer_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_digit((unsigned char)s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return false;
	if (i < n && s[i] == '#')
		return i + 1 == n;
	return json_pointer_ok(s + i, n - i);
}

/*
 * format "regex" means ECMA-262: besides compiling with PCRE2, refuse PCRE-only syntax
 * (\A \Z \z \Q..\E \G \K \R \h \H \X \C \N, inline options, atomic and branch-reset
 * groups, comments, possessive quantifiers).
 */
static bool regex_ok(const char *s, size_t n)
{
	bool in_class = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			if (i + 1 >= n || (s[i + 1] && strchr("AZzQEGKRhHXCN", s[i + 1])))
				return false;
			i++;
		} else if (in_class) {
			in_class = c != ']';
		} else if (c == '[') {
			in_class = true;
			if (i + 1 < n && s[i + 1] == '^')
				i++;
			if (i + 1 < n && s[i + 1] == ']')
				i++;	/* PCRE2 reads a leading ']' as a literal */
		} else if (c == '(' && i + 1 < n && s[i + 1] == '?') {
			char e = i + 2 < n ? s[i + 2] : '\0';
			char f = i + 3 < n ? s[i + 3] : '\0';
			if (!(e == ':' || e == '=' || e == '!' ||
			      (e == '<' && (f == '=' || f == '!' || is_alpha((unsigned char)f)))))
				return false;
		} else if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < n &&
			   s[i + 1] == '+') {
			return false;
		}
	}
	char err[160];
	struct rx *rx = rx_compile(s, n, false, err, sizeof(err));
	rx_free(rx);
	return rx != NULL;
}

bool sch_format_ok(enum fmt f, const char *s, size_t n)
{
	switch (f) {
	case FMT_NONE:
	case FMT_UNKNOWN:
		return true;
	case FMT_DATE:
		return n == 10 && date_ok(s);
	case FMT_TIME:
		return time_ok(s, n);
	case FMT_DATE_TIME:
		return n > 11 && date_ok(s) && (s[10] == 'T' || s[10] == 't') &&
		       time_ok(s + 11, n - 11);
	case FMT_EMAIL:
		return email_ok(s, n, false);
	case FMT_IDN_EMAIL:
		return email_ok(s, n, true);
	case FMT_HOSTNAME:
		return hostname_ok(s, n, false);
	case FMT_IPV4:
		return ipv4_ok(s, n);
	case FMT_IPV6:
		return ipv6_ok(s, n);
	case FMT_URI:
		return uri_ok(s, n, false, false);
	case FMT_URI_REFERENCE:
		return uri_ok(s, n, false, true);
	case FMT_IRI:
		return uri_ok(s, n, true, false);
	case FMT_IRI_REFERENCE:
		return uri_ok(s, n, true, true);
	case FMT_URI_TEMPLATE:
		return uri_template_ok(s, n);
	case FMT_REGEX:
		return regex_ok(s, n);
	case FMT_JSON_POINTER:
		return json_pointer_ok(s, n);
	case FMT_RELATIVE_JSON_POINTER:
		return relative_json_pointer_ok(s, n);
	}
	return true;
}

/*
 * version.c - exact versions and the order of version texts (version.h).
 */
#include "version.h"

#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool version_parse(const char *s, size_t n, struct version *v)
{
	size_t i = 0;
	memset(v, 0, sizeof(*v));
	for (;;) {
		size_t start = i;
		unsigned val = 0;
		while (i < n && is_digit(s[i]) && i - start < 7)
			val = val * 10 + (unsigned)(s[i++] - '0');
		size_t len = i - start;
		if (len == 0 || len > 6 || (len > 1 && s[start] == '0'))
			return false;
		v->part[v->nparts++] = val;
		if (i == n)
			return true;
		if (s[i] == '.' && v->nparts < VERSION_MAX_PARTS) {
			i++;
			continue;
		}
		break;
	}
	if (s[i] != '-' || v->nparts != VERSION_MAX_PARTS || i + 1 == n)
		return false;
	for (i++; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	v->prerelease = true;
	return true;
}

int version_cmp(const struct version *a, const struct version *b)
{
	for (int i = 0; i < VERSION_MAX_PARTS; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

long version_minor_distance(const struct version *a, const struct version *b)
{
	if (a->part[0] != b->part[0])
		return a->part[0] < b->part[0] ? 1000000L : -1000000L;
	return (long)b->part[1] - (long)a->part[1];
}

int version_text_cmp(const char *x, const char *y)
{
	while (*x || *y) {
		unsigned long a = 0, b = 0;
		while (*x >= '0' && *x <= '9')
			a = a * 10 + (unsigned long)(*x++ - '0');
		while (*y >= '0' && *y <= '9')
			b = b * 10 + (unsigned long)(*y++ - '0');
		if (a != b)
			return a < b ? -1 : 1;
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		if (*x)
			x++;
		if (*y)
			y++;
	}
	return 0;
}

/*
 * check/pin.c - image references and ephemeral AWS IDs (see pin.h).
 * Pure functions over byte ranges: no allocation, no ctx.
 */
#include "check/pin.h"

#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex_lower(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_sha256_digest(const char *s, size_t n)
{
	if (n != 7 + 64 || memcmp(s, "sha256:", 7) != 0)
		return false;
	for (size_t i = 7; i < n; i++)
		if (!is_hex_lower(s[i]))
			return false;
	return true;
}

enum image_pin image_pin(const char *ref, size_t n)
{
	const char *at = memchr(ref, '@', n);
	if (at && is_sha256_digest(at + 1, n - (size_t)(at + 1 - ref)))
		return IMAGE_PINNED;
	size_t name_end = at ? (size_t)(at - ref) : n;
	/* the tag is after a ':' in the last path component (a registry may have a port) */
	size_t last = 0;
	for (size_t i = 0; i < name_end; i++)
		if (ref[i] == '/')
			last = i + 1;
	const char *colon = memchr(ref + last, ':', name_end - last);
	if (!colon || colon + 1 == ref + name_end)
		return IMAGE_NO_TAG;
	size_t tlen = (size_t)(ref + name_end - (colon + 1));
	if (tlen == 6 && memcmp(colon + 1, "latest", 6) == 0)
		return IMAGE_LATEST;
	return IMAGE_PINNED;
}

static const struct {
	const char *prefix;
	const char *what;
} ephemeral[] = {
	{ "i-", "EC2 instance" },
	{ "vol-", "EBS volume" },
	{ "eni-", "network interface" },
	{ "sir-", "spot instance request" },
	{ "snap-", "EBS snapshot" },
};

const char *ephemeral_id_find(const char *s, size_t n, size_t *start, size_t *end)
{
	/* the bytes that begin a prefix: most of a value is passed over by one test a byte
	 * (every string of every environment is scanned) */
	bool first[256] = { false };
	for (size_t k = 0; k < sizeof(ephemeral) / sizeof(ephemeral[0]); k++)
		first[(unsigned char)ephemeral[k].prefix[0]] = true;
	for (size_t p = 0; p < n; p++) {
		if (!first[(unsigned char)s[p]] || (p > 0 && is_alnum(s[p - 1])))
			continue;
		for (size_t k = 0; k < sizeof(ephemeral) / sizeof(ephemeral[0]); k++) {
			if (s[p] != ephemeral[k].prefix[0])
				continue;	/* the common case, cheaply */
			size_t plen = strlen(ephemeral[k].prefix);
			if (n - p < plen || memcmp(s + p, ephemeral[k].prefix, plen) != 0)
				continue;
			size_t h = p + plen;
			while (h < n && is_hex_lower(s[h]))
				h++;
			size_t digits = h - (p + plen);
			if ((digits == 8 || digits == 17) && (h == n || !is_alnum(s[h]))) {
				*start = p;
				*end = h;
				return ephemeral[k].what;
			}
		}
	}
	return NULL;
}

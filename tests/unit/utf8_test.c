/*
 * utf8_test.c - the one UTF-8 decoder and encoder (utf8.c), table-driven: valid
 * sequences of each length, the invalid forms the strict decoder refuses, the lenient
 * walk's U+FFFD, and encode as decode's inverse.
 */
#include "eragen.h"
#include "t.h"

#include <string.h>

static const struct {
	const char *s;
	size_t n;
	size_t len;	/* 0: invalid */
	uint32_t cp;
} decode_cases[] = {
	{ "A", 1, 1, 'A' },
	{ "\xc3\xa9", 2, 2, 0xe9 },
	{ "\xe2\x82\xac", 3, 3, 0x20ac },
	{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
	{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
	{ "\xc0\x80", 2, 0, 0 },		/* overlong NUL */
	{ "\xe0\x80\xaf", 3, 0, 0 },		/* overlong '/' */
	{ "\xed\xa0\x80", 3, 0, 0 },		/* a surrogate */
	{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* past U+10FFFF */
	{ "\xc3", 1, 0, 0 },			/* cut short */
	{ "\xc3\x28", 2, 0, 0 },		/* no continuation byte */
	{ "\x80", 1, 0, 0 },			/* a lone continuation byte */
	{ "\xff", 1, 0, 0 },
	{ "", 0, 0, 0 },
};

/* utf8_count, word by word, against a byte-by-byte count: every alignment, lengths
 * across the 255-word sums, bytes of every kind (continuation bytes most of all). */
static void test_count(void)
{
	static char buf[5200];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		unsigned r = x >> 16;
		buf[i] = (char)(r % 3 == 0 ? 0x80 | (r >> 2 & 0x3f) : r >> 4 & 0xff);
	}
	memset(buf + 3000, 0xbf, 2100);	/* a run of continuation bytes past 255 words */
	static const size_t lens[] = { 0, 1, 7, 8, 9, 15, 16, 17, 100, 2039, 2040, 2041, 2047,
				       2048, 2049, 4079, 4080, 4081, 4900 };
	for (size_t off = 0; off < 16; off++) {
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			size_t want = 0;
			for (size_t i = 0; i < lens[l]; i++)
				want += ((unsigned char)buf[off + i] & 0xc0) != 0x80;
			size_t got = utf8_count(buf + off, lens[l]);
			CHECK(got == want, "count at %zu, %zu bytes: %zu, want %zu", off, lens[l], got,
			      want);
		}
	}
	size_t want = 0;
	for (size_t i = 2990; i < 5000; i++)
		want += ((unsigned char)buf[i] & 0xc0) != 0x80;
	CHECK(utf8_count(buf + 2990, 2010) == want, "a run of continuation bytes");
}

int main(void)
{
	test_count();
	for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		uint32_t cp = 0;
		size_t len = utf8_decode(decode_cases[i].s, decode_cases[i].n, &cp);
		CHECK(len == decode_cases[i].len, "case %zu: length %zu, want %zu", i, len,
		      decode_cases[i].len);
		if (len)
			CHECK(cp == decode_cases[i].cp, "case %zu: U+%04X", i, (unsigned)cp);
		char buf[4];
		if (len)
			CHECK(utf8_encode(buf, cp) == len && memcmp(buf, decode_cases[i].s, len) == 0,
			      "case %zu: encode is not decode's inverse", i);
	}

	/* the lenient walk: invalid bytes are U+FFFD, one byte each */
	const char walk[] = "a\xc0\x80\xe2\x82\xac\xff";
	uint32_t want[] = { 'a', 0xfffd, 0xfffd, 0x20ac, 0xfffd };
	size_t at = 0, k = 0;
	while (at < sizeof(walk) - 1 && k < 5) {
		uint32_t cp = utf8_next(walk, sizeof(walk) - 1, &at);
		CHECK(cp == want[k], "walk %zu: U+%04X, want U+%04X", k, (unsigned)cp,
		      (unsigned)want[k]);
		k++;
	}
	CHECK(k == 5 && at == sizeof(walk) - 1, "walk: %zu code points, at %zu", k, at);

	CHECK(utf8_check("ok \xc3\xa9", 5) == (size_t)-1, "valid text refused");
	CHECK(utf8_check("ok \xc3(", 5) == 3, "the bad sequence's offset");
	CHECK(utf8_count("\xc3\xa9t\xc3\xa9", 5) == 3, "code points counted");
	CHECK(utf8_width('a') == 1 && utf8_width(0x301) == 0 && utf8_width(0x4e2d) == 2,
	      "terminal widths");
	return T_DONE("utf8_test");
}

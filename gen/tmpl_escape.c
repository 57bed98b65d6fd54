/*
 * tmpl_escape.c - the escapers of the template engine (tmpl.h): one per output type.
 *
 * Consumes a value's text; appends it to a buffer written so that the target reads it
 * back as the same string (HTML, an HCL quoted string, a YAML scalar, a workflow's YAML
 * with ${{ neutralised, a Makefile word, a JSON string). The only failure is a value the
 * target cannot represent (a newline in a Makefile word), returned as -1.
 */
#include "tmpl.h"

#include <string.h>

static void esc_html(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '>': sb_puts(out, "&gt;"); break;
		case '"': sb_puts(out, "&quot;"); break;
		case '\'': sb_puts(out, "&#39;"); break;
		default: sb_putc(out, s[i]);
		}
	}
}

/* Inside an HCL quoted string: the escapes of the HCL native syntax, and the two
 * template introducers doubled ($${ and %%{ are their literal forms). */
static void esc_hcl(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\': sb_puts(out, "\\\\"); break;
		case '"': sb_puts(out, "\\\""); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		case '$':
		case '%':
			sb_putc(out, (char)c);
			if (i + 1 < n && s[i + 1] == '{')
				sb_putc(out, (char)c);
			break;
		default:
			if (c < 0x20 || c == 0x7F)
				sb_printf(out, "\\u%04X", c);
			else
				sb_putc(out, (char)c);
		}
	}
}

/* Words YAML 1.1 or 1.2 (core) resolve to null or a boolean (compared ignoring case:
 * quoting "NuLl" too costs nothing). */
static bool yaml_reserved(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i]);
		if (wl != n)
			continue;
		size_t k = 0;
		while (k < n && (s[k] | 0x20) == words[i][k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/*
 * Plain only when no YAML reader can take it for anything but this string: letters,
 * digits and . _ / - only, starting with a letter, '_' or '/' (so never a number, date,
 * sexagesimal, .inf or an indicator), and not a null/boolean word of YAML 1.1 or 1.2.
 */
static bool yaml_plain_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '/'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '/' || c == '-';
		if (!ok)
			return false;
	}
	return !yaml_reserved(s, n);
}

/* A YAML double-quoted scalar in JSON's escape syntax; everything outside YAML's
 * printable set, and the characters YAML 1.1 reads as line breaks (U+0085, U+2028,
 * U+2029), is escaped. */
static void esc_yaml_quoted(const char *s, size_t n, struct strbuf *out)
{
	sb_putc(out, '"');
	for (size_t i = 0; i < n;) {
		size_t at = i;
		uint32_t c = utf8_next(s, n, &i);
		size_t used = i - at;
		switch (c) {
		case '"': sb_puts(out, "\\\""); break;
		case '\\': sb_puts(out, "\\\\"); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		default:
			/* (an invalid byte decodes as U+FFFD from one byte: written escaped) */
			if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x2028 || c == 0x2029 ||
			    c == 0xFEFF || c == 0xFFFE || c == 0xFFFF || (c == 0xFFFD && used != 3))
				sb_printf(out, "\\u%04X", (unsigned)c);
			else
				sb_add(out, s + at, used);
		}
	}
	sb_putc(out, '"');
}

static void esc_yaml(const char *s, size_t n, struct strbuf *out)
{
	if (yaml_plain_ok(s, n))
		sb_add(out, s, n);
	else
		esc_yaml_quoted(s, n, out);
}

/*
 * GitHub evaluates ${{ ... }} inside any workflow string. Each literal "${{" becomes
 * "${{ '$' }}{{": an expression yielding "$" followed by the literal "{{", so the
 * rewritten text holds no "${{" that is not ours and evaluates back to the original.
 */
static void esc_gha(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	struct oom_guard guard;
	oom_guard_strbuf(&guard, &t);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$' && i + 2 < n && s[i + 1] == '{' && s[i + 2] == '{') {
			sb_puts(&t, "${{ '$' }}{{");
			i += 2;
		} else {
			sb_putc(&t, s[i]);
		}
	}
	esc_yaml(t.buf ? t.buf : "", t.len, out);
	oom_guard_pop(&guard);
	sb_release(&t);
}

/*
 * A Makefile variable value (after "V :="): $ doubled, # as \#. Where make would not
 * keep the text as it is, an empty reference "$()" (expands to nothing) is put in
 * between: before leading and after trailing blanks (make strips them), after a final
 * backslash (a line continuation) and between a backslash and \# (\\# is a comment).
 */
static int esc_make(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r')
			return -1;
	if (n && (s[0] == ' ' || s[0] == '\t'))
		sb_puts(out, "$()");
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '$': sb_puts(out, "$$"); break;
		case '#':
			if (i > 0 && s[i - 1] == '\\')
				sb_puts(out, "$()");
			sb_puts(out, "\\#");
			break;
		default: sb_putc(out, s[i]);
		}
	}
	if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\\'))
		sb_puts(out, "$()");
	return 0;
}

int tmpl_escape(enum tmpl_escape esc, const char *s, size_t n, struct strbuf *out)
{
	if (!s)
		s = "", n = 0;
	switch (esc) {
	case ESC_HTML: esc_html(s, n, out); return 0;
	case ESC_NONE: sb_add(out, s, n); return 0;
	case ESC_HCL: esc_hcl(s, n, out); return 0;
	case ESC_YAML: esc_yaml(s, n, out); return 0;
	case ESC_GHA: esc_gha(s, n, out); return 0;
	case ESC_MAKE: return esc_make(s, n, out);
	case ESC_JSON: sb_json_str(out, s, n); return 0;
	}
	return -1;
}

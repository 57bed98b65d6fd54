/*
 * rules_test.c - the rule table the families make together (check.c) against the texts
 * of docs/rules/ embedded by the build: one text per rule and one rule per text, IDs
 * unique and well formed, rule_index a numbering of the rules, rule_table in the order of
 * DESIGN.md section 5 (then OUT, section 8.3), and the rows' flags as the rules define
 * them. Prints "rules_test: N passed, M failed"; exits 1 on any failure.
 */
#include "eragen.h"
#include "t.h"

#include <stdlib.h>
#include <string.h>

static const char *const families[] = {
	"SPEC", "NET", "AUTH", "SCHED", "DRIFT", "COMPAT", "SECRET", "NAME", "XENV", "DNS",
	"POLICY", "ADOPT", "OUT",
};
#define NFAM (sizeof(families) / sizeof(families[0]))

/* FAMILY + three digits: the family's place in families (or -1), *num the number. */
static int family_of(const char *id, unsigned *num)
{
	size_t len = strcspn(id, "0123456789");
	if (strlen(id) != len + 3 || strspn(id + len, "0123456789") != 3)
		return -1;
	*num = (unsigned)strtoul(id + len, NULL, 10);
	for (size_t k = 0; k < NFAM; k++)
		if (strlen(families[k]) == len && strncmp(families[k], id, len) == 0)
			return (int)k;
	return -1;
}

static const char *text_of(const char *id)
{
	for (size_t i = 0; i < rule_texts_count; i++)
		if (strcmp(rule_texts[i].id, id) == 0)
			return rule_texts[i].text;
	return NULL;
}

/* Every text is a rule's, and every rule has its text, with the four sections. */
static void test_texts(const struct rule **v, size_t n)
{
	CHECK(n >= 73, "%zu rules", n);
	CHECK(rule_texts_count == n, "%zu texts for %zu rules", rule_texts_count, n);
	for (size_t i = 0; i < rule_texts_count; i++) {
		const struct rule *r = rule_find(rule_texts[i].id);
		CHECK(r != NULL, "docs/rules/%s.txt: no such rule", rule_texts[i].id);
		CHECK(!r || rule_explain(r) == rule_texts[i].text, "%s: another text",
		      rule_texts[i].id);
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = text_of(v[i]->id);
		CHECK(t != NULL, "%s: no docs/rules/%s.txt", v[i]->id, v[i]->id);
		if (!t)
			continue;
		size_t len = strlen(t);
		CHECK(len > 0 && t[len - 1] == '\n', "%s: the text does not end a line", v[i]->id);
		CHECK(strncmp(t, "What: ", 6) == 0 && strstr(t, "\n\nWhy: ") &&
		      strstr(t, "\n\nFix: ") && strstr(t, "\n\nSuppress: "),
		      "%s: not What, Why, Fix, Suppress", v[i]->id);
	}
}

/* Well-formed unique IDs, in family order then by number; summaries; a numbering. */
static void test_table(const struct rule **v, size_t n)
{
	bool *seen = calloc(n, sizeof(*seen));
	CHECK(seen != NULL, "calloc");
	if (!seen)
		return;
	int last_fam = -1;
	unsigned last_num = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = v[i];
		unsigned num = 0;
		int fam = family_of(r->id, &num);
		CHECK(fam >= 0, "'%s' is not FAMILY + 3 digits of a known family", r->id);
		CHECK(fam > last_fam || (fam == last_fam && num > last_num),
		      "%s is out of order or repeated", r->id);
		last_fam = fam;
		last_num = num;
		CHECK(rule_find(r->id) == r, "%s: rule_find finds another row", r->id);
		CHECK(r->summary && r->summary[0] && !strchr(r->summary, '\n'),
		      "%s: the summary is not one line", r->id);
		size_t k = rule_index(r);
		CHECK(k < n && !seen[k], "%s: rule_index %zu taken or out of range", r->id, k);
		if (k < n)
			seen[k] = true;
	}
	free(seen);
	CHECK(rule_find("SPEC000") == NULL && rule_find("spec001") == NULL &&
	      rule_find("") == NULL, "rule_find: unknown IDs");
}

/* The flags: what the rules say of themselves (docs/rules/ID.txt: Suppress, What). */
static void test_flags(void)
{
	static const char *const unsuppressible[] = {
		"SPEC001", "SPEC002", "SPEC003", "SPEC004", "SPEC005", "SPEC006",
		"SPEC007", "SPEC008", "SPEC009", "SPEC010", "SPEC012", "XENV004",
		"OUT001", "OUT002", "OUT003",	/* what check exists to find */
	};
	size_t n = rule_count(), k = 0;
	struct arena a;
	arena_init(&a);
	const struct rule **v = rule_table(&a);
	for (size_t i = 0; i < n; i++) {
		bool listed = k < sizeof(unsuppressible) / sizeof(unsuppressible[0]) &&
			      strcmp(unsuppressible[k], v[i]->id) == 0;
		k += listed;
		CHECK(v[i]->suppressible == !listed, "%s: suppressible is %d", v[i]->id,
		      v[i]->suppressible);
		CHECK(rule_is_checked(v[i]->id) == !v[i]->planned, "%s: rule_is_checked", v[i]->id);
	}
	CHECK(k == sizeof(unsuppressible) / sizeof(unsuppressible[0]), "unsuppressible: %zu", k);
	const struct rule *r = rule_find("AUTH005");
	CHECK(r && r->sev == SEV_WARNING && r->raise_on_prod, "AUTH005: W/E");
	r = rule_find("AUTH008");
	CHECK(r && r->sev == SEV_NOTE && !r->raise_on_prod, "AUTH008: a note");
	r = rule_find("SPEC011");
	CHECK(r && r->sev == SEV_WARNING && r->suppressible, "SPEC011: a warning");
	arena_release(&a);
}

int main(void)
{
	struct arena a;
	arena_init(&a);
	size_t n = rule_count();
	const struct rule **v = rule_table(&a);
	test_texts(v, n);
	test_table(v, n);
	test_flags();
	arena_release(&a);
	return T_DONE("rules_test");
}

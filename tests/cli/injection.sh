#!/bin/sh
# Injection safety end to end (issue 4 item 9). For each round, two repositories with the
# same spec: b<R>/ with a unique benign marker in every free-form string field that reaches
# an output, h<R>/ with a hostile string (quotes, backslashes, line breaks where the spec
# allows them, ${, %{, $(, ${{, #, ": ", YAML 1.1 words and numbers, non-ASCII incl.
# decomposed forms, U+2028, emoji...; tests/cli/injection-check.py holds the fixed corpus)
# in the same fields. Both must lint and build; then every output is read with the real
# parsers (hcl2json for .tf, PyYAML as YAML 1.1 plus go-yaml's y/n for values.yaml and the
# workflows, GNU make's database for the .mk files, json for github-environments.json) and
# the hostile tree, with each hostile string mapped back to its marker, must equal the
# benign tree: same structure (no resource, key, job, step or target added or removed) and
# every hostile string read back exactly (after NFC for HCL). In workflows no ${{ may
# survive that GitHub would evaluate, other than the escaper's own ${{ '$' }}.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
V="$top/tests/validators"
gen="$top/tests/cli/injection-check.py"
PY=/usr/bin/python3
ROUNDS=${INJECTION_ROUNDS:-0 1 2 3 4}

for r in $ROUNDS; do
	for kind in b h; do
		d=$kind$r
		rm -rf "$d"
		mkdir -p "$d"
		if [ "$kind" = b ]; then k=benign; else k=hostile; fi
		"$PY" "$gen" gen "$r" "$k" "$d" || { fail "round $r: cannot generate the $k spec"; continue; }
		run_in "$d" 0 "round $r: the $k spec lints" lint --all
		[ "$rc" -eq 0 ] || continue
		# a structural error (a finding of the spec schema or the loader) never, domain
		# warnings are fine
		hasnt 'error\[' "round $r: no error in the $k spec" err
		run_in "$d" 0 "round $r: the $k spec builds" build
	done
done
[ "$fails" -eq 0 ] || { echo "injection: $fails failed before comparing"; exit 1; }

# one node call for every .tf file of every repository (node starts slowly)
find b* h* -name '*.tf' -type f | LC_ALL=C sort >hcl.list
ntf=$(wc -l <hcl.list)
[ "$ntf" -gt 0 ] || { fail "no .tf file generated"; exit 1; }
# shellcheck disable=SC2046 # one argument per path (no blanks in them)
if ! node "$V/hcl-check.js" --json $(cat hcl.list) >hcl.all 2>hcl.err; then
	cat hcl.err; fail "hcl2json cannot parse the generated .tf files"; exit 1
fi
ok "hcl2json: $ntf .tf files parsed"

# shellcheck disable=SC2086 # the rounds are words
"$PY" "$gen" compare hcl.list hcl.all $ROUNDS &&
	ok "every hostile string read back equal, structure unchanged" ||
	fail "the hostile trees differ from the benign ones (above)"
[ "$fails" -eq 0 ] || { echo "injection: $fails failed"; exit 1; }

# The check itself must catch an injection: round 9 overrides the workflow matrix template
# (a repository's templates/ override the shipped ones, DESIGN 2) with a careless one
# that puts the escaped runs_on inside a quoted scalar of its own; the compare must fail.
r=9
for kind in b h; do
	d=$kind$r
	rm -rf "$d"
	mkdir -p "$d/templates/github"
	if [ "$kind" = b ]; then k=benign; else k=hostile; fi
	"$PY" "$gen" gen "$r" "$k" "$d" || { fail "round $r"; exit 1; }
	sed 's/runs_on: <%runs_on%>/runs_on: "x <%runs_on%>"/' \
		"$top/templates/github/_matrix.yml.mustache" >"$d/templates/github/_matrix.yml.mustache"
	cmp -s "$top/templates/github/_matrix.yml.mustache" "$d/templates/github/_matrix.yml.mustache" &&
		{ fail "the careless template is the shipped one"; exit 1; }
	"$ERAGEN" -C "$d" build >"$d.build" 2>&1 || { cat "$d.build"; fail "round $r build"; exit 1; }
done
find b9 h9 -name '*.tf' -type f | LC_ALL=C sort >hcl9.list
# shellcheck disable=SC2046 # one argument per path (no blanks in them)
node "$V/hcl-check.js" --json $(cat hcl9.list) >hcl9.all 2>hcl9.err || { cat hcl9.err; exit 1; }
if "$PY" "$gen" compare hcl9.list hcl9.all 9 >mutant.out 2>&1; then
	cat mutant.out; fail "a careless template was not caught"; exit 1
fi
if ! grep -q 'eragen-.*\.yml round 9' mutant.out; then
	cat mutant.out; fail "the careless template failed the check for another reason"; exit 1
fi
ok "a careless workflow template is caught ($(grep -c 'round 9' mutant.out) findings)"
summary injection

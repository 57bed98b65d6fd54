#!/bin/sh
# Every rule this version checks has a golden case that fires it (tests/check/RULE-*)
# and a near miss (tests/check/RULE-near-*) whose expected output is no diagnostic at
# all and exit 0; every rule has an explain text with its four sections.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
checked=0
"$ERAGEN" explain --list >rules.txt || { fail "explain --list"; exit 1; }
while read -r id sev status rest; do
	before=$fails
	"$ERAGEN" explain "$id" >explain.txt || fail "explain $id"
	for s in What: Why: Fix: Suppress:; do
		grep -q "^$s" explain.txt || fail "explain $id has no '$s'"
	done
	[ "$fails" = "$before" ] && ok "$id: explained (What, Why, Fix, Suppress)"
	[ "$status" = checked ] || continue
	checked=$((checked + 1))
	fire=0
	near=0
	before=$fails
	for d in "$top"/tests/check/"$id"-*/; do
		[ -d "$d" ] || continue
		case "$d" in
		*-near-*)
			near=$((near + 1))
			if [ "$(cat "$d/expected")" != "[exit 0]" ]; then
				fail "near miss $(basename "$d") is not silent"
			fi
			;;
		*)
			grep -q "\[$id\]" "$d/expected" && fire=$((fire + 1))
			;;
		esac
	done
	# rules about changes against git history are fired by tests/cli/drift-baseline.sh too
	[ "$fire" -gt 0 ] || fail "$id: no golden case fires it"
	[ "$near" -gt 0 ] || fail "$id: no near miss"
	[ "$fails" = "$before" ] && ok "$id: $fire golden cases fire it, $near near misses stay silent"
done <rules.txt
echo "rule coverage: $checked checked rules, $(wc -l <rules.txt) rules explained"
[ "$checked" -gt 0 ] || fail "no checked rule"
summary rule-coverage

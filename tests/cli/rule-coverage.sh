#!/bin/sh
# Every rule this version checks has a golden case that fires it (tests/check/RULE-*)
# and a near miss (tests/check/RULE-near-*) whose expected output is no diagnostic at
# all and exit 0; every rule has an explain text with its four sections.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
checked=0
"$ERAGEN" explain --list >rules.txt || exit 1
while read -r id sev status rest; do
	"$ERAGEN" explain "$id" >explain.txt || { echo "FAIL explain $id"; fails=$((fails + 1)); }
	for s in What: Why: Fix: Suppress:; do
		grep -q "^$s" explain.txt || { echo "FAIL explain $id has no '$s'"; fails=$((fails + 1)); }
	done
	[ "$status" = checked ] || continue
	checked=$((checked + 1))
	fire=0
	near=0
	for d in "$top"/tests/check/"$id"-*/; do
		[ -d "$d" ] || continue
		case "$d" in
		*-near-*)
			near=$((near + 1))
			if [ "$(cat "$d/expected")" != "[exit 0]" ]; then
				echo "FAIL near miss $(basename "$d") is not silent"
				fails=$((fails + 1))
			fi
			;;
		*)
			grep -q "\[$id\]" "$d/expected" && fire=$((fire + 1))
			;;
		esac
	done
	# rules about changes against git history are fired by tests/cli/drift-baseline.sh too
	[ "$fire" -gt 0 ] || { echo "FAIL $id: no golden case fires it"; fails=$((fails + 1)); }
	[ "$near" -gt 0 ] || { echo "FAIL $id: no near miss"; fails=$((fails + 1)); }
done <rules.txt
echo "rule coverage: $checked checked rules, $(wc -l <rules.txt) rules explained"
[ "$checked" -gt 0 ] && [ "$fails" -eq 0 ]

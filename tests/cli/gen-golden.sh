#!/bin/sh
# Golden output trees: each tests/gen/<case>/ holds an input tree (environments/, and
# optionally templates/ or schemas/ overrides) and expected/, the exact tree `eragen
# build` must produce from it (out/, .github/, .gitattributes). The case is copied to a
# temp directory, built, and compared with `diff -ru expected/ produced/` (the inputs
# left out). A second build must then be clean for `eragen check`.
#
#   UPDATE_GOLDEN=1 sh tests/cli/gen-golden.sh     rewrite every expected/ (review the diff)
#   GOLDEN_ONLY=GLOB                               only the matching cases
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
: "${ERAGEN:?set ERAGEN to the eragen binary}"
cases=0
files=0

for d in "$top"/tests/gen/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	# shellcheck disable=SC2254 # GOLDEN_ONLY is a glob
	case "$name" in ${GOLDEN_ONLY:-*}) ;; *) continue ;; esac
	cases=$((cases + 1))
	work=$PWD/gen-$name
	rm -rf "$work" && mkdir -p "$work/in" "$work/produced"
	# the inputs: everything but expected/
	(cd "$d" && find . -mindepth 1 -maxdepth 1 ! -name expected -exec cp -R {} "$work/in/" \;)
	args=build
	[ -f "$d/args" ] && args=$(cat "$d/args") && rm -f "$work/in/args"
	# shellcheck disable=SC2086
	run_in "$work/in" 0 "gen/$name: eragen $args" $args
	[ "$rc" -eq 0 ] || continue
	run_in "$work/in" 0 "gen/$name: check after build is clean" check -q
	# the produced tree: what the build wrote (inputs and overrides left out)
	(cd "$work/in" && find . -mindepth 1 -maxdepth 1 ! -name environments ! -name templates \
		! -name schemas -exec cp -R {} "$work/produced/" \;)
	n=$(find "$work/produced" -type f | wc -l)
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		rm -rf "$d/expected" && cp -R "$work/produced" "$d/expected"
		ok "updated gen/$name ($n files)"
	elif [ ! -d "$d/expected" ]; then
		fail "gen/$name: no expected/ tree (UPDATE_GOLDEN=1 writes it)"
	elif diff -ru "$d/expected" "$work/produced" >"$work/diff"; then
		[ "$n" -ge 1 ] && ok "gen/$name ($n files)" || fail "gen/$name: the build produced no file"
		files=$((files + n))
	else
		head -n 200 "$work/diff"
		fail "gen/$name: the produced tree differs from expected/"
	fi
done
[ "$cases" -ge 1 ] || fail "gen: no cases in tests/gen/"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	echo "gen: $cases cases updated"
else
	echo "gen: $cases cases, $files files compared"
fi
summary gen

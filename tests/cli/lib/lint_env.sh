# tests/cli/lib/lint_env.sh - what speed-lint-env.sh and speed-lint-env-cache.sh share:
# comparing `lint ENV` with the full run (ERAGEN_TEST_FULL_CHECKS=1: every environment
# loaded and checked, no facts cache), and the golden fixtures they compare it on.
# Sourced after common.sh; never run alone.

# same DIR WHAT ARGS...: `eragen ARGS` in DIR, as it runs and as the full run, give the
# same stdout, stderr and exit status
same() {
	d=$1 what=$2
	shift 2
	(cd "$d" && "$ERAGEN" "$@") >fast.out 2>fast.err
	frc=$?
	(cd "$d" && ERAGEN_TEST_FULL_CHECKS=1 "$ERAGEN" "$@") >full.out 2>full.err
	urc=$?
	if [ "$frc" -ge 70 ] || [ "$urc" -ge 70 ]; then
		fail "$what: crashed (exit $frc, $urc)"
		cat fast.err
	elif [ "$frc" -ne "$urc" ] || ! cmp -s fast.out full.out || ! cmp -s fast.err full.err; then
		fail "$what: differs from the full run (exit $frc, full $urc)"
		diff full.err fast.err | head -20
		diff full.out fast.out | head -20
	else
		ok "$what"
	fi
}

# concrete DIR: the environments of DIR that can be named (not abstract)
concrete() {
	for e in "$1"/environments/*/; do
		e=${e%/}
		e=${e##*/}
		case $e in _* | '*') ;; *) echo "$e" ;; esac
	done
}

# compare_envs DIR LABEL: each environment alone in every format, with --werror and
# --quiet, then the first two together
compare_envs() {
	d=$1 label=$2
	envs=$(concrete "$d")
	for e in $envs; do
		for f in text json sarif github; do
			same "$d" "$label: lint --format $f $e" lint --format "$f" "$e"
		done
		same "$d" "$label: lint --werror -q $e" lint --werror -q "$e"
	done
	set -- $envs
	if [ $# -ge 2 ]; then
		for f in text json; do
			same "$d" "$label: lint --format $f $1 $2" lint --format "$f" "$1" "$2"
		done
	fi
}

# golden_fixtures FN: FN DIR NAME for each golden fixture with findings that involve more
# than one environment, its tree made as tests/run makes it (_base, the case, its setup)
# in ./case; then a check that there were enough of them
golden_fixtures() {
	cases=0
	for c in "$top"/tests/check/*/; do
		c=${c%/}
		[ -d "$c/environments" ] || continue
		grep -qE "inherited by|XENV|NET003|AUTH009|suppressed|SPEC005|SPEC007|SPEC011|production" \
			"$c/expected" 2>/dev/null || continue
		w=$PWD/case
		rm -rf "$w" && mkdir -p "$w"
		cp -R "$top/tests/check/_base/." "$c/." "$w/"
		rm -f "$w/expected" "$w/args"
		if [ -f "$c/setup" ]; then
			(cd "$w" && sh "$c/setup") || { fail "${c##*/}: setup failed"; continue; }
			rm -f "$w/setup"
		fi
		"$1" "$w" "${c##*/}"
		cases=$((cases + 1))
	done
	[ "$cases" -ge 30 ] && ok "$cases golden fixtures compared" ||
		fail "only $cases golden fixtures compared"
}

#!/bin/sh
# The cost of every input shape grows no faster than n log n (README "Speed"): for each
# case of tests/bench/shapes (keys per mapping, items per list, nesting depth, line
# length, environments, files, findings and suppressions, a repository's own schema, and
# the issue's tags and auth.admins), the median of 3 runs on the shape grown 8 times is at
# most RATIO times the median on the shape itself. A ratio in one run, never a wall-clock
# bound: a slow or loaded machine slows both sizes, while a quadratic stage makes 8 times
# the input cost about 64 times as much. A case whose ratio is over the bound is measured
# once more (noise), and fails if it is over again; a run on 8 times the input that takes
# more than TIMEOUT_RATIO times the first size's median is stopped (it is over the bound
# anyway). Every run must exit and print what its case says (a shape that stops early
# at SPEC012 would measure nothing).
#
# The sizes are the cases' N, chosen so that a run takes some 50 ms on the plain build,
# well above the noise; an AddressSanitizer build (SANITIZE=address,...) runs a few times
# slower, so there they are divided by SAN_DIV. SCALING_ONLY=NAME,... runs some cases.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/lib/common.sh
. "$top/tests/cli/lib/common.sh"

RATIO=12
TIMEOUT_RATIO=20
SAN_DIV=3
shapes="$top/tests/bench/shapes"
div=1
case "${SANITIZE:-}" in *address*) div=$SAN_DIV ;; esac
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=99:detect_leaks=1:abort_on_error=0}"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run DIR PREP EXIT WANT LIMIT_MS ARGS...: one timed run of eragen -C DIR ARGS after PREP;
# prints its wall time in ms, or "over" when stopped at LIMIT_MS; "bad" (with the
# reason on stderr) when it exits or prints what the case does not expect
run() {
	d=$1 prep=$2 want_rc=$3 want=$4 limit=$5
	shift 5
	[ "$prep" = fresh ] && rm -rf "$d/out" "$d/.github" "$d/.gitattributes"
	t0=$(now_ms)
	timeout "$(awk -v l="$limit" 'BEGIN { printf "%.3f", l / 1000 }')" \
		"$ERAGEN" -C "$d" "$@" >"$d.out" 2>&1
	rc=$?
	t1=$(now_ms)
	if [ "$rc" = 124 ]; then
		echo over
	elif [ "$rc" -ge 70 ] || [ "$rc" != "$want_rc" ]; then
		{ echo "exit $rc, want $want_rc"; head -c 1500 "$d.out"; echo; } >&2
		echo bad
	elif [ -z "$want" ] && [ -s "$d.out" ]; then
		{ echo "output where none was expected"; head -c 1500 "$d.out"; echo; } >&2
		echo bad
	elif [ -n "$want" ] && ! grep -Eq -- "$want" "$d.out"; then
		{ echo "no /$want/ in the output"; head -c 1500 "$d.out"; echo; } >&2
		echo bad
	else
		echo $((t1 - t0))
	fi
}

# median DIR PREP EXIT WANT LIMIT_MS ARGS...: the median of 3 runs, "over" or "bad"
median() {
	times=
	for _ in 1 2 3; do
		t=$(run "$@")
		case $t in over | bad) echo "$t"; return ;; esac
		times="$times $t"
	done
	# shellcheck disable=SC2086 # one word per time
	printf '%s\n' $times | sort -n | sed -n 2p
}

# measure NAME SHAPE N PREP EXIT WANT ARGS: sets t1 and t8 (ms, "over" or "bad")
measure() {
	name=$1 shape=$2 n=$3 prep=$4 want_rc=$5 want=$6
	shift 6
	for size in "$n" $((8 * n)); do
		d="$PWD/$name-$size"
		[ -d "$d" ] || sh "$shapes" "$d" "$shape" "$size" || { t1=bad; return; }
		if [ "$prep" = built ]; then
			"$ERAGEN" -C "$d" build --all >/dev/null 2>&1
		fi
	done
	t1=$(median "$PWD/$name-$n" "$prep" "$want_rc" "$want" 600000 "$@")
	t8=bad
	case $t1 in over | bad) return ;; esac
	limit=$((TIMEOUT_RATIO * (t1 > 50 ? t1 : 50)))
	t8=$(median "$PWD/$name-$((8 * n))" "$prep" "$want_rc" "$want" "$limit" "$@")
}

within() {	# within T1 T8: T8 <= RATIO * T1 (both numbers)
	case "$1$2" in *[!0-9]*) return 1 ;; esac
	[ "$2" -le $((RATIO * $1)) ]
}

cases=$(sh "$shapes" --cases)
[ -n "$cases" ] || { fail "no cases from $shapes"; exit 1; }
echo "$cases" | {
	while IFS='|' read -r name shape n prep want_rc want args; do
		case ",${SCALING_ONLY:-$name}," in *",$name,"*) ;; *) continue ;; esac
		n=$((n / div))
		[ "$n" -ge 4 ] || n=4
		# shellcheck disable=SC2086 # args is a word list
		measure "$name" "$shape" "$n" "$prep" "$want_rc" "$want" $args
		if [ "$t1" != bad ] && [ "$t8" != bad ] && ! within "$t1" "$t8"; then
			echo "     $name: $t1 ms, then $t8$([ "$t8" = over ] || echo ' ms'): measured again"
			# shellcheck disable=SC2086
			measure "$name" "$shape" "$n" "$prep" "$want_rc" "$want" $args
		fi
		if [ "$t1" = bad ] || [ "$t8" = bad ]; then
			fail "$name (n = $n): a run did not end as the case says (above)"
		elif within "$t1" "$t8"; then
			ok "$name: n = $n: $t1 ms, 8n: $t8 ms (x$(awk -v a="$t1" -v b="$t8" 'BEGIN { printf "%.1f", b / a }'))"
		elif [ "$t8" = over ]; then
			fail "$name: n = $n: $t1 ms, 8n: stopped after $((TIMEOUT_RATIO * (t1 > 50 ? t1 : 50))) ms (more than x$TIMEOUT_RATIO, bound x$RATIO)"
		else
			fail "$name: n = $n: $t1 ms, 8n: $t8 ms (x$(awk -v a="$t1" -v b="$t8" 'BEGIN { printf "%.1f", b / a }'), bound x$RATIO)"
		fi
	done
	summary scaling
}

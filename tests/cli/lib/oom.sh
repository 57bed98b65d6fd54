# tests/cli/lib/oom.sh - what the allocation-failure sweeps share (alloc-fail.sh,
# speed-cache-oom.sh). Sourced after common.sh: the sanitizers' settings (a report, a
# leak included, exits 99), no core files, build/oom/eragen built (`make oom-eragen`) and
# named in $bin, the allocation kinds its injector counts in $kinds, and `points`.
export ASAN_OPTIONS="exitcode=99:detect_leaks=1:abort_on_error=0:disable_coredump=1"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=99:print_stacktrace=1"
export NO_COLOR=1 LC_ALL=C
unset ERAGEN_TEST_FAIL_ALLOC ERAGEN_TEST_ALLOC_LOG
ulimit -c 0 2>/dev/null
build_variant oom
# shellcheck disable=SC2034 # bin and kinds are for the scripts that source this
bin=$top/build/oom/eragen
kinds="eragen arena cjson pcre2 git yaml"

# points COUNT BUDGET: every point when COUNT <= BUDGET, else BUDGET evenly spaced ones
# from 1 to COUNT (both ends included)
points() {
	awk -v c="$1" -v b="$2" 'BEGIN {
		if (b >= c) { for (i = 1; i <= c; i++) print i; exit }
		for (i = 0; i < b; i++) print 1 + int(i * (c - 1) / (b - 1) + 0.5)
	}'
}

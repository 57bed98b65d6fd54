#!/bin/sh
# Allocation failures in the render cache's paths (gen/out_cache.c, gen/inputs.c), which
# alloc-fail.sh's clean builds do not reach: a no-op build, check and check --staged
# that use the cache, with build/oom/eragen (`make oom-eragen`), once counting the
# allocations of each kind, then with one made to fail at points spread over each kind.
# Each such run must exit 3 with "eragen: ... out of memory" as its last and only
# "eragen: " line (or 0 where eragen recovers on purpose and says so), no sanitizer
# report; the generated files stay untouched, and the next normal run still answers as
# before. ALLOC_SWEEP=N: N points per command and kind (default 8).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
. "$top/tests/cli/lib/oom.sh"
unset ERAGEN_TEST_NO_RENDER_CACHE
work=$PWD
rm -rf repo
sh "$top/tests/bench/mkrepo" "$work/repo" 2 >mkrepo.log 2>&1 || { fail "mkrepo"; cat mkrepo.log; exit 1; }

# args CMD: the arguments of each command swept
args() {
	case $1 in
	build) echo build --quiet ;;
	check) echo check --quiet ;;
	staged) echo check --staged --quiet ;;
	esac
}
cmds="build check staged"

# the cache filled and used by each command
(cd repo && "$bin" build --quiet && git add -A && sleep 1.1 && "$bin" build --quiet &&
	"$bin" check --staged --quiet) >/dev/null 2>&1
generated repo >ref.tree
for cmd in $cmds; do
	: >used.log
	# shellcheck disable=SC2046
	(cd repo && ERAGEN_TEST_RENDER_CACHE=$work/used.log ERAGEN_TEST_ALLOC_LOG=$work/count.$cmd \
		"$bin" $(args "$cmd")) >ref.$cmd.out 2>ref.$cmd.err
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(cat used.log)" = used ] && ok "reference $cmd: exit 0, the cache used" ||
		{ fail "reference $cmd: exit $rc, cache: $(cat used.log)"; cat ref.$cmd.err; summary speed-cache-oom; }
done

runs=0
for cmd in $cmds; do
	for k in $kinds; do
		n=$(awk -v k="$k" '$1 == k { print $2 }' "count.$cmd")
		[ "${n:-0}" -gt 0 ] || continue
		for p in $(points "$n" "${ALLOC_SWEEP:-8}"); do
			runs=$((runs + 1))
			what="$cmd $k:$p"
			# shellcheck disable=SC2046
			(cd repo && ERAGEN_TEST_FAIL_ALLOC=$k:$p ERAGEN_TEST_ALLOC_LOG=$work/alloc.log \
				timeout 120 "$bin" $(args "$cmd")) >out 2>err
			rc=$?
			if [ "$rc" -eq 3 ]; then
				[ "$(grep -c '^eragen: ' err)" -eq 1 ] && tail -n 1 err | grep -q 'out of memory' && [ ! -s out ] ||
					{ fail "$what: exit 3, but not one 'out of memory' line"; head -20 err; }
			elif [ "$rc" -eq 0 ]; then
				grep -q '^recovered ' alloc.log && cmp -s out ref.$cmd.out && cmp -s err ref.$cmd.err ||
					fail "$what: exit 0 without a declared recovery and the normal output"
			else
				fail "$what: exit $rc, want 3"; head -40 err
			fi
			generated repo >tree
			cmp -s tree ref.tree || { fail "$what: the generated files changed"; diff tree ref.tree | head; }
		done
	done
done
[ "$fails" -eq 0 ] && ok "$runs injected runs ended in out of memory or a declared recovery"

# afterwards, the normal answers
for cmd in $cmds; do
	# shellcheck disable=SC2046
	(cd repo && "$bin" $(args "$cmd")) >out 2>err
	rc=$?
	[ "$rc" -eq 0 ] && cmp -s out ref.$cmd.out && cmp -s err ref.$cmd.err && ok "$cmd afterwards: the same answer" ||
		fail "$cmd afterwards: exit $rc or another answer"
done

summary speed-cache-oom 5

#!/bin/sh
# `make fuzz-replay`: every libFuzzer harness (tests/fuzz/) built with clang, ASan and
# UBSan, runs once over its committed seed corpus and crash regressions (-runs=0), as CI
# does. Passes when every harness replays a non-empty corpus without a crash, a sanitizer
# report or a leak. The harnesses build into build/fuzz/ (gitignored; incremental).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

command -v clang >/dev/null 2>&1 || { fail "clang is missing (.ci/deps test installs it)"; exit 1; }
if make -s -j2 -C "$top" fuzz-replay >out 2>&1; then
	ok "make fuzz-replay"
else
	cat out
	fail "make fuzz-replay"
fi
cat out
for h in lint tmpl cidr sops tfvars index; do
	n=$(sed -n "s/^fuzz_$h: \([0-9][0-9]*\) inputs replayed.*/\1/p" out)
	if [ -z "$n" ] || [ "$n" -eq 0 ]; then
		fail "fuzz_$h replayed no inputs"
	else
		ok "fuzz_$h: $n inputs"
	fi
done
summary fuzz-replay

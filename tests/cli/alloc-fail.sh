#!/bin/sh
# Allocation failures (DESIGN 7, issue 6): build/oom/eragen (`make oom-eragen`: ASan,
# UBSan, LeakSanitizer, and the fault injector of gen/alloc.c) runs `lint` and `build`
# on a small repository (and, with fewer points, `lint --staged`, `changed --since
# HEAD`, `lint --format sarif` and `lint env-0001`: the git index and diff, the SARIF
# writer, the checks of one environment (gen/check_select.c)) once
# counting the allocations of each kind (eragen's heap, arena allocations, cJSON, PCRE2,
# libgit2, libyaml), then again with one allocation made to fail, at points spread over
# each kind. Every such run must end in bounded time with exit 3 and exactly one line on
# stderr for the failure, "eragen: ...out of memory...", after at most the findings a
# normal run prints first (the repository has one note, so that diagnostics are
# rendered); nothing on stdout, no sanitizer report (a leak included), no signal, no
# core, and, for build, the generated files either all untouched (none written) or all
# complete (equal to a reference build), with no temp file left. Exit 0 is accepted only
# where eragen recovers on purpose and says so in the injector's log (the PCRE2 JIT
# compiler: the interpreter takes over), with the output of a normal run.
#
# A leak fails the run like any other sanitizer report; it is run once more with whole
# stacks for the report (libraries built without frame pointers cut the fast
# unwinder's short).
#
# ALLOC_SWEEP=full sweeps every point of every kind (hours: for manual runs);
# ALLOC_SWEEP=N sweeps N evenly spaced points per command and kind (default: 40 for
# lint, 24 for build, 10 for the others; a kind with fewer allocations is swept
# whole), plus the first eight of eragen's own (the set-up: the git index, the
# repository, the caches). ALLOC_ONLY="build:yaml ..." limits the sweep to those
# command:kind pairs.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
. "$top/tests/cli/lib/oom.sh"

cmds="lint build staged changed sarif env"
# args CMD: the arguments of a command of the sweep
args() {
	case $1 in
	lint) echo lint --quiet ;;
	build) echo build --quiet ;;
	staged) echo lint --staged --quiet ;;
	changed) echo changed --since HEAD --quiet ;;
	sarif) echo lint --format sarif --quiet ;;
	env) echo lint --quiet env-0001 ;;
	esac
}
work=$PWD

# The repository: two synthetic environments, committed, then one spec changed so that
# the baseline rules (DRIFT003, DRIFT007) read and load the committed version through
# libgit2 and libyaml, and another's Cognito pool moved to another region: one AUTH008
# note, which lint and build print.
sh "$top/tests/bench/mkrepo" "$work/repo" 2 >mkrepo.log 2>&1 || { fail "mkrepo"; cat mkrepo.log; exit 1; }
sed -i 's/noncurrent_expire_days: 7/noncurrent_expire_days: 9/' "$work/repo/environments/env-0000/env.yaml"
sed -i 's/^    region: us-west-2$/    region: us-west-1/; s/us-west-2_Bench0001/us-west-1_Bench0001/
	s/env-0001.auth.us-west-2/env-0001.auth.us-west-1/' "$work/repo/environments/env-0001/env.yaml"
(cd "$work/repo" && git_ diff --quiet) && { fail "the spec change did not apply"; exit 1; }
# One copy per worker, made alike (libgit2's allocations depend on the length of the
# path and on the stat data the index holds): the counting runs use the first.
for w in 0 1; do
	mkdir -p "$work/w$w" && cp -a "$work/repo" "$work/w$w/repo"
done

# reset DIR: no generated file, as before the first build
reset() { rm -rf "$1/out" "$1/.github" "$1/.gitattributes"; }

# ---- the counting runs: the reference output and how many allocations of each kind ----
for cmd in $cmds; do
	reset "$work/w0/repo"
	# shellcheck disable=SC2046
	(cd "$work/w0/repo" && ERAGEN_TEST_ALLOC_LOG=$work/count.$cmd timeout 120 "$bin" $(args $cmd) \
		>"$work/ref.$cmd.out" 2>"$work/ref.$cmd.err")
	rc=$?
	if [ "$cmd" = build ]; then
		generated "$work/w0/repo" >"$work/ref.tree"
		reset "$work/w0/repo"
	fi
	if [ "$rc" -ne 0 ] || grep -q '^eragen: ' "$work/ref.$cmd.err"; then
		fail "reference $cmd: exit $rc, want 0 and no 'eragen: ' line"; head -n 20 "$work/ref.$cmd.err"
		exit 1
	fi
	ok "reference $cmd: exit 0"
	if { [ "$cmd" = lint ] || [ "$cmd" = build ]; }; then
		if ! grep -q '^environments/env-0001/env.yaml:.*note\[AUTH008\]' "$work/ref.$cmd.err"; then
			fail "reference $cmd: the AUTH008 note is missing"; head -n 20 "$work/ref.$cmd.err"
			exit 1
		fi
		ok "reference $cmd: the AUTH008 note"
	fi
	for k in $kinds; do
		n=$(awk -v k="$k" '$1 == k { print $2 }' "$work/count.$cmd")
		[ "${n:-0}" -gt 0 ] && ok "$cmd: $n $k allocations counted" ||
			fail "$cmd: the counting run counted no $k allocation"
	done
done
[ "$(wc -l <"$work/ref.tree")" -ge 20 ] && ok "the reference build wrote $(wc -l <"$work/ref.tree") files" ||
	fail "the reference build wrote only $(wc -l <"$work/ref.tree") files"
[ "$fails" -eq 0 ] || exit 1

# ---- the points: "cmd kind n" per line ----
: >"$work/plan"
for cmd in $cmds; do
	case ${ALLOC_SWEEP:-} in
	full) budget=999999999 ;;
	'') case $cmd in lint) budget=40 ;; build) budget=24 ;; *) budget=10 ;; esac ;;
	*) budget=$ALLOC_SWEEP ;;
	esac
	for k in $kinds; do
		if [ -n "${ALLOC_ONLY:-}" ]; then
			case " $ALLOC_ONLY " in *" $cmd:$k "*) ;; *) continue ;; esac
		fi
		n=$(awk -v k="$k" '$1 == k { print $2 }' "$work/count.$cmd")
		# and eragen's first eight, which the spacing skips: the set-up (the git
		# index read for --staged, the repository, the caches)
		{ points "$n" "$budget"; [ "$k" = eragen ] && seq 1 "$((n < 8 ? n : 8))"; } |
			sort -n -u | sed "s/^/$cmd $k /" >>"$work/plan"
	done
done

# ---- the sweep: two workers, each with its own copy of the repository ----
# oom_stderr ERR REF: ERR is a prefix of REF (whole lines: the findings printed before
# the failure), then one last line "eragen: ... out of memory", the only "eragen: " line
# (the functions share the shell's variables: judge's are not reused here)
oom_stderr() {
	[ "$(grep -c '^eragen: ' "$1")" -eq 1 ] && tail -n 1 "$1" | grep -q '^eragen: .*out of memory' &&
		sed '$d' "$1" >"$1.findings" && oom_lines=$(wc -l <"$1.findings") &&
		head -n "$oom_lines" "$2" | cmp -s - "$1.findings"
}

# judge W CMD KIND N RC: the checks of one injected run in worker W's files
judge() {
	w=$1 cmd=$2 k=$3 n=$4 rc=$5 d=$work/w$1
	what="$cmd $k:$n"
	log=$d/alloc.log
	case $rc in
	0 | 3) ;;
	99)
		# a sanitizer report: again with whole stacks, for the record
		cp -a "$d/repo" "$d/after"
		[ "$cmd" = build ] && reset "$d/repo"
		(cd "$d/repo" && ERAGEN_TEST_FAIL_ALLOC=$k:$n \
			ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0:malloc_context_size=100" \
			timeout 120 "$bin" $(args "$cmd") >/dev/null 2>"$d/err.full")
		rm -rf "$d/repo" && mv "$d/after" "$d/repo"
		cp "$d/err.full" "$work/failed-$cmd-$k-$n.err"
		echo "FAIL $what: exit 99, a sanitizer report (whole stacks in failed-$cmd-$k-$n.err):"
		head -n 40 "$d/err.full"
		return 1
		;;
	*)
		echo "FAIL $what: exit $rc, want 3 (124: timeout, 1: ASan signal, 70: BUG)"
		cp "$d/err" "$work/failed-$cmd-$k-$n.err"
		head -n 40 "$d/err"
		return 1
		;;
	esac
	if ! grep -qx "failed $k $n" "$log" 2>/dev/null; then
		echo "FAIL $what: the allocation was never made (the counting run saw it)"
		return 1
	fi
	case $rc in
	3)
		if ! oom_stderr "$d/err" "$work/ref.$cmd.err"; then
			echo "FAIL $what: exit 3, but stderr is not the findings printed so far and one" \
				"'eragen: ... out of memory' line:"
			head -n 40 "$d/err"
			return 1
		fi
		if [ -s "$d/out" ]; then
			echo "FAIL $what: exit 3 with output on stdout"; head -n 5 "$d/out"; return 1
		fi
		echo "oom $k" >>"$d/tally"
		;;
	0)
		if ! grep -q '^recovered ' "$log"; then
			echo "FAIL $what: exit 0 although the allocation failed, and no recovery was declared"
			return 1
		fi
		if ! cmp -s "$d/out" "$work/ref.$cmd.out" || ! cmp -s "$d/err" "$work/ref.$cmd.err"; then
			echo "FAIL $what: recovered ($(sed -n 's/^recovered //p' "$log" | head -n 1)), but the output differs"
			return 1
		fi
		echo "recovered $k $(sed -n 's/^recovered //p' "$log" | head -n 1)" >>"$d/tally"
		;;
	esac
	[ "$cmd" = build ] || return 0
	generated "$d/repo" >"$d/tree"
	if [ -s "$d/tree" ] && ! cmp -s "$d/tree" "$work/ref.tree"; then
		echo "FAIL $what: exit $rc left a partial out/ tree (neither untouched nor complete):"
		diff "$work/ref.tree" "$d/tree" | head -n 8
		return 1
	fi
	[ "$rc" -eq 0 ] && [ ! -s "$d/tree" ] && { echo "FAIL $what: exit 0 wrote nothing"; return 1; }
	return 0
}

worker() {
	w=$1 d=$work/w$1
	rm -f "$d/tally" "$d/fails" "$d/failed" "$d/swept"
	: >"$d/tally"
	: >"$d/fails"
	awk -v w="$w" 'NR % 2 == w' "$work/plan" | while read -r cmd k n; do
		[ "$cmd" = build ] && reset "$d/repo"
		rm -f "$d/alloc.log"
		(cd "$d/repo" && ERAGEN_TEST_FAIL_ALLOC=$k:$n ERAGEN_TEST_ALLOC_LOG=$d/alloc.log \
			timeout 60 "$bin" $(args "$cmd") >"$d/out" 2>"$d/err")
		rc=$?
		judge "$w" "$cmd" "$k" "$n" "$rc" >>"$d/fails" 2>&1 || echo "$cmd $k $n" >>"$d/failed"
		echo "$cmd $k" >>"$d/swept"
		ls "$d/repo" | grep -q '^core' && echo "FAIL $cmd $k:$n: core file" >>"$d/fails"
	done
}

start=$(date +%s)
worker 0 &
worker 1 &
wait
secs=$(($(date +%s) - start))

cat "$work/w0/fails" "$work/w1/fails"
nfail=$(cat "$work/w0/failed" "$work/w1/failed" 2>/dev/null | wc -l)
swept=$(cat "$work/w0/swept" "$work/w1/swept" 2>/dev/null | wc -l)
[ "$nfail" -eq 0 ] && ok "$swept injected runs judged: each as it should end" ||
	fail "$nfail injected runs failed (above): $(cat "$work/w0/failed" "$work/w1/failed" 2>/dev/null | head -n 20 | tr '\n' ',')"
grep -q '^FAIL .*core file' "$work/w0/fails" "$work/w1/fails" && fail "core files (above)" ||
	ok "no core file"
[ "$swept" -eq "$(wc -l <"$work/plan")" ] && ok "every point of the plan ran" ||
	fail "only $swept of $(wc -l <"$work/plan") points ran"
for cmd in $cmds; do
	line="$cmd:"
	for k in $kinds; do
		c=$(cat "$work/w0/swept" "$work/w1/swept" | grep -c "^$cmd $k\$")
		total=$(awk -v k="$k" '$1 == k { print $2 }' "$work/count.$cmd")
		line="$line $k $c/$total"
	done
	echo "swept $line"
done
oomc=$(cat "$work/w0/tally" "$work/w1/tally" | grep -c '^oom ')
recc=$(cat "$work/w0/tally" "$work/w1/tally" | grep -c '^recovered ')
echo "alloc-fail: $swept injected failures in ${secs}s: $oomc exit 3 (out of memory) clean," \
	"$recc recovered on purpose"
cat "$work/w0/tally" "$work/w1/tally" | sed -n 's/^recovered //p' | sort | uniq -c
[ "$oomc" -gt 0 ] && ok "$oomc injected runs ended in out of memory" ||
	fail "no injected run ended in out of memory"

summary alloc-fail

#!/bin/sh
# Crash safety of `eragen build` (DESIGN 6, issue 6): the build is killed with a real
# SIGKILL (1) by the test-only hook of gen/out_disk.c (build/crash/eragen, `make
# crash-eragen`) right after every temp file is written and after every rename, and (2)
# from outside, at several delays, on a 100-environment repository. After each kill
# every generated path holds exactly its old or exactly its new content, the only other
# files are temp files named .<name>.eragen-tmp beside a generated file, `eragen check`
# does not count them, and the next `eragen build` repairs everything: the tree equals a
# clean new build, no temp file is left, `eragen check` exits 0.
# Old and new come from complete builds in separate copies. $ERAGEN (normal or
# sanitizer) does the builds and checks; the hook binary is never sanitized.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

build_variant crash
hook=$top/build/crash/eragen

# change DIR: specs and templates so that most outputs change
change() {
	sed -i 's/^tags: {Project: \([a-z]*\)}/tags: {Project: \1, Crash: "two"}/' \
		"$1/environments/_defaults.yaml"
	find "$1/templates" -name '*.mustache' ! -name '_*' ! -name '*.json.mustache' \
		! -path '*/partials/*' | while read -r t; do
		printf '# crash-safety: new\n' >>"$t"
	done
	# and a file without a header, whose digest only the manifest (or the journal) holds
	sed -i 's/"_note": "/"_note": "crash-safety: /' \
		"$1/templates/github/github-environments.json.mustache"
}
# sums DIR: "sha1  ./path" of every file but the inputs and .git, sorted
sums() {
	(cd "$1" && find . \( -path ./.git -o -path ./environments -o -path ./schemas \
		-o -path ./templates \) -prune -o -type f -exec sha1sum {} + | LC_ALL=C sort -k2)
}
# verify WHAT DIR: old-or-new per generated path; only recognisable temp files besides
verify() {
	sums "$2" >cur.sums
	if ! awk -v what="$1" '
		FILENAME == "old.sums" { old[$2] = $1; next }
		FILENAME == "new.sums" { new[$2] = $1; next }
		{
			seen[$2] = 1
			n = split($2, parts, "/"); base = parts[n]
			# a build was writing: its journal, and its lock file (not the lock: the
			# kernel drops the flock of a dead process)
			if ($2 == "./out/.eragen-journal" || $2 == "./out/.eragen-lock") { next }
			if (base ~ /^\..+\.eragen-tmp$/) {
				tgt = substr($2, 1, length($2) - length(base)) \
					substr(base, 2, length(base) - 12)
				if (!(tgt in new)) { print what ": stray temp file " $2; bad = 1 }
				temps++
				next
			}
			if (!($2 in old) && !($2 in new)) { print what ": unknown file " $2; bad = 1 }
			else if ($1 != old[$2] && $1 != new[$2]) { print what ": torn file " $2; bad = 1 }
		}
		END {
			for (p in old) if ((p in new) && !(p in seen)) { print what ": lost " p; bad = 1 }
			print temps + 0 >"cur.temps"
			exit bad
		}' old.sums new.sums cur.sums; then
		fail "$1: a file is neither old nor new (above)"
		return 1
	fi
	return 0
}
# repair WHAT DIR: check ignores temp files; a plain build restores the new tree
repair() {
	(cd "$2" && "$ERAGEN" check) >check.out 2>&1
	rc=$?
	if [ "$rc" -gt 1 ]; then fail "$1: check after the kill exited $rc"; cat check.out; fi
	if grep -q 'eragen-tmp' check.out; then fail "$1: check counts a temp file"; cat check.out; fi
	(cd "$2" && "$ERAGEN" build) >build.out 2>&1 ||
		{ fail "$1: repair build exited $?"; cat build.out; return; }
	sums "$2" >cur.sums
	cmp -s cur.sums new.sums || { fail "$1: repaired tree differs from a clean build:"; \
		diff old.sums cur.sums | head -n 5; }
	(cd "$2" && "$ERAGEN" check) >check.out 2>&1 ||
		{ fail "$1: check after the repair exited $?"; tail -n 5 check.out; }
}
# prepare BASE: BASE built (old), BASE.new built after change(), BASE.pre = old outputs
# with the changed inputs; old.sums and new.sums
prepare() {
	(cd "$1" && git_ add -A && git_ commit -q -m base && "$ERAGEN" build) >prep.out 2>&1 ||
		{ fail "old build"; cat prep.out; exit 1; }
	rm -rf "$1.new" "$1.pre"
	cp -a "$1" "$1.new" && cp -a "$1" "$1.pre"
	change "$1.new" && change "$1.pre"
	(cd "$1.new" && "$ERAGEN" build) >prep.out 2>&1 || { fail "new build"; cat prep.out; exit 1; }
	written=$(sed -n 's/^eragen: \([0-9]*\) files written.*/\1/p' prep.out)
	sums "$1" >old.sums
	sums "$1.new" >new.sums
	(cd "$1.new" && "$ERAGEN" check) >/dev/null 2>&1 || { fail "check of the new build"; exit 1; }
}

# restore PRE W: W as PRE (old outputs, changed inputs); only the outputs are copied
# again once W exists (builds touch nothing else)
restore() {
	if [ -d "$2" ]; then
		rm -rf "$2/out" "$2/.github" "$2/.gitattributes"
		cp -a "$1/out" "$1/.github" "$1/.gitattributes" "$2/"
	else
		cp -a "$1" "$2"
	fi
}

# ---- 1. the hook: after every temp file and every rename, shipped environments ------
b=$PWD/ship
mkdir -p "$b" && cp -r "$top/environments" "$top/schemas" "$top/templates" "$b/"
(cd "$b" && git_ init -q .)
prepare "$b"
changed=$(awk 'FILENAME == "old.sums" { old[$2] = $1; next } old[$2] != $1 { n++ }
	END { print n + 0 }' old.sums new.sums)
total=$(wc -l <new.sums)
echo "shipped environments: $written files written by the new build," \
	"$changed of $total generated files change"
if [ "${written:-0}" -lt 20 ] || [ "$changed" -lt $((total / 2)) ]; then
	fail "the change does not change most outputs ($changed of $total, $written written)"
else
	ok "the change changes most outputs"
fi
kills=0
for kind in temp rename; do
	n=1
	while [ "$n" -le $((written + 1)) ]; do
		w=$PWD/w
		restore "$b.pre" "$w"
		# (the shell's "Killed" message goes to /dev/null, the binary's output to kill.out)
		rc=$( (cd "$w" && ERAGEN_TEST_KILL=$kind:$n "$hook" build) >kill.out 2>&1
			echo $?) 2>/dev/null
		if [ "$n" -le "$written" ] && [ "$rc" -ne 137 ]; then
			fail "$kind:$n: exit $rc, want 137 (SIGKILL)"; cat kill.out
		elif [ "$n" -gt "$written" ] && [ "$rc" -ne 0 ]; then
			fail "$kind:$n (past the last write): exit $rc, want 0"; cat kill.out
		fi
		[ "$rc" -eq 137 ] && kills=$((kills + 1))
		if verify "$kind:$n" "$w"; then
			t=$(cat cur.temps)
			# temp:N leaves N temp files; rename:N none (they were all flushed and
			# renamed ones are gone; the rest stay until the next build)
			[ "$kind" = temp ] && [ "$n" -le "$written" ] && [ "$t" -ne "$n" ] &&
				fail "temp:$n: $t temp files left, want $n"
			[ "$kind" = rename ] && [ "$n" -le "$written" ] && [ "$t" -ne $((written - n)) ] &&
				fail "rename:$n: $t temp files left, want $((written - n))"
		fi
		repair "$kind:$n" "$w"
		n=$((n + 1))
	done
done
echo "hook: $kills builds killed by SIGKILL (temp:1..$written, rename:1..$written), each repaired"
[ "$kills" -eq $((2 * written)) ] && ok "hook: every build killed where it was asked to" ||
	fail "only $kills of $((2 * written)) kills happened"

# ---- 2. killed, then the inputs reverted: no false DRIFT005, no temp file left --------
# rename:(written - 1): every file renamed but the manifest, so the JSON file (no header)
# holds new content the old manifest does not know: the journal tells it was eragen's.
# temp:3: three temp files, whose targets the reverted inputs leave unchanged: swept.
for kind in "rename:$((written - 1))" temp:3; do
	w=$PWD/w
	restore "$b.pre" "$w"
	(cd "$w" && ERAGEN_TEST_KILL=$kind "$hook" build) >kill.out 2>&1
	rm -rf "$w/environments" "$w/templates" "$w/schemas"
	cp -r "$b/environments" "$b/templates" "$b/schemas" "$w/"
	(cd "$w" && "$ERAGEN" build) >build.out 2>&1 ||
		{ fail "$kind, reverted: build exited $?"; cat build.out; }
	grep -q DRIFT005 build.out && fail "$kind, reverted: a file eragen wrote is called edited"
	sums "$w" >cur.sums
	if cmp -s cur.sums old.sums; then
		ok "$kind, then the inputs reverted: the old tree back, no temp file, no journal"
	else
		fail "$kind, reverted: the tree is not the old one:"; diff old.sums cur.sums | head -n 5
	fi
done

# ---- 3. kill -9 from outside at random times, 100 environments ----------------------
b=$PWD/big
sh "$top/tests/bench/mkrepo" "$b" 100 >/dev/null 2>&1 || { fail "mkrepo"; exit 1; }
cp -r "$top/templates" "$b/"
prepare "$b"
echo "100 environments: $written files written by the new build"
outside=0
for ms in 5 150 300 600; do
	w=$PWD/w2
	restore "$b.pre" "$w"
	# all in one subshell, whose stderr (the shell's "Killed") goes to /dev/null
	rc=$(
		(cd "$w" && exec "$ERAGEN" build) >kill.out 2>&1 &
		pid=$!
		sleep "$(printf '0.%03d' "$ms")"
		kill -9 "$pid"
		wait "$pid"
		echo $?
	) 2>/dev/null
	case $rc in
	137) outside=$((outside + 1)) ;;
	0) ;;
	*) fail "kill after $ms ms: exit $rc"; cat kill.out ;;
	esac
	verify "kill after $ms ms" "$w" &&
		ok "kill -9 after $ms ms: exit $rc, $(cat cur.temps) temp files left"
	repair "kill after $ms ms" "$w"
done
[ "$outside" -ge 1 ] && ok "$outside builds killed from outside" ||
	fail "no build was killed from outside (all finished first)"

summary crash-safety

#!/bin/sh
# Durability (DESIGN 8.3): a build never syncs a whole file system, and by default
# flushes nothing (a write is atomic against a crash of eragen: temp file + rename);
# `build --fsync` flushes each written file before its rename, and the directories
# after the renames. Both write the same bytes. The system calls are counted with
# strace, which the test suite installs (.ci/deps test).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

command -v strace >/dev/null 2>&1 || { fail "strace is not installed (.ci/deps test)"; summary speed-fsync; }

# traced DIR WANT_RC DESCRIPTION ARGS...: run_in under strace; ./trace gets the flushes
traced() {
	d=$1 w=$2 what=$3
	shift 3
	# (LeakSanitizer cannot work under ptrace: a sanitized binary runs without it here)
	(cd "$d" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$OLDPWD/trace" -e trace=fsync,fdatasync,syncfs,sync,sync_file_range \
		"$ERAGEN" "$@") >out 2>err
	rc=$?
	if [ "$rc" -ne "$w" ]; then fail "$what: exit $rc, want $w"; cat out err; else ok "$what"; fi
}
# count CALL: how many times CALL was made (sync does not count fsync nor syncfs)
count() { grep -cE "(^|[^a-z_])$1\(" trace || :; }

# 1. a clean build: no flush of any kind
small_repo plain alpha beta
traced plain 0 "build: a clean build" build
written=$(sed -n 's/^eragen: \([0-9]*\) files\{0,1\} written.*/\1/p' err)
[ "${written:-0}" -ge 10 ] || fail "build: $written files written, want at least 10"
[ "$(count syncfs)" -eq 0 ] && ok "build: no syncfs" || { fail "build: syncfs called"; cat trace; }
[ "$(count sync)" -eq 0 ] && ok "build: no sync" || { fail "build: sync called"; cat trace; }
n=$(($(count fsync) + $(count fdatasync) + $(count sync_file_range)))
[ "$n" -eq 0 ] && ok "build: no fsync by default" || { fail "build: $n flushes by default"; cat trace; }

# 2. --fsync: one fsync per file written (and the journal), the directories after; the
# same bytes
small_repo flushed alpha beta
traced flushed 0 "build --fsync" build --fsync
[ "$(count syncfs)" -eq 0 ] && ok "build --fsync: no syncfs" || { fail "build --fsync: syncfs called"; cat trace; }
n=$(count fsync)
[ "$n" -gt "$written" ] && ok "build --fsync: $n fsync calls for $written files" ||
	{ fail "build --fsync: $n fsync calls for $written files"; cat trace; }
if diff -r -x .git plain flushed >diff.out; then ok "build --fsync: the same bytes"; else
	fail "build --fsync: the trees differ"; head -n 40 diff.out; fi

# 3. nothing to write: no flush either way
traced flushed 0 "build --fsync: nothing changed" build --fsync
[ "$(count fsync)" -eq 0 ] && ok "build --fsync: nothing written, nothing flushed" ||
	{ fail "build --fsync: flushes with nothing written"; cat trace; }
run_in flushed 0 "check after build --fsync" check -q

# 4. the flag belongs to build only
run_in flushed 2 "check --fsync: a usage error" check --fsync
has "unknown option '--fsync'" "check --fsync: says so" err

summary speed-fsync 10

#!/bin/sh
# The stamp cache (gen/out_stamp.c) and a file changed while a build is still running: the
# build stamps each file it wrote with the lstat taken right after its rename, and only
# if the file is still so at the build's end. A generated file edited between its rename
# and the stamps (same size, mtime put back) must be found by the next check, not vouched
# for. The test-only hook of gen/out_disk.c (build/crash/eragen, ERAGEN_TEST_STOP=renamed)
# stops the build there; the edit is made while it is stopped.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

build_variant crash
hook=$top/build/crash/eragen

small_repo r alpha

# stopped PID: the process is stopped (state T), within 20 s
stopped() {
	i=0
	while [ $i -lt 200 ]; do
		st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
		[ "$st" = T ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

(cd r && ERAGEN_TEST_STOP=renamed exec "$hook" build) >out 2>err &
pid=$!
if stopped "$pid"; then
	ok "the build stops after its renames"
	gen=r/out/alpha/infra/eks.tf
	touch -r "$gen" ref
	# one byte changed in place: the same size, inode and (put back) mtime
	printf 'X' | dd of="$gen" bs=1 seek=0 conv=notrunc 2>/dev/null
	touch -r ref "$gen"
	# a tick later: an edit in the clock tick of the cache's write is racy, read anyway
	sleep 1.1
	kill -CONT "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] && ok "the build ends well" || { fail "the build: exit $rc"; cat out err; }
	sleep 1.1	# past the cache's clock tick: no stamp is racy any more
	run_in r 1 "check finds the file edited during the build" check
	has 'out/alpha/infra/eks.tf' "check names the edited file" err
	run_in r 1 "a second check still finds it" check
	# a build puts it right, and check agrees
	run_in r 1 "build refuses to overwrite the hand edit" build
	run_in r 0 "build --force replaces it" build --force
	sleep 1.1
	run_in r 0 "check: up to date" check
else
	fail "the build did not stop after its renames"
	kill -9 "$pid" 2>/dev/null
	cat out err
fi
summary speed-stamps-race 7

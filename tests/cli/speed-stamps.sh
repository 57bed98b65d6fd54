#!/bin/sh
# The stamp cache (gen/out_stamp.c): a no-op build or a check does not read a generated
# file that build last saw unchanged, as long as its lstat (device, inode, size, mtime,
# ctime) is the same and it is older than the cache; and every answer is the one a read
# would give. Edits that keep the size and restore the mtime, deletions, a damaged or
# foreign cache, and the index (check --staged, which never uses the cache) are judged
# as before. Whether a file is read is seen with strace (.ci/deps test installs it).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

command -v strace >/dev/null 2>&1 || { fail "strace is not installed (.ci/deps test)"; summary speed-stamps; }

# opened DIR ARGS...: eragen ARGS in DIR under strace; prints how many generated files
# under out/ (not the manifest) it opened
opened() {
	d=$1
	shift
	(cd "$d" && strace -f -qq -o "$OLDPWD/trace" -e trace=open,openat,openat2 "$ERAGEN" "$@") >out 2>err
	grep -E 'open(at)?\(.*"[^"]*/out/[^"]*"' trace | grep -vc 'eragen-' || :
}

# settle: let the clock tick past the cache's mtime (a file changed in the cache's own
# tick is racy, and read)
settle() { sleep 1.1; }

small_repo r alpha beta
run_in r 0 "a clean build" build
gen=r/out/alpha/infra/eks.tf
[ -f "$gen" ] || { fail "no $gen"; find r/out | head -20; summary speed-stamps; }
[ -f "$(cd r && git rev-parse --absolute-git-dir)/eragen-stamps" ] && ok "build wrote the stamp cache" ||
	fail "no stamp cache after a build"

# 1. unchanged files are not read, once their stamps are older than the cache
settle
run_in r 0 "a no-op build refreshes the racy stamps" build
settle
n=$(opened r build)
[ "$n" -eq 0 ] && ok "a no-op build reads no generated file" || { fail "a no-op build opened $n generated files"; grep out/ trace | head; }
n=$(opened r check)
[ "$n" -eq 0 ] && ok "check reads no generated file" || fail "check opened $n generated files"
run_in r 0 "check: all up to date" check

# 2. an edit of the same size with the mtime restored: found (its ctime changed)
cp -p "$gen" ref
size=$(wc -c <"$gen")
off=$(grep -bo 'resource' "$gen" | head -1 | cut -d: -f1)
printf 'RESOURCE' | dd of="$gen" bs=1 seek="$off" conv=notrunc 2>/dev/null
touch -r ref "$gen"
[ "$(wc -c <"$gen")" -eq "$size" ] && [ "$(stat -c %Y "$gen")" = "$(stat -c %Y ref)" ] &&
	ok "edited in place: same size, same mtime" || fail "the edit changed the size or the mtime"
run_in r 1 "check finds the edit with the mtime preserved" check
has "DRIFT005" "check: DRIFT005 for the edit" err
has "edited by hand" "check: reported as edited" out
run_in r 1 "build refuses to overwrite it" build
has "DRIFT005" "build: DRIFT005" err
run_in r 0 "build --force replaces it" build --force
run_in r 0 "check: up to date again" check
cmp -s "$gen" ref && ok "the same bytes as before the edit" || fail "build --force wrote other bytes"

# 3. an edit in the cache's own clock tick (racy): found
run_in r 0 "a build" build
printf 'RESOURCE' | dd of="$gen" bs=1 seek="$off" conv=notrunc 2>/dev/null
touch -r ref "$gen"
run_in r 1 "check finds an edit made right after the build" check
has "DRIFT005" "check: DRIFT005 for the racy edit" err
run_in r 0 "build --force" build --force

# 4. a deleted file: missing
settle
run_in r 0 "a build" build
rm "$gen"
run_in r 1 "check finds the deleted file" check
has "out/alpha/infra/eks.tf: missing" "check: missing" out
run_in r 0 "build writes it again" build
cmp -s "$gen" ref && ok "the same bytes" || fail "other bytes after the deletion"

# 5. a file replaced by another with the same size and mtime (a new inode): found
settle
run_in r 0 "a build" build
cp -p "$gen" repl && printf 'RESOURCE' | dd of=repl bs=1 seek="$off" conv=notrunc 2>/dev/null
touch -r ref repl && mv repl "$gen"
run_in r 1 "check finds the replaced file" check
has "DRIFT005" "check: DRIFT005 for the replacement" err
run_in r 0 "build --force" build --force

# 6. the inputs change: stale, whatever the stamps say
settle
run_in r 0 "a build" build
echo 'tags: {Extra: "yes"}' >>r/environments/alpha/env.yaml
run_in r 1 "check finds the files made stale by an input" check
has "stale" "check: stale" out
git -C r checkout -q environments/alpha/env.yaml

# 7. a damaged cache, a foreign one, a symbolic link: ignored, the answers unchanged
settle
run_in r 0 "a build" build
cache=$(cd r && git rev-parse --absolute-git-dir)/eragen-stamps
printf 'RESOURCE' | dd of="$gen" bs=1 seek="$off" conv=notrunc 2>/dev/null
touch -r ref "$gen"
cp "$cache" saved
sed -i '2s/^[0-9a-f]/x/' "$cache"
run_in r 1 "a damaged cache: the edit is still found" check
has "DRIFT005" "damaged cache: DRIFT005" err
sed '1s/.*/eragen-stamps 1 \/elsewhere/' saved >"$cache"
run_in r 1 "another root's cache: the edit is still found" check
rm -f "$cache" && ln -s "$PWD/saved" "$cache"
run_in r 1 "a cache that is a symbolic link: the edit is still found" check
rm -f "$cache"
run_in r 0 "build --force" build --force

# 8. the index: check --staged judges what is staged, not the work tree's stamps
settle
run_in r 0 "a build" build
commit_all r "generated"
printf 'RESOURCE' | dd of="$gen" bs=1 seek="$off" conv=notrunc 2>/dev/null
(cd r && git_ add out/alpha/infra/eks.tf)
cp -p ref "$gen"
run_in r 0 "the work tree is up to date" check
run_in r 1 "check --staged finds the edit staged in the index" check --staged
has "DRIFT005" "check --staged: DRIFT005 for the staged edit" err
(cd r && git_ add out/alpha/infra/eks.tf)
run_in r 0 "check --staged once the right file is staged" check --staged

# 9. build --stage: a file the stamps vouch for is staged as it is (nothing to add)
settle
run_in r 0 "build --stage" build --stage
settle
run_in r 0 "build --stage again" build --stage
has "0 staged, 0 removed from the index" "build --stage again: nothing staged" err

summary speed-stamps

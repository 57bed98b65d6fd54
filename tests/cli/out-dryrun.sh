#!/bin/sh
# `eragen build --dry-run` writes nothing: no file, no manifest, no lock (not even one
# taken and removed: the mtime of every directory is in the checksum), no temp file, no
# index change; the whole tree, .git/index included, is byte-identical after it, with
# --prune, --stage and --force too. It lists what it would write, delete or keep, and a
# real build then does exactly that (--verbose lists it: written, deleted, kept; with
# every unchanged path too). It exits as the build would: 1 when the build would refuse
# (a hand edit without --force, an error in a spec), 0 otherwise.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# tree DIR: every path with its type, size, mtime and content digest, then one digest
tree() {
	(cd "$1" && find . -printf '%y %s %T@ %p\n' | LC_ALL=C sort -k4 &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}
# same DESCRIPTION: the tree is what it was (./before)
same() {
	tree "$r" >after
	cmp -s before after && ok "$1: the tree and .git/index unchanged" || fail "$1: the tree changed"
}
# list ACTION: the paths of ./out listed with ACTION ("would write", "written", ...)
list() { sed -n "s|^$1  *\([^ ]*\).*|\1|p" out | LC_ALL=C sort; }

r=$PWD/repo
rm -rf "$r" && mkdir -p "$r/environments/demo" "$r/environments/other"
cp "$top/tests/check/_base/environments/_defaults.yaml" "$r/environments/"
for e in demo:10.20.0.0/16 other:10.30.0.0/16; do
	cat >"$r/environments/${e%%:*}/env.yaml" <<YAML
eragen: 1
name: ${e%%:*}
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: ${e#*:}}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
done
(cd "$r" && git_ init -q . && "$ERAGEN" build -q) || fail "setup: build"
commit_all "$r" built
[ -f "$r/.git/index" ] || fail "setup: no .git/index"

# 1. up to date: nothing to write
tree "$r" >before
run_in "$r" 0 "dry run: up to date" build --dry-run
same "dry run: up to date"
[ ! -s out ] && ok "dry run: up to date: nothing listed" || { fail "dry run: listed:"; cat out; }
has "0 files would be written" "dry run: up to date: the summary" err
run_in "$r" 0 "dry run --verbose: up to date" build --dry-run --verbose
n=$(($(wc -l <"$r/out/.eragen-manifest") + 1))
[ "$(list unchanged | wc -l)" -eq "$n" ] && ok "--verbose: every path unchanged ($n)" ||
	{ fail "--verbose: $(list unchanged | wc -l) unchanged, want $n"; cat out; }

# 2. stale, missing and orphaned files; the work tree's changes staged
sed -i 's/10\.20\.0\.0/10.21.0.0/' "$r/environments/demo/env.yaml"
rm "$r/out/demo/env.mk"
rm -r "$r/environments/other"
(cd "$r" && git_ add -A environments)
tree "$r" >before
for flags in "" "--prune" "--prune --stage" "--force --prune --stage --verbose"; do
	# shellcheck disable=SC2086
	run_in "$r" 0 "dry run $flags" build --dry-run $flags
	same "dry run $flags"
done
[ ! -e "$r/out/.eragen-lock" ] && ok "dry run: no lock left" || fail "dry run: out/.eragen-lock left"
find "$r" -name '*.eragen-tmp' | grep -q . && fail "dry run: temp files left" || ok "dry run: no temp file"

run_in "$r" 0 "dry run: the list" build --dry-run
has "^would write   out/demo/env.mk (missing)$" "dry run: the missing file" out
has "^would write   out/demo/infra/locals.tf (stale)$" "dry run: a stale file" out
has "^would keep    out/other/env.mk (orphaned: 'eragen build --prune' deletes it)$" "dry run: an orphan kept" out
hasnt "^unchanged" "dry run: unchanged paths only with --verbose" out
has "files would be written, .* unchanged; nothing written$" "dry run: the summary" err
run_in "$r" 0 "dry run --prune --stage" build --dry-run --prune --stage
list "would write" >would-write
list "would delete" >would-delete
grep -q "^out/other/env.mk$" would-delete && ok "dry run --prune: the orphans would be deleted" ||
	fail "dry run --prune: out/other/env.mk not listed"
has "orphans deleted; nothing written or staged$" "dry run --prune --stage: the summary" err
run_in "$r" 0 "dry run, json" build --dry-run --format json
/usr/bin/python3 -c 'import json; json.load(open("out"))' && ok "dry run, json: stdout holds only the JSON" ||
	{ fail "dry run, json: other output on stdout"; cat out; }
has "^would write   out/demo/env.mk" "dry run, json: the list on stderr" err
run_in "$r" 0 "dry run, sarif" build --dry-run --format sarif
/usr/bin/python3 -c 'import json,sys; sys.exit(json.load(open("out"))["runs"][0]["invocations"][0]["exitCode"])' &&
	ok "dry run, sarif: exitCode 0 (files that differ are no failure of build)" ||
	fail "dry run, sarif: exitCode not 0"

# 3. the real build does what the dry run said
run_in "$r" 0 "build --prune --stage --verbose" build --prune --stage --verbose
list written >wrote
list deleted >did-delete
cmp -s would-write wrote && ok "build: wrote what the dry run listed ($(wc -l <wrote) files)" ||
	{ fail "build: wrote other files than the dry run listed"; diff would-write wrote; }
cmp -s would-delete did-delete && ok "build: deleted what the dry run listed ($(wc -l <did-delete) files)" ||
	{ fail "build: deleted other files"; diff would-delete did-delete; }
has "^unchanged     out/demo/helm/values.yaml$" "--verbose: unchanged paths" out
[ ! -e "$r/out/other" ] && ok "build: the orphans deleted" || fail "build: out/other left"
run_in "$r" 0 "check after the build" check --staged

# 4. a build that would refuse: exit 1, nothing written, nothing listed; --force lists it
commit_all "$r" rebuilt
echo "# hand edit" >>"$r/out/demo/helm/values.yaml"
tree "$r" >before
run_in "$r" 1 "dry run: a hand edit" build --dry-run
same "dry run: a hand edit"
has "error\[DRIFT005\]" "dry run: a hand edit: DRIFT005" err
has "nothing written" "dry run: a hand edit: nothing written" err
[ ! -s out ] && ok "dry run: a hand edit: nothing listed" || { fail "dry run: refused, yet listed:"; cat out; }
run_in "$r" 0 "dry run --force" build --dry-run --force
same "dry run --force"
has "^would write   out/demo/helm/values.yaml (edited by hand, --force)$" "dry run --force: the edited file" out
(cd "$r" && git_ checkout -q -- out)

# 5. an error in a spec: exit 1, nothing written
printf 'bogus: 1\n' >>"$r/environments/demo/env.yaml"
tree "$r" >before
run_in "$r" 1 "dry run: an error in a spec" build --dry-run
same "dry run: an error in a spec"
has "error\[SPEC003\]" "dry run: an error in a spec: SPEC003" err

summary out-dryrun 35

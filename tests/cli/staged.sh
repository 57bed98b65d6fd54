#!/bin/sh
# The git side of the everyday workflow in real repositories: `lint --staged` and
# `check --staged` judge the index, not the work tree (a spec, a parent environment,
# _defaults.yaml, the SOPS key names, extra .tf files, GIT_INDEX_FILE); `build --stage`
# puts the generated files (and pruned orphans) in the index; and discovery's edge
# cases: a subdirectory, a root below the work tree's top, a linked worktree, detached
# and unborn HEAD, a conflicted index, a bare repository and no repository (a repository
# owned by another user, which needs root: owner.sh). Every --staged run is made twice,
# with eragen's index reader (gen/repo_index_file.c) and with libgit2 reading the index
# (ERAGEN_TEST_INDEX=libgit2): the two must print the same bytes and exit alike.
# shellcheck disable=SC2015 # "A && echo ok || fail": echo cannot fail
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY
. "$top/tests/cli/lib/common.sh"

# $ERAGEN through a wrapper: a run with --staged is made again with libgit2 reading the
# index, and any difference is recorded in both.diff; the first run's output is kept
work=$PWD
rm -f both.diff both.count
cat >eragen-both <<WRAPPER
#!/bin/sh
case " \$* " in
*" --staged "*) ;;
*) exec "$ERAGEN" "\$@" ;;
esac
"$ERAGEN" "\$@" >"$work/both.o1" 2>"$work/both.e1"
rc=\$?
ERAGEN_TEST_INDEX=libgit2 "$ERAGEN" "\$@" >"$work/both.o2" 2>"$work/both.e2"
rc2=\$?
echo x >>"$work/both.count"
if [ \$rc -ne \$rc2 ] || ! cmp -s "$work/both.o1" "$work/both.o2" ||
	! cmp -s "$work/both.e1" "$work/both.e2"; then
	{ echo "\$PWD: \$* (exit \$rc, libgit2 \$rc2)"; diff "$work/both.o1" "$work/both.o2"
	  diff "$work/both.e1" "$work/both.e2"; } >>"$work/both.diff"
fi
cat "$work/both.o1"
cat "$work/both.e1" >&2
exit \$rc
WRAPPER
chmod +x eragen-both
ERAGEN=$work/eragen-both

# spec DIR NAME [EXTRA]: a valid environments/NAME/env.yaml under DIR (EXTRA: more lines)
spec() {
	mkdir -p "$1/environments/$2"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.${3:-20}.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
${4:-}
YAML
}
repo() { # repo DIR: a fresh git repository with the golden tests' _defaults.yaml
	rm -rf "$1" && mkdir -p "$1/environments"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
	(cd "$1" && git_ init -q .)
}
stage() { (cd "$1" && git_ add -A); }

# ---- 1. a broken spec staged, the work tree fixed ----
repo r1
spec r1 demo 20
commit_all r1 base
spec r1 demo 20 "# the staged version has an unknown key on line 8
bogus_key: 1"
stage r1
spec r1 demo 20	# fixed in the work tree, not staged
run_in r1 1 "spec: lint --staged judges the staged spec" lint --staged
has "environments/demo/env.yaml:8:1: error\[SPEC003\]" "spec: staged line named" err
has "bogus_key" "spec: staged content in the snippet" err
run_in r1 0 "spec: plain lint judges the work tree" lint
run_in r1 1 "spec: --staged --format json" lint --staged --format json
tr -d ' \n' <out | grep -q '"file":"environments/demo/env.yaml","line":8,' ||
	{ fail "spec: json names the staged line"; cat out; }
# the reverse: staged fine, the work tree broken
stage r1
spec r1 demo 20 "bogus_key: 1"
run_in r1 0 "spec: staged is fine, the work tree broken" lint --staged
run_in r1 1 "spec: ... and plain lint sees the work tree" lint
# an environment only in the work tree does not exist for --staged
spec r1 demo 20
spec r1 untracked 21 "bogus_key: 1"
run_in r1 0 "untracked environment: not in the index, not judged" lint --staged
run_in r1 1 "untracked environment: plain lint judges it" lint
run_in r1 2 "untracked environment: not an ENV of --staged" lint --staged untracked
rm -rf r1/environments/untracked

# hostile staged content: a symbolic link, a file over the size limit, NUL bytes
spec r1 demo 20
commit_all r1 fixed
rm r1/environments/demo/env.yaml && ln -s ../../README.md r1/environments/demo/env.yaml
stage r1 && rm r1/environments/demo/env.yaml && spec r1 demo 20
run_in r1 1 "hostile: a symbolic link in the index" lint --staged
has "'environments/demo/env.yaml' is not a regular file in the index" "hostile: symlink named" err
head -c 9000000 /dev/zero | tr '\0' '#' >r1/environments/demo/env.yaml
stage r1 && spec r1 demo 20
run_in r1 1 "hostile: a staged file over the size limit" lint --staged
has "'environments/demo/env.yaml' is too large (9000000 bytes" "hostile: size named" err
printf 'eragen: 1\nname: demo\0\n' >r1/environments/demo/env.yaml
stage r1 && spec r1 demo 20
run_in r1 1 "hostile: NUL bytes in the staged file" lint --staged
has "environments/demo/env.yaml:2:11: error\[SPEC012\]: 'environments/demo/env.yaml' contains a NUL byte" \
	"hostile: NUL located in the staged content" err
run_in r1 0 "hostile: plain lint judges the fixed work tree" lint
stage r1

# ---- 2. only a parent environment differs ----
repo r2
mkdir -p r2/environments/_parent
printf 'eragen: 1\ntier: ephemeral\nhub: {default_url: /lab}\n' >r2/environments/_parent/env.yaml
spec r2 child 20 "extends: _parent"
commit_all r2 base
printf 'eragen: 1\ntier: ephemeral\nhub: {default_url: /lab}\nnot_a_key: 1\n' \
	>r2/environments/_parent/env.yaml
stage r2
printf 'eragen: 1\ntier: ephemeral\nhub: {default_url: /lab}\n' >r2/environments/_parent/env.yaml
run_in r2 1 "parent: lint --staged judges the staged parent" lint --staged
has "environments/_parent/env.yaml:4:1: error\[SPEC003\]" "parent: staged line named" err
run_in r2 0 "parent: plain lint passes" lint

# ---- 3. only _defaults.yaml differs ----
repo r3
spec r3 demo 20
commit_all r3 base
cp r3/environments/_defaults.yaml defaults.good
printf 'defaults_typo: 1\n' >>r3/environments/_defaults.yaml
stage r3
cp defaults.good r3/environments/_defaults.yaml
n=$(wc -l <defaults.good)
run_in r3 1 "_defaults.yaml: lint --staged judges the staged one" lint --staged
has "environments/_defaults.yaml:$((n + 1)):1: error\[SPEC003\]" "_defaults.yaml: staged line" err
run_in r3 0 "_defaults.yaml: plain lint passes" lint
# staged without _defaults.yaml at all (git rm --cached): the index has none
(cd r3 && git_ rm -qf --cached environments/_defaults.yaml)
run_in r3 1 "_defaults.yaml: removed from the index only" lint --staged
hasnt "_defaults.yaml:" "_defaults.yaml: not read from the work tree" err
run_in r3 0 "_defaults.yaml: ... still in the work tree" lint

# ---- 4. only the SOPS key names differ ----
repo r4
spec r4 demo 20 'auth: {mode: dummy, admins: [admin], dummy: {password: "sops:dummy.password"}}'
cp "$top/tests/check/AUTH006-near-key-present/environments/demo/secrets.yaml" r4/environments/demo/
commit_all r4 base
run_in r4 0 "sops: the key is there" lint --staged
cp "$top/tests/check/AUTH006-missing-key/environments/demo/secrets.yaml" r4/environments/demo/
stage r4
cp "$top/tests/check/AUTH006-near-key-present/environments/demo/secrets.yaml" r4/environments/demo/
run_in r4 1 "sops: the staged secrets.yaml lacks the key" lint --staged
has "error\[AUTH006\].*'dummy.password', which is not in 'environments/demo/secrets.yaml'" \
	"sops: AUTH006 on the staged key names" err
has "environments/demo/secrets.yaml: note: the secrets file holds 'cognito.client_secret'" \
	"sops: the staged keys in the note" err
run_in r4 0 "sops: plain lint sees the work tree's keys" lint

# ---- 5. extra .tf files are listed from the index ----
repo r5
spec r5 demo 20
commit_all r5 base
mkdir -p r5/environments/demo/extra/infra
printf 'locals {\n  stamp = timestamp()\n}\n' >r5/environments/demo/extra/infra/stamp.tf
stage r5
rm r5/environments/demo/extra/infra/stamp.tf
run_in r5 1 "extra: a staged .tf that is gone from the work tree" lint --staged
has "environments/demo/extra/infra/stamp.tf:2:11: error\[DRIFT006\]" "extra: staged file judged" err
run_in r5 0 "extra: plain lint does not see it" lint

# ---- 6. GIT_INDEX_FILE (git commit -a / git commit PATH run hooks with one) ----
repo r6
spec r6 demo 20
commit_all r6 base
cp r6/.git/index r6/.git/alt-index
spec r6 demo 20 "bogus_key: 1"
(cd r6 && GIT_INDEX_FILE=.git/alt-index git_ add -A)
spec r6 demo 20
run_in r6 0 "GIT_INDEX_FILE unset: the real index" lint --staged
(cd r6 && GIT_INDEX_FILE=.git/alt-index "$ERAGEN" lint --staged) >out 2>err
[ $? -eq 1 ] && grep -q "error\[SPEC003\]" err && ok "GIT_INDEX_FILE honoured" ||
	{ fail "GIT_INDEX_FILE not honoured"; cat err; }

# ---- 7. check --staged and build --stage ----
repo r7
spec r7 alpha 20
spec r7 beta 21
commit_all r7 specs
run_in r7 0 "build: the first build" build
commit_all r7 output
run_in r7 0 "check --staged: the index is current" check --staged
spec r7 alpha 20 "hub: {default_url: /tree}"
(cd r7 && git_ add environments)
run_in r7 1 "check --staged: a spec change staged without a rebuild" check --staged
has "out/alpha/helm/values.yaml: stale in the index" "check --staged: stale file named" out
run_in r7 0 "build after the change (work tree only)" build
run_in r7 0 "check: the work tree is current" check
run_in r7 1 "check --staged: the index still holds the old output" check --staged
has "stale in the index" "check --staged: still stale" out
run_in r7 0 "build --stage" build --stage
has "staged, 0 removed from the index" "build --stage: summary" err
(cd r7 && git diff --cached --name-only) >staged.txt
grep -q '^out/alpha/helm/values.yaml$' staged.txt && grep -q '^out/.eragen-manifest$' staged.txt &&
	ok "build --stage: git diff --cached lists the generated files" ||
	{ fail "build --stage: generated files not staged"; cat staged.txt; }
grep -q '^out/beta/' staged.txt && { fail "build --stage: staged an unchanged file"; cat staged.txt; }
[ -z "$(cd r7 && git diff --name-only)" ] &&
	ok "build --stage: the work tree matches the index" ||
	{ fail "build --stage: the work tree differs from the index"; (cd r7 && git status --porcelain); }
run_in r7 0 "check --staged after build --stage" check --staged
# a generated file removed from the index only: build --stage puts it back
(cd r7 && git_ commit -qm change && git_ rm -q --cached out/beta/helm/values.yaml)
run_in r7 1 "check --staged: a generated file missing from the index" check --staged
has "out/beta/helm/values.yaml: missing from the index" "check --staged: missing named" out
run_in r7 0 "build --stage: nothing to write, one file to stage" build --stage
has "0 files written" "build --stage: nothing written" err
has "1 staged" "build --stage: the missing file staged" err
run_in r7 0 "check --staged: current again" check --staged
# a removed environment: build --stage --prune removes its files from the index
(cd r7 && git_ commit -qm again >/dev/null; git_ rm -rq environments/beta)
run_in r7 1 "check --staged: the removed environment's files are orphans" check --staged
has "out/beta/helm/values.yaml: orphaned in the index" "check --staged: orphan named" out
run_in r7 0 "build --stage --prune" build --stage --prune
(cd r7 && git diff --cached --name-only --diff-filter=D) >deleted.txt
grep -q '^out/beta/helm/values.yaml$' deleted.txt &&
	ok "build --stage --prune: the orphans leave the index" ||
	{ fail "build --stage --prune: orphans still staged"; cat deleted.txt; }
[ ! -e r7/out/beta ] || fail "build --stage --prune: out/beta still on disk"
run_in r7 0 "check --staged after the prune" check --staged
run_in r7 2 "build --staged is not a flag of build" build --staged
run_in r7 2 "show --staged is not a flag of show" show alpha --staged

# ---- 8. a root below the work tree's top; a subdirectory ----
rm -rf r8 && mkdir -p r8/infra && (cd r8 && git_ init -q .)
repo tmp8 && rm -rf tmp8/.git && mv tmp8/environments r8/infra/ && rm -rf tmp8
spec r8/infra demo 20
commit_all r8 base
spec r8/infra demo 20 "bogus_key: 1"
(cd r8 && git_ add -A)
spec r8/infra demo 20
run_in r8/infra 1 "subdir root: lint --staged reads infra/ from the index" lint --staged
has "^environments/demo/env.yaml:7:1: error\[SPEC003\]" "subdir root: paths relative to the root" err
run_in r8/infra/environments/demo 1 "subdir root: from a subdirectory of the root" lint --staged
run_in . 1 "subdir root: -C" -C r8/infra/environments lint --staged
run_in r8/infra 0 "subdir root: plain lint" lint
(cd r8 && git_ add -A)
run_in r8/infra/environments 0 "subdir root: build --stage" build --stage
(cd r8 && git diff --cached --name-only) >staged.txt
grep -q '^infra/out/demo/helm/values.yaml$' staged.txt &&
	ok "subdir root: staged under infra/out/" ||
	{ fail "subdir root: not staged under infra/"; cat staged.txt; }
run_in r8/infra 0 "subdir root: check --staged" check --staged

# ---- 9. a linked worktree ----
repo r9
rm -rf r9-wt
spec r9 demo 20
commit_all r9 base
(cd r9 && git_ worktree add -q ../r9-wt -b feature) || fail "git worktree add"
spec r9-wt demo 20 "bogus_key: 1"
(cd r9-wt && git_ add -A)
spec r9-wt demo 20
run_in r9-wt 1 "worktree: lint --staged reads the worktree's index" lint --staged
has "environments/demo/env.yaml:7:1: error\[SPEC003\]" "worktree: staged line" err
run_in r9 0 "worktree: the main checkout's index is clean" lint --staged
run_in r9-wt 0 "worktree: plain lint" lint
(cd r9-wt && git_ add -A)
run_in r9-wt 0 "worktree: build --stage" build --stage
(cd r9-wt && git diff --cached --name-only) | grep -q '^out/demo/helm/values.yaml$' &&
	ok "worktree: staged in the worktree's index" || fail "worktree: not staged"
[ -z "$(cd r9 && git diff --cached --name-only)" ] || fail "worktree: the main index changed"
run_in r9-wt 0 "worktree: check --staged" check --staged
run_in r9-wt/environments/demo 0 "worktree: lint from a subdirectory" lint --staged

# ---- 10. detached and unborn HEAD ----
(cd r9 && git_ checkout -q --detach HEAD)
run_in r9 0 "detached HEAD: lint --staged" lint --staged
run_in r9 0 "detached HEAD: lint" lint
run_in r9 0 "detached HEAD: build --stage" build --stage
run_in r9 0 "detached HEAD: check --staged" check --staged
repo r10
spec r10 demo 20 "bogus_key: 1"
stage r10
spec r10 demo 20
run_in r10 1 "unborn HEAD: lint --staged reads the index" lint --staged
has "error\[SPEC003\]" "unborn HEAD: the staged finding" err
run_in r10 0 "unborn HEAD: plain lint" lint
stage r10
run_in r10 0 "unborn HEAD: build --stage" build --stage
run_in r10 0 "unborn HEAD: check --staged" check --staged
repo r10e
run_in r10e 0 "unborn HEAD, empty index: nothing to lint" lint --staged

# ---- 11. a conflicted index ----
repo r11
spec r11 demo 20
commit_all r11 base
(cd r11 && git_ checkout -qb other && sed -i 's/10.20.0.0/10.30.0.0/' environments/demo/env.yaml &&
	git_ commit -qam other && git_ checkout -q main &&
	sed -i 's/10.20.0.0/10.40.0.0/' environments/demo/env.yaml && git_ commit -qam main &&
	git_ merge -q other) >/dev/null 2>&1
[ -n "$(cd r11 && git ls-files -u)" ] || fail "conflict: the merge did not conflict"
run_in r11 1 "conflict: lint --staged" lint --staged
has "environments/demo/env.yaml: error\[SPEC012\]: 'environments/demo/env.yaml' has an unresolved merge conflict in the index" \
	"conflict: a clear error naming the path" err
has "help: resolve the conflict, then 'git add environments/demo/env.yaml'" "conflict: help" err
run_in r11 1 "conflict: check --staged" check --staged
(cd r11 && git_ checkout -q --theirs environments/demo/env.yaml && git_ add -A)
run_in r11 0 "conflict: resolved and added" lint --staged

# ---- 12. no repository, a bare one ----
rm -rf r12 && mkdir -p r12/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" r12/environments/
spec r12 demo 20
run_in r12 0 "no repository: plain lint" lint
run_in r12 2 "no repository: lint --staged is a usage error" lint --staged
has "--staged reads the git index, but '.*/r12' is not in a git repository" "no repository: message" err
oneline "no repository"
run_in r12 2 "no repository: check --staged" check --staged
run_in r12 2 "no repository: build --stage" build --stage
has "--stage reads the git index" "no repository: build --stage message" err
[ ! -e r12/out ] || fail "no repository: build --stage wrote files"
rm -rf r12b.git && git_ init -q --bare r12b.git
run_in r12b.git 2 "bare: lint --staged is a usage error" lint --staged
has "is a bare repository" "bare: message" err
oneline "bare"
run_in r12b.git 2 "bare: plain lint" lint
has "is a bare repository" "bare: plain lint message" err
# a repository owned by another user needs root to set up: owner.sh

# every --staged run above, with libgit2 reading the index: the same
n=$(wc -l <both.count 2>/dev/null || echo 0)
if [ -s both.diff ]; then
	fail "the index reader and libgit2 differ:"; cat both.diff
elif [ "$n" -lt 40 ]; then
	fail "only $n --staged runs compared with libgit2's"
else
	ok "$n --staged runs: the same with libgit2 reading the index"
fi

summary staged

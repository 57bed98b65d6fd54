#!/bin/sh
# `eragen hook install [--force]` / `eragen hook uninstall` in real git repositories: the
# installed hook blocks `git commit` of a broken spec (the diagnostic in the commit's
# output) and of stale generated output, judges what is staged rather than the work tree,
# and lets a good commit through; a foreign hook is kept, chained and restored; --force;
# core.hooksPath (relative and absolute); a linked worktree; a subdirectory and an
# environments/ below the top of the work tree; which binary the hook names; errors (no
# repository, bare, a hooks path that is a file). Also .pre-commit-hooks.yaml: its
# entries run as the pre-commit framework would run them.
# ok never fails, so `test && ok || fail` is an if-then-else here
# shellcheck disable=SC2015,SC2030,SC2031
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# hermetic git: no user or system configuration (a global core.hooksPath would move hooks)
git_home
# the hook runs the installing binary: it must find the data files from anywhere
: "${ERAGEN_DATADIR:=$top}"
export ERAGEN_DATADIR

# commit WANT(0|1) DESCRIPTION DIR [GIT-COMMIT-ARGS]: git commit (of what is staged
# unless the arguments say otherwise), output in cout
commit() {
	want=$1 what=$2 dir=$3
	shift 3
	before=$(git -C "$dir" rev-parse -q --verify HEAD || echo none)
	(cd "$dir" && git commit -qm "$what" "$@") >cout 2>&1
	rc=$?
	after=$(git -C "$dir" rev-parse -q --verify HEAD || echo none)
	if [ "$want" = 0 ] && { [ "$rc" -ne 0 ] || [ "$before" = "$after" ]; }; then
		fail "$what: the commit was refused (exit $rc)"; cat cout
	elif [ "$want" != 0 ] && { [ "$rc" -eq 0 ] || [ "$before" != "$after" ]; }; then
		fail "$what: the commit went through"; cat cout
	else
		ok "$what"
	fi
}
# same FILE1 FILE2 DESCRIPTION: the two files are equal
same() { cmp -s "$1" "$2" && ok "$3" || { fail "$3: $1 and $2 differ"; diff -u "$1" "$2"; }; }

# spec DIR NAME KUBE [EXTRA]: write environments/NAME/env.yaml under DIR
spec() {
	mkdir -p "$1/environments/$2"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
cluster: {kubernetes_version: "$3"}
${4:-}
YAML
}
broken() { spec "$1" "$2" 1.33 "clustre: {}"; }
# newrepo DIR: a repository with one environment, built and committed (no hook yet)
newrepo() {
	rm -rf "$1" && mkdir -p "$1/environments"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
	spec "$1" demo 1.33
	(cd "$1" && git init -q . && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A &&
		git commit -qm initial) || fail "newrepo $1: cannot set up"
}
hook_of() { echo "$1/.git/hooks/pre-commit"; }
foreign() { # foreign PATH STATUS: a hook that leaves a trace and exits STATUS
	printf '#!/bin/sh\necho "foreign hook ran" >&2\necho ran >>"%s"\nexit %s\n' \
		"$PWD/foreign.trace" "$2" >"$1"
	chmod +x "$1"
}

# 1. errors: no repository, a bare one, bad arguments
mkdir -p plain
run_in plain 2 "outside a git repository: exit 2" hook install
has "is not in a git repository" "outside a repository" err
git init -q --bare bare.git
run_in bare.git 2 "bare repository: exit 2" hook install
has "bare repository" "bare" err
run_in plain 2 "no action: exit 2" hook
run_in plain 2 "unknown action: exit 2" hook remove
run_in plain 2 "uninstall --force: exit 2" hook uninstall --force
# a repository owned by another user needs root to set up: owner.sh
run_in plain 0 "hook --help" hook --help
has "pre-commit.local" "help names the chained hook" out

# 2. install, idempotence, the script itself
newrepo r1
h=$(hook_of r1)
run_in r1 0 "install" hook install
has "installed eragen's pre-commit hook in .git/hooks/pre-commit" "install message" out
[ "$(wc -l <out)" -eq 1 ] || fail "install: more than one line"
[ -x "$h" ] && ok "the hook is executable" || fail "the hook is not executable"
has "^# installed by eragen hook install$" "the hook's mark" "$h"
has "check --staged" "the hook runs check --staged" "$h"
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck -s sh "$h" && ok "shellcheck of the hook" || fail "shellcheck of the hook"
else
	fail "shellcheck is not installed"
fi
sh -n "$h" || fail "sh -n of the hook"
cp "$h" hook.first
run_in r1 0 "install again" hook install
has "already installed" "install again says so" out
same hook.first "$h" "install again"
real=$(cd "$(dirname "$ERAGEN")" && pwd -P)/$(basename "$ERAGEN")
has "^eragen='$real'$" "the hook names the installing binary" "$h"
chmod -x "$h"
run_in r1 0 "install over a disabled (not executable) hook" hook install
has "updated eragen's pre-commit hook" "re-enabled" out
[ -x "$h" ] || fail "the hook is still not executable"

# 3. the hook at work: broken spec blocked with its diagnostic, good commit passes
spec r1 demo 1.34
(cd r1 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
commit 0 "a good commit goes through" r1
has "generated files compared" "the hook ran eragen on the good commit" cout
broken r1 demo
(cd r1 && git add -A)
commit 1 "a broken spec is refused" r1
has "environments/demo/env.yaml:8:1: error\[SPEC" "the diagnostic is in the commit's output" cout
has "clustre" "the diagnostic names the key" cout
# what is staged is judged, not the work tree
spec r1 demo 1.34
commit 1 "broken in the index, fixed in the work tree: still refused" r1
spec r1 demo 1.34 "tags: {Team: one}"
(cd r1 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
broken r1 demo
commit 0 "good in the index, broken in the work tree: goes through" r1
# stale generated output: a spec change staged without its build
spec r1 demo 1.34 "tags: {Team: two}"
(cd r1 && git add environments)
commit 1 "a spec change without its generated files is refused" r1
has "stale" "the stale file is named" cout
(cd r1 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
commit 0 "with its generated files it goes through" r1
# git commit -a and a partial commit use another index (GIT_INDEX_FILE): the hook sees it
broken r1 demo
commit 1 "git commit -a of a broken spec is refused" r1 -a
has "error\[SPEC" "commit -a diagnostic" cout
commit 1 "git commit PATH of a broken spec is refused" r1 -- environments/demo/env.yaml
has "error\[SPEC" "partial commit diagnostic" cout
git -C r1 reset -q --hard

# 4. a foreign hook: kept, chained, its failure propagated, restored by uninstall
newrepo r2
h=$(hook_of r2)
foreign "$h" 0
cp "$h" foreign.orig
rm -f foreign.trace
run_in r2 0 "install over a foreign hook" hook install
has "kept as pre-commit.local and runs first" "chain message" out
same foreign.orig "$h.local" "the foreign hook is kept as pre-commit.local"
has "installed by eragen hook install" "eragen's hook is in place" "$h"
broken r2 demo
(cd r2 && git add -A)
commit 1 "chained: a broken spec is still refused" r2
has "foreign hook ran" "chained: the foreign hook ran" cout
has "error\[SPEC" "chained: eragen ran too" cout
spec r2 demo 1.33 "tags: {Team: one}"
(cd r2 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
rm -f foreign.trace
commit 0 "chained: a good commit goes through" r2
[ -s foreign.trace ] && ok "the foreign hook ran on the good commit" ||
	fail "the foreign hook did not run on the good commit"
foreign "$h.local" 7
spec r2 demo 1.34
(cd r2 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
commit 1 "a failing foreign hook still blocks the commit" r2
has "foreign hook ran" "the failing foreign hook ran" cout
(cd r2 && sh .git/hooks/pre-commit >/dev/null 2>&1)
[ $? -eq 7 ] && ok "the hook exits with the foreign hook's status" ||
	fail "the hook's status is not the foreign hook's 7"
foreign "$h.local" 0
cp "$h.local" foreign.orig
run_in r2 0 "install again over a chain" hook install
has "already installed" "install again over a chain" out
same foreign.orig "$h.local" "the chained hook is untouched by a second install"
run_in r2 0 "uninstall restores the foreign hook" hook uninstall
has "removed eragen's pre-commit hook from .git/hooks/pre-commit; pre-commit.local is the pre-commit hook again" "uninstall message" out
same foreign.orig "$h" "uninstall: the foreign hook is back"
[ ! -e "$h.local" ] || fail "uninstall left pre-commit.local"
run_in r2 1 "uninstall refuses a foreign hook" hook uninstall
has "is not eragen's" "uninstall of a foreign hook" err
same foreign.orig "$h" "uninstall left the foreign hook alone"
rm "$h"
run_in r2 0 "uninstall with no hook" hook uninstall
has "nothing to remove" "nothing to uninstall" out

# 5. --force, and the refusal it overrides
foreign "$h" 0
foreign "$h.local" 0
echo "# another" >>"$h.local"
cp "$h" foreign.orig
cp "$h.local" local.orig
run_in r2 1 "foreign hook with pre-commit.local taken: refused" hook install
has "move one of them, or replace the hook with --force" "refusal message" err
same foreign.orig "$h" "refused: the hook is untouched"
same local.orig "$h.local" "refused: pre-commit.local is untouched"
run_in r2 0 "install --force replaces the foreign hook" hook install --force
has "replaced the pre-commit hook" "--force message" out
has "installed by eragen hook install" "--force: eragen's hook is in place" "$h"
same local.orig "$h.local" "--force keeps pre-commit.local"
run_in r2 0 "install after --force: already installed" hook install
has "already installed" "idempotent after --force" out
newrepo dirhook && mkdir "$(hook_of dirhook)"
run_in dirhook 1 "a directory named pre-commit: refused" hook install --force
has "is not a file" "directory refusal" err

# 6. core.hooksPath: relative (to the top of the work tree, even from a subdirectory), absolute
newrepo r3
git -C r3 config core.hooksPath .githooks
run_in r3/environments/demo 0 "relative core.hooksPath from a subdirectory" hook install
has "installed eragen's pre-commit hook in .githooks/pre-commit (core.hooksPath)" "relative hooksPath message" out
[ -x r3/.githooks/pre-commit ] && ok "installed in .githooks" || fail "not in r3/.githooks"
[ ! -e r3/environments/demo/.githooks ] || fail "relative core.hooksPath taken from the cwd"
[ ! -e "$(hook_of r3)" ] || fail "installed in .git/hooks despite core.hooksPath"
broken r3 demo
(cd r3 && git add environments)
commit 1 "relative core.hooksPath: a broken spec is refused" r3
has "error\[SPEC" "relative hooksPath diagnostic" cout
run_in r3 0 "uninstall from core.hooksPath" hook uninstall
[ ! -e r3/.githooks/pre-commit ] || fail "uninstall left .githooks/pre-commit"
git -C r3 reset -q --hard
newrepo r4
git -C r4 config core.hooksPath "$PWD/abs hooks/x"
run_in r4 0 "absolute core.hooksPath outside the repository (--force; created, with a space)" \
	hook install --force
[ -x "abs hooks/x/pre-commit" ] && ok "installed in the absolute hooks path" ||
	fail "not in the absolute hooks path"
has "$PWD/abs hooks/x/pre-commit (core.hooksPath)" "absolute path shown whole" out
broken r4 demo
(cd r4 && git add environments)
commit 1 "absolute core.hooksPath: a broken spec is refused" r4
has "error\[SPEC" "absolute hooksPath diagnostic" cout
: >hooks-file
newrepo r5
git -C r5 config core.hooksPath "$PWD/hooks-file"
run_in r5 3 "core.hooksPath naming a file: exit 3" hook install --force
has "not a directory" "hooks path is a file" err

# 7. a linked worktree: the hook goes to the common git directory, and works there
rm -rf wt6
newrepo r6
git -C r6 worktree add -q ../wt6 -b side || fail "git worktree add"
run_in wt6 0 "install from a linked worktree" hook install
[ -x "$(hook_of r6)" ] && ok "installed in the common hooks directory" ||
	fail "not in r6/.git/hooks"
[ ! -e r6/.git/worktrees/wt6/hooks/pre-commit ] || fail "installed in the worktree's git dir"
has "$(cd r6 && pwd -P)/.git/hooks/pre-commit" "worktree: the common hooks path is shown" out
broken wt6 demo
(cd wt6 && git add -A)
commit 1 "worktree: a broken spec is refused" wt6
has "environments/demo/env.yaml:8:1: error\[SPEC" "worktree diagnostic" cout
spec wt6 demo 1.34
(cd wt6 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A)
commit 0 "worktree: a good commit goes through" wt6
run_in r6 0 "install from the main worktree: already installed" hook install
has "already installed" "one hook for all worktrees" out

# 8. environments/ below the top of the work tree: the hook runs eragen there
rm -rf r7 && mkdir -p r7/infra/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" r7/infra/environments/
spec r7/infra demo 1.33
(cd r7 && git init -q . && cd infra && "$ERAGEN" build --quiet >/dev/null 2>&1 && cd .. &&
	git add -A && git commit -qm initial) || fail "r7: cannot set up"
run_in r7/infra/environments 0 "install from the directory holding environments/" hook install
has "\"\$eragen\" -C 'infra' check --staged" "the hook runs eragen in infra/" "$(hook_of r7)"
broken r7/infra demo
(cd r7 && git add -A)
commit 1 "environments/ in a subdirectory: a broken spec is refused" r7
has "environments/demo/env.yaml:8:1: error\[SPEC" "subdirectory diagnostic" cout

# 9. the binary: an eragen on PATH that is the installing binary is named as PATH has it
newrepo r8
mkdir -p bin
ln -sf "$ERAGEN" bin/eragen
(PATH="$PWD/bin:$PATH" && export PATH && cd r8 && bin_eragen=$(command -v eragen) &&
	[ "$bin_eragen" = "$OLDPWD/bin/eragen" ] && eragen hook install >/dev/null) ||
	fail "install through PATH"
has "^eragen='$PWD/bin/eragen'$" "PATH's name for the same binary" "$(hook_of r8)"
# a binary that is gone: the hook says so and refuses (no eragen on PATH)
sed "s|^eragen=.*|eragen='$PWD/gone/eragen'|" "$(hook_of r8)" >gone-hook
(cd r8 && PATH=/usr/bin:/bin sh ../gone-hook) >cout 2>&1
[ $? -eq 1 ] && ok "a missing binary fails the hook" || fail "a missing binary did not fail the hook"
has "cannot run '$PWD/gone/eragen'" "missing binary message" cout

# -C DIR, before and after the command
newrepo r10
run_in . 0 "-C DIR before the command" -C r10/environments hook install
[ -x "$(hook_of r10)" ] && ok "-C DIR: installed in r10" || fail "-C DIR: not installed in r10"
run_in . 0 "-C DIR after the command" hook uninstall -C r10
[ ! -e "$(hook_of r10)" ] && ok "-C DIR: uninstalled from r10" || fail "-C DIR: not uninstalled"

# 10. .pre-commit-hooks.yaml: two hooks, run as the framework runs them (sh -c ENTRY, top)
pch=$top/.pre-commit-hooks.yaml
/usr/bin/python3 - "$pch" >entries <<'PY' || fail ".pre-commit-hooks.yaml is not as expected"
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
ids = [h["id"] for h in hooks]
assert ids == ["eragen-lint", "eragen-check"], ids
want = {"eragen-lint": "eragen lint --staged", "eragen-check": "eragen check --staged"}
for h in hooks:
    for key in ("id", "name", "entry", "language", "description"):
        assert isinstance(h.get(key), str) and h[key], (h.get("id"), key)
    assert h["entry"] == want[h["id"]], h
    assert h["language"] == "system", h
    assert h["pass_filenames"] is False and h["always_run"] is True, h
    print(h["id"], h["entry"])
PY
[ "$(wc -l <entries)" -eq 2 ] && ok ".pre-commit-hooks.yaml: 2 hooks checked" ||
	fail ".pre-commit-hooks.yaml: checked $(wc -l <entries) hooks, want 2"
newrepo r9
while read -r id entry; do
	(cd r9 && PATH="$OLDPWD/bin:$PATH" sh -c "$entry") >cout 2>&1 &&
		ok "$id on a clean repository" || { fail "$id on a clean repository"; cat cout; }
	broken r9 demo
	(cd r9 && git add -A && PATH="$OLDPWD/bin:$PATH" sh -c "$entry") >cout 2>&1
	[ $? -eq 1 ] && ok "$id on a staged broken spec: exit 1" ||
		{ fail "$id on a staged broken spec"; cat cout; }
	git -C r9 reset -q --hard
done <entries

summary hook 51

#!/bin/sh
# Hostile repositories and places, as a user or another program can leave them:
#   1. hooks outside the repository (a global core.hooksPath, '../x', .git/hooks leading
#      out): install refuses without --force, --force never replaces a hook others run,
#      uninstall removes only the hook installed for this repository;
#   2. --staged reads every input from the index: a SOPS file deleted but not staged, an
#      environments/ missing from the work tree (a sparse checkout), GIT_INDEX_FILE for
#      `changed --staged`;
#   3. git submodules under environments/ (checked out, not checked out, a nested
#      repository, a gitlink among extra/ files) are never environments, and never a
#      change: no leak either (the sanitizer run judges that: any report fails a case);
#   4. an unusable place (no environments/ outside git, a -C that does not exist or is a
#      file, a bare repository) is a usage error: exit 2, saying what was looked for;
#   5. a FIFO where git keeps a file (the index, GIT_INDEX_FILE, config, the global
#      config, info/exclude, a .gitignore, a loose object, the pre-commit hook): a clear
#      refusal, never a hang.
# Every case fails on an eragen without the fixes (a wrong exit, a listed 'sub', a hang
# stopped by the timeout).
# ok never fails, so `test && ok || fail` is an if-then-else here
# shellcheck disable=SC2015
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# hermetic git: a home of our own (the global configuration is part of some cases)
git_home protocol.file.allow=always
: "${ERAGEN_DATADIR:=$top}"
export ERAGEN_DATADIR
# a hang is stopped after 10 s and fails the case (run_in)
RUN_TIMEOUT=10

spec() { # spec DIR NAME [EXTRA]: a valid environments/NAME/env.yaml under DIR
	mkdir -p "$1/environments/$2"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
${3:-}
YAML
}
newrepo() { # newrepo DIR: one environment, built and committed
	rm -rf "$1" && mkdir -p "$1/environments"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
	spec "$1" demo
	(cd "$1" && git init -q . && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A &&
		git commit -qm initial) || fail "newrepo $1: cannot set up"
}
foreign() { printf '#!/bin/sh\nexit 0\n# %s\n' "$2" >"$1" && chmod +x "$1"; }

# ---- 1. hooks outside the repository ----
newrepo h1
newrepo h2
mkdir -p shared
git config --global core.hooksPath "$PWD/shared/hooks"
run_in h1 1 "hooks: a global core.hooksPath is refused" hook install
has "outside the repository ('$PWD/h1')" "hooks: the message names the repository" err
has "'$PWD/shared/hooks'" "hooks: the message names the resolved directory" err
has "every repository of yours without a core.hooksPath of its own" "hooks: the message says who else runs it" err
has "hook install --force" "hooks: the message names the override" err
[ ! -e shared/hooks ] && ok "hooks: nothing created outside" || fail "hooks: shared/hooks created"
foreign shared/hooks-pre-commit "theirs"
mkdir -p shared/hooks && cp shared/hooks-pre-commit shared/hooks/pre-commit
run_in h1 0 "hooks: --force installs in the shared directory" hook install --force
has "outside this repository (--force)" "hooks: --force says where it went" out
has "installed by eragen hook install" "hooks: eragen's hook is there" shared/hooks/pre-commit
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit.local &&
	ok "hooks: --force outside keeps the foreign hook (chained)" ||
	fail "hooks: --force outside lost the hook other repositories run"
has "^eragen_repo='$PWD/h1'\$" "hooks: the hook records its repository" shared/hooks/pre-commit
run_in h1 0 "hooks: installing again is harmless" hook install
has "already installed" "hooks: already installed" out
run_in h2 1 "hooks: uninstall from another repository is refused" hook uninstall
has "was not installed for it ('$PWD/h2')" "hooks: uninstall says why" err
[ -e shared/hooks/pre-commit ] && ok "hooks: the shared hook stays" ||
	fail "hooks: uninstall from another repository removed the shared hook"
run_in h1 0 "hooks: uninstall from the installing repository" hook uninstall
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit &&
	ok "hooks: uninstall puts the foreign hook back" || fail "hooks: the foreign hook is not back"
# a foreign hook and pre-commit.local taken: --force outside never replaces it
cp shared/hooks-pre-commit shared/hooks/pre-commit.local
run_in h1 1 "hooks: --force outside never replaces a hook" hook install --force
has "outside this repository --force never replaces a hook" "hooks: replacement refused" err
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit && ok "hooks: untouched" ||
	fail "hooks: the shared hook was replaced"
git config --global --unset core.hooksPath
# '../x' in the repository's configuration
newrepo h3
git -C h3 config core.hooksPath ../h3-hooks
run_in h3 1 "hooks: core.hooksPath '../x' is refused" hook install
has "'$PWD/h3-hooks', outside the repository" "hooks: ../x resolved" err
has "this repository's core.hooksPath names it" "hooks: local origin told" err
[ ! -e h3-hooks ] && ok "hooks: ../x not created" || fail "hooks: ../x created"
# .git/hooks a symbolic link leading out
newrepo h4
rm -rf h4/.git/hooks && mkdir -p linked-hooks && ln -s "$PWD/linked-hooks" h4/.git/hooks
run_in h4 1 "hooks: .git/hooks leading out is refused" hook install
[ ! -e linked-hooks/pre-commit ] && ok "hooks: nothing written through the link" ||
	fail "hooks: written through .git/hooks"
# inside stays as it was: relative core.hooksPath under the top
git -C h3 config core.hooksPath .githooks
run_in h3 0 "hooks: core.hooksPath inside the work tree needs no --force" hook install
hasnt "eragen_repo=" "hooks: no repository line inside" h3/.githooks/pre-commit
# the pre-commit hook a FIFO: refused, never read
newrepo h5
mkfifo h5/.git/hooks/pre-commit
run_in h5 1 "hooks: a FIFO as the pre-commit hook is refused" hook install --force
has "is not a file" "hooks: FIFO hook message" err

# ---- 2. --staged reads the index only ----
newrepo s1
spec s1 demo 'auth: {mode: dummy, admins: [admin], dummy: {password: "sops:dummy.password"}}'
cp "$top/tests/check/AUTH006-near-key-present/environments/demo/secrets.yaml" s1/environments/demo/
(cd s1 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A && git commit -qm sops)
rm s1/environments/demo/secrets.yaml	# deleted in the work tree, not staged
run_in s1 0 "staged: the SOPS file comes from the index (lint)" lint --staged
hasnt "AUTH006" "staged: no AUTH006 for a file the index holds" err
run_in s1 0 "staged: the SOPS file comes from the index (check)" check --staged
run_in s1 1 "staged: plain lint sees the work tree" lint
has "AUTH006" "staged: plain lint reports the missing file" err
(cd s1 && git rm -q --cached environments/demo/secrets.yaml)
run_in s1 1 "staged: a staged deletion is seen" lint --staged
has "AUTH006" "staged: AUTH006 once the deletion is staged" err
# environments/ below the top, missing from the work tree (sparse checkout)
rm -rf s2 && mkdir -p s2/infra/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" s2/infra/environments/
spec s2/infra demo "bogus_key: 1"
(cd s2 && git init -q . && git add -A && git commit -qm infra) || fail "s2: cannot set up"
rm -rf s2/infra/environments
run_in s2/infra 1 "staged: the root is found in the index" lint --staged
has "environments/demo/env.yaml:7:1: error\[SPEC003\]" "staged: the staged spec judged" err
# GIT_INDEX_FILE (git commit -a, git commit PATH) for changed --staged
newrepo s3
cp s3/.git/index alt-index
spec s3 demo "tags: {Team: a}"
(cd s3 && GIT_INDEX_FILE=$PWD/../alt-index git add environments/demo/env.yaml)
GIT_INDEX_FILE=$PWD/alt-index run_in s3 0 "staged: changed --staged with GIT_INDEX_FILE" \
	changed --since HEAD --staged
has "^demo\$" "staged: changed reads the index GIT_INDEX_FILE names" out
run_in s3 0 "staged: changed --staged without it" changed --since HEAD --staged
hasnt "demo" "staged: the repository's index has no change" out

# ---- 3. submodules under environments/ ----
# (another repository: a chart, say; no env.yaml)
rm -rf subsrc && mkdir -p subsrc/templates
echo "apiVersion: v2" >subsrc/Chart.yaml && echo "{}" >subsrc/templates/x.yaml
(cd subsrc && git init -q . && git add -A && git commit -qm sub) || fail "subsrc: cannot set up"
newrepo m1
(cd m1 && git submodule add -q ../subsrc environments/sub && git commit -qm sub) ||
	fail "m1: cannot add the submodule"
run_in m1 0 "submodule: lint" lint
hasnt "sub" "submodule: not loaded as an environment" err
run_in m1 0 "submodule: lint --staged" lint --staged
hasnt "sub" "submodule: not an environment in the index" err
run_in m1 0 "submodule: check --staged" check --staged
echo "# dirty" >>m1/environments/sub/Chart.yaml
run_in m1 0 "submodule: changed --since HEAD~1 (added, dirty)" changed --since HEAD~1 --json
has '^{"environments":\[\],"removed":\[\]}$' "submodule: never a changed environment" out
run_in m1 0 "submodule: changed --since HEAD~1 --staged" changed --since HEAD~1 --staged
[ ! -s out ] && ok "submodule: nothing changed in the index" || { fail "submodule: listed"; cat out; }
# not checked out: an empty directory, a gitlink in the index
newrepo m2
(cd m2 && git update-index --add --cacheinfo "160000,$(git -C ../subsrc rev-parse HEAD),environments/sub" &&
	git commit -qm gitlink && mkdir environments/sub) || fail "m2: cannot add the gitlink"
run_in m2 0 "submodule: not checked out (lint)" lint
hasnt "environments/sub" "submodule: no SPEC012 for the empty directory" err
run_in m2 0 "submodule: not checked out (changed)" changed --since HEAD~1
[ ! -s out ] && ok "submodule: the gitlink is no change" || { fail "gitlink listed"; cat out; }
# a nested repository, not registered
newrepo m3
git clone -q subsrc m3/environments/sub
run_in m3 0 "submodule: nested repository (lint)" lint
hasnt "sub" "submodule: a nested repository is not an environment" err
run_in m3 0 "submodule: nested repository (changed)" changed --since HEAD
[ ! -s out ] && ok "submodule: a nested repository is no change" || { fail "nested listed"; cat out; }
# a gitlink among the extra files
newrepo m4
(cd m4 && git update-index --add --cacheinfo "160000,$(git -C ../subsrc rev-parse HEAD),environments/demo/extra/infra/sub.tf") ||
	fail "m4: cannot add the gitlink"
run_in m4 0 "submodule: a gitlink in extra/ (lint --staged)" lint --staged
hasnt "sub.tf" "submodule: the gitlink is not an extra file" err

# ---- 4. unusable places: exit 2 ----
mkdir -p plain
for c in lint build check "show demo" "diff a b" "changed --since HEAD" "init demo"; do
	# shellcheck disable=SC2086 # $c is a command line
	run_in plain 2 "place: no environments/, no git ($c)" $c
	has "no environments/ directory in '$PWD/plain' or any of its parents" "place: what was looked for ($c)" err
done
for c in lint "lint --staged" "hook install" "changed --since HEAD" "init demo"; do
	# shellcheck disable=SC2086
	run_in . 2 "place: -C that does not exist ($c)" -C "$PWD/nope" $c
	has "'-C $PWD/nope': no such directory" "place: -C message ($c)" err
done
: >afile
run_in . 2 "place: -C naming a file" lint -C afile
has "'-C afile': not a directory" "place: -C file message" err
git init -q --bare bare.git
for c in lint build check "show demo" "changed --since HEAD" "init demo" "lint --staged" \
	"hook install"; do
	# shellcheck disable=SC2086
	run_in bare.git 2 "place: bare repository ($c)" $c
	has "'$PWD/bare.git' is a bare repository" "place: bare message ($c)" err
done

# ---- 5. FIFOs where git keeps files: refused, never waited on ----
fifo() { # fifo REPO PATH: PATH (relative to REPO) replaced by a FIFO
	rm -rf "${1:?}/$2" && mkfifo "$1/$2"
}
newrepo f1 && fifo f1 .git/index
for c in "lint --staged" "check --staged" "changed --since HEAD" "changed --since HEAD --staged"; do
	# shellcheck disable=SC2086
	run_in f1 3 "fifo: .git/index ($c)" $c
	has "f1/.git/index' is not a regular file" "fifo: the index named ($c)" err
done
run_in f1 0 "fifo: plain lint does not read the index" lint
newrepo f2 && mkfifo alt-fifo
GIT_INDEX_FILE=$PWD/alt-fifo run_in f2 3 "fifo: GIT_INDEX_FILE" lint --staged
has "alt-fifo' is not a regular file" "fifo: GIT_INDEX_FILE named" err
newrepo f3 && fifo f3 .git/config
run_in f3 3 "fifo: .git/config" lint
has "f3/.git/config' is not a regular file" "fifo: config named" err
newrepo f4 && mv "$HOME/.gitconfig" gitconfig.saved && mkfifo "$HOME/.gitconfig"
run_in f4 3 "fifo: the global configuration" lint
has ".gitconfig' is not a regular file" "fifo: global config named" err
rm "$HOME/.gitconfig" && mv gitconfig.saved "$HOME/.gitconfig"
newrepo f5 && fifo f5 .git/info/exclude
run_in f5 3 "fifo: info/exclude (changed)" changed --since HEAD
has "info/exclude' is not a regular file" "fifo: exclude named" err
newrepo f6 && mkfifo f6/environments/.gitignore
run_in f6 3 "fifo: a .gitignore under environments/ (changed)" changed --since HEAD
has "environments/.gitignore' is not a regular file" "fifo: .gitignore named" err
newrepo f7
blob=$(git -C f7 rev-parse HEAD:environments/demo/env.yaml)
obj=f7/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)
rm -f "$obj" && mkfifo "$obj"
run_in f7 1 "fifo: a loose object read for --staged" lint --staged
has "SPEC012.*is not a regular file" "fifo: the object named" err

summary repo-hostile 101

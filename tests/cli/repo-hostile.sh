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
HOME=$PWD/home
rm -rf "$HOME" && mkdir -p "$HOME"
export HOME GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_GLOBAL XDG_CONFIG_HOME
: "${ERAGEN_DATADIR:=$top}"
export ERAGEN_DATADIR
git config --global user.name eragen
git config --global user.email eragen@example.org
git config --global commit.gpgsign false
git config --global init.defaultBranch main
git config --global protocol.file.allow always
sanitizer='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:'

# run WANT DESCRIPTION DIR ARGS...: eragen in DIR, stopped after 10 s (a hang: exit 124),
# stdout in ./out, stderr in ./err; any sanitizer report fails the case
run() {
	want=$1 what=$2 dir=$3
	shift 3
	(cd "$dir" && timeout 10 "$ERAGEN" "$@") >out 2>err
	rc=$?
	if [ "$rc" = 124 ]; then
		fail "$what: hung (stopped after 10 s)"
	elif grep -Eq "$sanitizer" err; then
		fail "$what: sanitizer report"; cat err
	elif [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, want $want"; cat out err
	else
		ok "$what"
	fi
}
has() { grep -q -- "$2" "$1" && ok "$3" || { fail "$3: no '$2' in $1:"; cat "$1"; }; }
hasnt() { ! grep -q -- "$2" "$1" && ok "$3" || { fail "$3: unexpected '$2' in $1:"; cat "$1"; }; }

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
run 1 "hooks: a global core.hooksPath is refused" h1 hook install
has err "outside the repository ('$PWD/h1')" "hooks: the message names the repository"
has err "'$PWD/shared/hooks'" "hooks: the message names the resolved directory"
has err "every repository of yours without a core.hooksPath of its own" \
	"hooks: the message says who else runs it"
has err "hook install --force" "hooks: the message names the override"
[ ! -e shared/hooks ] && ok "hooks: nothing created outside" || fail "hooks: shared/hooks created"
foreign shared/hooks-pre-commit "theirs"
mkdir -p shared/hooks && cp shared/hooks-pre-commit shared/hooks/pre-commit
run 0 "hooks: --force installs in the shared directory" h1 hook install --force
has out "outside this repository (--force)" "hooks: --force says where it went"
has shared/hooks/pre-commit "installed by eragen hook install" "hooks: eragen's hook is there"
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit.local &&
	ok "hooks: --force outside keeps the foreign hook (chained)" ||
	fail "hooks: --force outside lost the hook other repositories run"
has shared/hooks/pre-commit "^eragen_repo='$PWD/h1'\$" "hooks: the hook records its repository"
run 0 "hooks: installing again is harmless" h1 hook install
has out "already installed" "hooks: already installed"
run 1 "hooks: uninstall from another repository is refused" h2 hook uninstall
has err "was not installed for it ('$PWD/h2')" "hooks: uninstall says why"
[ -e shared/hooks/pre-commit ] && ok "hooks: the shared hook stays" ||
	fail "hooks: uninstall from another repository removed the shared hook"
run 0 "hooks: uninstall from the installing repository" h1 hook uninstall
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit &&
	ok "hooks: uninstall puts the foreign hook back" || fail "hooks: the foreign hook is not back"
# a foreign hook and pre-commit.local taken: --force outside never replaces it
cp shared/hooks-pre-commit shared/hooks/pre-commit.local
run 1 "hooks: --force outside never replaces a hook" h1 hook install --force
has err "outside this repository --force never replaces a hook" "hooks: replacement refused"
cmp -s shared/hooks-pre-commit shared/hooks/pre-commit && ok "hooks: untouched" ||
	fail "hooks: the shared hook was replaced"
git config --global --unset core.hooksPath
# '../x' in the repository's configuration
newrepo h3
git -C h3 config core.hooksPath ../h3-hooks
run 1 "hooks: core.hooksPath '../x' is refused" h3 hook install
has err "'$PWD/h3-hooks', outside the repository" "hooks: ../x resolved"
has err "this repository's core.hooksPath names it" "hooks: local origin told"
[ ! -e h3-hooks ] && ok "hooks: ../x not created" || fail "hooks: ../x created"
# .git/hooks a symbolic link leading out
newrepo h4
rm -rf h4/.git/hooks && mkdir -p linked-hooks && ln -s "$PWD/linked-hooks" h4/.git/hooks
run 1 "hooks: .git/hooks leading out is refused" h4 hook install
[ ! -e linked-hooks/pre-commit ] && ok "hooks: nothing written through the link" ||
	fail "hooks: written through .git/hooks"
# inside stays as it was: relative core.hooksPath under the top
git -C h3 config core.hooksPath .githooks
run 0 "hooks: core.hooksPath inside the work tree needs no --force" h3 hook install
hasnt h3/.githooks/pre-commit "eragen_repo=" "hooks: no repository line inside"
# the pre-commit hook a FIFO: refused, never read
newrepo h5
mkfifo h5/.git/hooks/pre-commit
run 1 "hooks: a FIFO as the pre-commit hook is refused" h5 hook install --force
has err "is not a file" "hooks: FIFO hook message"

# ---- 2. --staged reads the index only ----
newrepo s1
spec s1 demo 'auth: {mode: dummy, admins: [admin], dummy: {password: "sops:dummy.password"}}'
cp "$top/tests/check/AUTH006-near-key-present/environments/demo/secrets.yaml" s1/environments/demo/
(cd s1 && "$ERAGEN" build --quiet >/dev/null 2>&1 && git add -A && git commit -qm sops)
rm s1/environments/demo/secrets.yaml	# deleted in the work tree, not staged
run 0 "staged: the SOPS file comes from the index (lint)" s1 lint --staged
hasnt err "AUTH006" "staged: no AUTH006 for a file the index holds"
run 0 "staged: the SOPS file comes from the index (check)" s1 check --staged
run 1 "staged: plain lint sees the work tree" s1 lint
has err "AUTH006" "staged: plain lint reports the missing file"
(cd s1 && git rm -q --cached environments/demo/secrets.yaml)
run 1 "staged: a staged deletion is seen" s1 lint --staged
has err "AUTH006" "staged: AUTH006 once the deletion is staged"
# environments/ below the top, missing from the work tree (sparse checkout)
rm -rf s2 && mkdir -p s2/infra/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" s2/infra/environments/
spec s2/infra demo "bogus_key: 1"
(cd s2 && git init -q . && git add -A && git commit -qm infra) || fail "s2: cannot set up"
rm -rf s2/infra/environments
run 1 "staged: the root is found in the index" s2/infra lint --staged
has err "environments/demo/env.yaml:7:1: error\[SPEC003\]" "staged: the staged spec judged"
# GIT_INDEX_FILE (git commit -a, git commit PATH) for changed --staged
newrepo s3
cp s3/.git/index alt-index
spec s3 demo "tags: {Team: a}"
(cd s3 && GIT_INDEX_FILE=$PWD/../alt-index git add environments/demo/env.yaml)
GIT_INDEX_FILE=$PWD/alt-index run 0 "staged: changed --staged with GIT_INDEX_FILE" s3 \
	changed --since HEAD --staged
has out "^demo\$" "staged: changed reads the index GIT_INDEX_FILE names"
run 0 "staged: changed --staged without it" s3 changed --since HEAD --staged
hasnt out "demo" "staged: the repository's index has no change"

# ---- 3. submodules under environments/ ----
# (another repository: a chart, say; no env.yaml)
rm -rf subsrc && mkdir -p subsrc/templates
echo "apiVersion: v2" >subsrc/Chart.yaml && echo "{}" >subsrc/templates/x.yaml
(cd subsrc && git init -q . && git add -A && git commit -qm sub) || fail "subsrc: cannot set up"
newrepo m1
(cd m1 && git submodule add -q ../subsrc environments/sub && git commit -qm sub) ||
	fail "m1: cannot add the submodule"
run 0 "submodule: lint" m1 lint
hasnt err "sub" "submodule: not loaded as an environment"
run 0 "submodule: lint --staged" m1 lint --staged
hasnt err "sub" "submodule: not an environment in the index"
run 0 "submodule: check --staged" m1 check --staged
echo "# dirty" >>m1/environments/sub/Chart.yaml
run 0 "submodule: changed --since HEAD~1 (added, dirty)" m1 changed --since HEAD~1 --json
has out '^{"environments":\[\],"removed":\[\]}$' "submodule: never a changed environment"
run 0 "submodule: changed --since HEAD~1 --staged" m1 changed --since HEAD~1 --staged
[ ! -s out ] && ok "submodule: nothing changed in the index" || { fail "submodule: listed"; cat out; }
# not checked out: an empty directory, a gitlink in the index
newrepo m2
(cd m2 && git update-index --add --cacheinfo "160000,$(git -C ../subsrc rev-parse HEAD),environments/sub" &&
	git commit -qm gitlink && mkdir environments/sub) || fail "m2: cannot add the gitlink"
run 0 "submodule: not checked out (lint)" m2 lint
hasnt err "environments/sub" "submodule: no SPEC012 for the empty directory"
run 0 "submodule: not checked out (changed)" m2 changed --since HEAD~1
[ ! -s out ] && ok "submodule: the gitlink is no change" || { fail "gitlink listed"; cat out; }
# a nested repository, not registered
newrepo m3
git clone -q subsrc m3/environments/sub
run 0 "submodule: nested repository (lint)" m3 lint
hasnt err "sub" "submodule: a nested repository is not an environment"
run 0 "submodule: nested repository (changed)" m3 changed --since HEAD
[ ! -s out ] && ok "submodule: a nested repository is no change" || { fail "nested listed"; cat out; }
# a gitlink among the extra files
newrepo m4
(cd m4 && git update-index --add --cacheinfo "160000,$(git -C ../subsrc rev-parse HEAD),environments/demo/extra/infra/sub.tf") ||
	fail "m4: cannot add the gitlink"
run 0 "submodule: a gitlink in extra/ (lint --staged)" m4 lint --staged
hasnt err "sub.tf" "submodule: the gitlink is not an extra file"

# ---- 4. unusable places: exit 2 ----
mkdir -p plain
for c in lint build check "show demo" "diff a b" "changed --since HEAD" "init demo"; do
	# shellcheck disable=SC2086 # $c is a command line
	run 2 "place: no environments/, no git ($c)" plain $c
	has err "no environments/ directory in '$PWD/plain' or any of its parents" \
		"place: what was looked for ($c)"
done
for c in lint "lint --staged" "hook install" "changed --since HEAD" "init demo"; do
	# shellcheck disable=SC2086
	run 2 "place: -C that does not exist ($c)" . -C "$PWD/nope" $c
	has err "'-C $PWD/nope': no such directory" "place: -C message ($c)"
done
: >afile
run 2 "place: -C naming a file" . lint -C afile
has err "'-C afile': not a directory" "place: -C file message"
git init -q --bare bare.git
for c in lint build check "show demo" "changed --since HEAD" "init demo" "lint --staged" \
	"hook install"; do
	# shellcheck disable=SC2086
	run 2 "place: bare repository ($c)" bare.git $c
	has err "'$PWD/bare.git' is a bare repository" "place: bare message ($c)"
done

# ---- 5. FIFOs where git keeps files: refused, never waited on ----
fifo() { # fifo REPO PATH: PATH (relative to REPO) replaced by a FIFO
	rm -rf "${1:?}/$2" && mkfifo "$1/$2"
}
newrepo f1 && fifo f1 .git/index
for c in "lint --staged" "check --staged" "changed --since HEAD" "changed --since HEAD --staged"; do
	# shellcheck disable=SC2086
	run 3 "fifo: .git/index ($c)" f1 $c
	has err "f1/.git/index' is not a regular file" "fifo: the index named ($c)"
done
run 0 "fifo: plain lint does not read the index" f1 lint
newrepo f2 && mkfifo alt-fifo
GIT_INDEX_FILE=$PWD/alt-fifo run 3 "fifo: GIT_INDEX_FILE" f2 lint --staged
has err "alt-fifo' is not a regular file" "fifo: GIT_INDEX_FILE named"
newrepo f3 && fifo f3 .git/config
run 3 "fifo: .git/config" f3 lint
has err "f3/.git/config' is not a regular file" "fifo: config named"
newrepo f4 && mv "$HOME/.gitconfig" gitconfig.saved && mkfifo "$HOME/.gitconfig"
run 3 "fifo: the global configuration" f4 lint
has err ".gitconfig' is not a regular file" "fifo: global config named"
rm "$HOME/.gitconfig" && mv gitconfig.saved "$HOME/.gitconfig"
newrepo f5 && fifo f5 .git/info/exclude
run 3 "fifo: info/exclude (changed)" f5 changed --since HEAD
has err "info/exclude' is not a regular file" "fifo: exclude named"
newrepo f6 && mkfifo f6/environments/.gitignore
run 3 "fifo: a .gitignore under environments/ (changed)" f6 changed --since HEAD
has err "environments/.gitignore' is not a regular file" "fifo: .gitignore named"
newrepo f7
blob=$(git -C f7 rev-parse HEAD:environments/demo/env.yaml)
obj=f7/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)
rm -f "$obj" && mkfifo "$obj"
run 1 "fifo: a loose object read for --staged" f7 lint --staged
has err "SPEC012.*is not a regular file" "fifo: the object named"

echo "$checks checks passed, $fails failed"
[ "$checks" -gt 100 ] || fail "too few checks ran"
[ "$fails" -eq 0 ]

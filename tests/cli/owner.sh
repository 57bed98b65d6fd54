#!/bin/sh
# A repository owned by another user (libgit2's safe.directory check, as git's): eragen
# refuses it with one line that names the repository and how to trust it, exit 3, for
# lint, lint --staged, build --stage (which writes nothing), from a subdirectory, when only
# the top of the work tree is another user's, and for hook install; back to our own, it
# works. Giving a repository to another user takes chown, so this needs root: as another
# user it checks nothing, prints "skip: needs root: ..." and exits 77, which tests/run
# counts as a skip (never a pass). Everything else about git repositories is in staged.sh
# and hook.sh, which any user runs.
# shellcheck disable=SC2015 # "A && echo ok || fail": echo cannot fail
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root: chown, to make a repository another user's"
	exit 77
fi

# hermetic git: no user or system configuration (a safe.directory there would trust all)
HOME=$PWD/home
mkdir -p "$HOME"
export HOME GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CONFIG_GLOBAL XDG_CONFIG_HOME
other=65534 # nobody

# repo DIR: a committed git repository with one valid environment, 'demo'
repo() {
	rm -rf "$1" && mkdir -p "$1/environments/demo"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
	cat >"$1/environments/demo/env.yaml" <<YAML
eragen: 1
name: demo
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
	(cd "$1" && git_ init -q . && git_ add -A && git_ commit -qm base)
}

repo r
chown -R "$other" r
run_in r 3 "another user's repository: lint" lint
has "the repository at '.*/r' is owned by another user" "owner: message" err
has "safe.directory" "owner: how to trust it" err
oneline "owner: lint"
run_in r 3 "another user's repository: lint --staged" lint --staged
oneline "owner: lint --staged"
run_in r/environments/demo 3 "another user's repository: from a subdirectory" lint
run_in r 3 "another user's repository: build --stage" build --stage
[ ! -e r/out ] && ok "owner: build --stage wrote nothing" || fail "owner: build --stage wrote files"
run_in r 3 "another user's repository: hook install" hook install
has "owned by another user: git refuses to use it unless it is listed in safe.directory" \
	"owner: hook install message" err
[ ! -e r/.git/hooks/pre-commit ] && ok "owner: no hook installed" || fail "owner: a hook was installed"
chown 0 r/environments r/environments/demo r/.git
run_in r 3 "another user's work tree top only" lint
chown -R 0 r
run_in r 0 "owner: back to ours" lint --staged
run_in r 0 "owner: back to ours: hook install" hook install

summary owner

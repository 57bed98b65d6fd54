#!/bin/sh
# .pre-commit-hooks.yaml with the installed pre-commit framework (Debian 12 ships 3.0.4,
# which knows neither `stages: [pre-commit]` nor newer manifests): the manifest validates;
# a consumer repository that names a copy of this repository by path (a local
# .pre-commit-config.yaml, and `pre-commit try-repo`) runs both hooks offline: clean
# specs pass, a staged broken spec fails with its diagnostic, stale output fails
# eragen-check, and `pre-commit install` makes `git commit` run them.
# shellcheck disable=SC2015 # ok never fails: `test && ok || fail` is an if-then-else
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

command -v pre-commit >/dev/null 2>&1 ||
	{ fail "pre-commit is not installed (.ci/deps test installs it)"; exit 1; }
echo "pre-commit: $(pre-commit --version)"

# hermetic: no user configuration, pre-commit's cache here, no network needed
git_home
PRE_COMMIT_HOME=$PWD/pc-cache
mkdir -p bin
export PRE_COMMIT_HOME
# language: system runs the eragen on PATH; it finds the schemas and templates here
ln -sf "$ERAGEN" bin/eragen
PATH=$PWD/bin:$PATH ERAGEN_DATADIR=$top
export PATH ERAGEN_DATADIR

# pc WANT DESCRIPTION DIR ARGS...: pre-commit ARGS in DIR, output in ./pout
pc() {
	want=$1 what=$2 dir=$3
	shift 3
	(cd "$dir" && pre-commit "$@") >pout 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else fail "$what: exit $rc, want $want"; cat pout; fi
}

# 1. the manifest as the framework reads it
pc 0 "validate-manifest accepts .pre-commit-hooks.yaml" "$top" validate-manifest \
	"$top/.pre-commit-hooks.yaml"

# 2. the hooks repository: this repository's manifest, committed (the framework clones it)
rm -rf hooks && mkdir hooks && cp "$top/.pre-commit-hooks.yaml" hooks/
(cd hooks && git init -q . && git add -A && git commit -qm hooks) || fail "cannot set up hooks"
rev=$(git -C hooks rev-parse HEAD)

# 3. a consumer: one environment, built and committed, the config naming hooks by path
spec() {
	mkdir -p "$1/environments/$2"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
cluster: {kubernetes_version: "1.33"}
${3:-}
YAML
}
rm -rf c && mkdir -p c/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" c/environments/
spec c demo
cat >c/.pre-commit-config.yaml <<EOF
repos:
  - repo: $PWD/hooks
    rev: $rev
    hooks:
      - id: eragen-lint
      - id: eragen-check
EOF
(cd c && git init -q . && eragen build --quiet >/dev/null 2>&1 && git add -A &&
	git commit -qm initial) || fail "cannot set up the consumer"

pc 0 "both hooks pass on a clean repository" c run --all-files
has "eragen lint (staged environment specs).*Passed" "eragen-lint ran and passed" pout
has "eragen check (staged specs and generated output).*Passed" "eragen-check ran and passed" pout

# a broken spec, staged: both fail, with the diagnostic
spec c demo "clustre: {}"
git -C c add -A
pc 1 "a staged broken spec fails" c run --all-files
has "eragen lint (staged environment specs).*Failed" "eragen-lint failed" pout
has "env.yaml:8:1: error\[SPEC003\]" "the diagnostic is in the output" pout
git -C c reset -q --hard

# stale output: only eragen-check fails
sed 's/1\.33/1.34/' c/environments/demo/env.yaml >c.tmp && mv c.tmp c/environments/demo/env.yaml
git -C c add -A
pc 1 "staged stale output fails" c run eragen-check --all-files
pc 0 "eragen-lint passes the same tree" c run eragen-lint --all-files
git -C c reset -q --hard

# 4. try-repo: the hooks repository by path, without a config of its own
rm c/.pre-commit-config.yaml
pc 0 "try-repo eragen-lint on a clean repository" c try-repo "$PWD/hooks" eragen-lint \
	--all-files
spec c demo "clustre: {}"
git -C c add -A
pc 1 "try-repo eragen-check on a staged broken spec" c try-repo "$PWD/hooks" eragen-check \
	--all-files
has "error\[SPEC003\]" "try-repo: the diagnostic is in the output" pout
git -C c reset -q --hard

# 5. pre-commit install: git commit runs the hooks
pc 0 "pre-commit install" c install
spec c demo "clustre: {}"
git -C c add -A
before=$(git -C c rev-parse HEAD)
if (cd c && git commit -qm broken) >cout 2>&1; then crc=0; else crc=$?; fi
[ "$crc" -ne 0 ] && [ "$(git -C c rev-parse HEAD)" = "$before" ] &&
	ok "git commit of a broken spec is refused" || { fail "the broken commit went through"; cat cout; }
has "error\[SPEC003\]" "the commit shows the diagnostic" cout
git -C c reset -q --hard
echo "# a comment" >>c/environments/demo/env.yaml
git -C c add -A
(cd c && git commit -qm fine) >cout 2>&1 && ok "a good commit goes through" ||
	{ fail "a good commit was refused"; cat cout; }

summary cfg-precommit 14

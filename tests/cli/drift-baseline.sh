#!/bin/sh
# The rules that compare with a baseline revision (DRIFT003, DRIFT007) in real git
# repositories: an environment committed, then changed in the work tree. Also what gives
# no baseline at all (no repository, an unborn HEAD, a new environment, a baseline file
# that cannot be used), --base with an older commit or an unknown revision, and a
# repository whose environments live in a subdirectory of the work tree.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# run WANT_RC DESCRIPTION DIR ARGS...: eragen in DIR (run_in)
run() {
	want=$1 what=$2 dir=$3
	shift 3
	run_in "$dir" "$want" "$what" "$@"
}
has() { grep -q -- "$1" err || { fail "$2: no '$1' in:"; cat err; }; }
hasnt() { ! grep -q -- "$1" err || { fail "$2: unexpected '$1' in:"; cat err; }; }
quiet() { [ ! -s err ] && [ ! -s out ] || { fail "$1: expected no output:"; cat out err; }; }

commit() { (cd "$1" && git_ add -A && git_ commit -qm "$2"); }

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
repo() { # repo DIR: a fresh tree with the golden tests' _defaults.yaml
	rm -rf "$1" && mkdir -p "$1/environments"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
}

# 1. a committed environment changed in the work tree
repo r1 && (cd r1 && git_ init -q .)
spec r1 demo 1.33 "node_groups: {dask: {instance_types: [m5.xlarge]}}"
commit r1 baseline
run 0 "unchanged work tree" r1 lint
quiet "unchanged work tree"
spec r1 demo 1.34 "node_groups: {dask: {instance_types: [m5.xlarge], max: 8}}"
run 0 "near miss: one minor up, a group scaled" r1 lint
quiet "near miss: one minor up, a group scaled"
spec r1 demo 1.32 "node_groups: {dask: {instance_types: [m5.2xlarge]}}"
run 1 "downgrade and new instance types" r1 lint
has "error\[DRIFT003\]: Kubernetes version '1.32' is lower than '1.33' at HEAD" "downgrade"
has "warning\[DRIFT007\]: lowering the Kubernetes version" "downgrade replaces"
has "HEAD:environments/demo/env.yaml:7:31: note: '1.33' at HEAD (the baseline)" "baseline note"
has "warning\[DRIFT007\]: node group 'dask' instance_types changed" "instance types"
spec r1 demo 1.35
run 1 "two minors up" r1 lint
has "DRIFT003\]: Kubernetes version '1.35' is more than one minor version above '1.33'" "skip"
hasnt "DRIFT007" "an upgrade replaces nothing"
run 0 "--skip DRIFT003" r1 lint --skip DRIFT003
run 1 "JSON output" r1 lint --format json
grep -q '"file": *"HEAD:environments/demo/env.yaml"' out || { fail "JSON: no note in the baseline file"; cat out; }

# 2. --base: an older commit, an unknown revision
spec r1 demo 1.34
commit r1 "upgrade to 1.34"
spec r1 demo 1.35
run 0 "HEAD is 1.34: one minor up" r1 lint
quiet "HEAD is 1.34"
run 1 "--base HEAD~1 is 1.33: two minors up" r1 lint --base HEAD~1
has "DRIFT003\]: Kubernetes version '1.35' is more than one minor version above '1.33' at HEAD~1" "--base"
has "HEAD~1:environments/demo/env.yaml:7:31: note" "--base note path"
run 2 "--base an unknown revision" r1 lint --base no-such-rev
has "^eragen: --base 'no-such-rev' cannot be used: it is not a revision" "unknown --base (a usage error)"
hasnt "DRIFT003" "unknown --base compares nothing"

# 3. a new environment, absent at the baseline: nothing to compare
spec r1 fresh 1.30
sed -i 's/10.20.0.0/10.40.0.0/' r1/environments/fresh/env.yaml
run 0 "a new environment" r1 lint fresh
quiet "a new environment"
rm -rf r1/environments/fresh

# 4. a baseline that cannot be used is silent (history, not input)
printf 'eragen: 1\nname: demo\n\377\376 not utf-8\n' >r1/environments/demo/env.yaml
commit r1 "broken bytes"
spec r1 demo 1.30
run 0 "baseline with invalid UTF-8" r1 lint
quiet "baseline with invalid UTF-8"
printf 'eragen: 1\nname: demo\ncluster: {kubernetes_version: "1.34"\n' >r1/environments/demo/env.yaml
commit r1 "broken yaml"
spec r1 demo 1.30
run 0 "baseline with a YAML syntax error" r1 lint
quiet "baseline with a YAML syntax error"
printf 'eragen: 1\nname: demo\ntier: ephemeral\ncluster: {kubernetes_version: "1.34"}\n' \
	>r1/environments/demo/env.yaml
commit r1 "invalid spec"
spec r1 demo 1.30
run 0 "baseline that is not a valid spec" r1 lint
quiet "baseline that is not a valid spec"

# 5. no repository at all: no baseline, no error
repo r2
spec r2 demo 1.30
run 0 "no repository" r2 lint
quiet "no repository"
run 2 "--base without a repository" r2 lint --base HEAD
has "^eragen: --base 'HEAD' cannot be used: .* is not in a git repository" "--base without a repository (a usage error)"

# 6. an unborn HEAD: a repository without commits
repo r3 && (cd r3 && git_ init -q .)
spec r3 demo 1.30
run 0 "unborn HEAD" r3 lint
quiet "unborn HEAD"

# 7. environments in a subdirectory of the work tree; a parent through extends
rm -rf r4 && mkdir -p r4 && (cd r4 && git_ init -q .)
repo r4/infra
mkdir -p r4/infra/environments/_shared r4/infra/environments/child
cat >r4/infra/environments/_shared/env.yaml <<'YAML'
eragen: 1
name: _shared
tier: ephemeral
network: {vpc_cidr: 10.30.0.0/16}
cluster: {kubernetes_version: "1.33", name: hub-shared-base}
YAML
cat >r4/infra/environments/child/env.yaml <<'YAML'
eragen: 1
name: child
extends: _shared
tier: ephemeral
aws: {account_id: "123456789012"}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
commit r4 baseline
run 0 "subdirectory: unchanged" r4/infra lint
quiet "subdirectory: unchanged"
sed -i 's/"1.33", name: hub-shared-base/"1.32", name: hub-shared/' r4/infra/environments/_shared/env.yaml
run 1 "subdirectory: a parent changed" r4 lint -C infra
has "environments/_shared/env.yaml:5:31: error\[DRIFT003\]" "inherited downgrade"
has "HEAD:environments/_shared/env.yaml:5:31: note: '1.33' at HEAD" "parent's baseline note"
has "warning\[DRIFT007\]: cluster name changed from 'hub-shared-base' to 'hub-shared'" "renamed"
run 1 "subdirectory, from inside" r4/infra/environments lint
has "DRIFT003" "from inside"

# 8. a change in _defaults.yaml reaches every environment that inherits it
repo r5 && (cd r5 && git_ init -q .)
for n in east west; do
	spec r5 $n 1.34
	sed -i -e '/kubernetes_version/d' r5/environments/$n/env.yaml
done
sed -i 's/10.20.0.0/10.21.0.0/' r5/environments/west/env.yaml
commit r5 baseline
run 0 "defaults: unchanged" r5 lint
quiet "defaults: unchanged"
sed -i 's/kubernetes_version: "1.34"/kubernetes_version: "1.33"/' r5/environments/_defaults.yaml
run 1 "defaults: lowered" r5 lint
has "environments/_defaults.yaml:[0-9]*:[0-9]*: error\[DRIFT003\]" "defaults: at the line that changed"
has "note: inherited by 'east', 'west'" "defaults: both environments"
run 1 "defaults: lint one environment" r5 lint west
has "error\[DRIFT003\]" "defaults: lint west"
# an unusable _defaults.yaml at the baseline: silent
printf '\376\377 not utf-8\n' >r5/environments/_defaults.yaml
commit r5 "broken defaults"
(cd r5 && git_ checkout -q HEAD~1 -- environments/_defaults.yaml)
run 0 "defaults: unusable at the baseline" r5 lint
quiet "defaults: unusable at the baseline"

[ "$fails" -eq 0 ]

#!/bin/sh
# The rules that compare with a baseline revision (DRIFT003, DRIFT007) in real git
# repositories: an environment committed, then changed in the work tree. Also what gives
# no baseline at all (no repository, an unborn HEAD, a new environment, a baseline file
# that cannot be used), --base with an older commit or an unknown revision, and a
# repository whose environments live in a subdirectory of the work tree.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

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
commit_all r1 baseline
run_in r1 0 "unchanged work tree" lint
quiet "unchanged work tree"
spec r1 demo 1.34 "node_groups: {dask: {instance_types: [m5.xlarge], max: 8}}"
run_in r1 0 "near miss: one minor up, a group scaled" lint
quiet "near miss: one minor up, a group scaled"
spec r1 demo 1.32 "node_groups: {dask: {instance_types: [m5.2xlarge]}}"
run_in r1 1 "downgrade and new instance types" lint
has "error\[DRIFT003\]: Kubernetes version '1.32' is lower than '1.33' at HEAD" "downgrade" err
has "warning\[DRIFT007\]: lowering the Kubernetes version" "downgrade replaces" err
has "HEAD:environments/demo/env.yaml:7:31: note: '1.33' at HEAD (the baseline)" "baseline note" err
has "warning\[DRIFT007\]: node group 'dask' instance_types changed" "instance types" err
spec r1 demo 1.35
run_in r1 1 "two minors up" lint
has "DRIFT003\]: Kubernetes version '1.35' is more than one minor version above '1.33'" "skip" err
hasnt "DRIFT007" "an upgrade replaces nothing" err
run_in r1 0 "--skip DRIFT003" lint --skip DRIFT003
run_in r1 1 "JSON output" lint --format json
grep -q '"file": *"HEAD:environments/demo/env.yaml"' out || { fail "JSON: no note in the baseline file"; cat out; }

# 2. --base: an older commit, an unknown revision
spec r1 demo 1.34
commit_all r1 "upgrade to 1.34"
spec r1 demo 1.35
run_in r1 0 "HEAD is 1.34: one minor up" lint
quiet "HEAD is 1.34"
run_in r1 1 "--base HEAD~1 is 1.33: two minors up" lint --base HEAD~1
has "DRIFT003\]: Kubernetes version '1.35' is more than one minor version above '1.33' at HEAD~1" "--base" err
has "HEAD~1:environments/demo/env.yaml:7:31: note" "--base note path" err
run_in r1 2 "--base an unknown revision" lint --base no-such-rev
has "^eragen: --base 'no-such-rev' cannot be used: it is not a revision" "unknown --base (a usage error)" err
hasnt "DRIFT003" "unknown --base compares nothing" err

# 3. a new environment, absent at the baseline: nothing to compare
spec r1 fresh 1.30
sed -i 's/10.20.0.0/10.40.0.0/' r1/environments/fresh/env.yaml
run_in r1 0 "a new environment" lint fresh
quiet "a new environment"
rm -rf r1/environments/fresh

# 4. a baseline that cannot be used is silent (history, not input)
printf 'eragen: 1\nname: demo\n\377\376 not utf-8\n' >r1/environments/demo/env.yaml
commit_all r1 "broken bytes"
spec r1 demo 1.30
run_in r1 0 "baseline with invalid UTF-8" lint
quiet "baseline with invalid UTF-8"
printf 'eragen: 1\nname: demo\ncluster: {kubernetes_version: "1.34"\n' >r1/environments/demo/env.yaml
commit_all r1 "broken yaml"
spec r1 demo 1.30
run_in r1 0 "baseline with a YAML syntax error" lint
quiet "baseline with a YAML syntax error"
printf 'eragen: 1\nname: demo\ntier: ephemeral\ncluster: {kubernetes_version: "1.34"}\n' \
	>r1/environments/demo/env.yaml
commit_all r1 "invalid spec"
spec r1 demo 1.30
run_in r1 0 "baseline that is not a valid spec" lint
quiet "baseline that is not a valid spec"

# 5. no repository at all: no baseline, no error
repo r2
spec r2 demo 1.30
run_in r2 0 "no repository" lint
quiet "no repository"
run_in r2 2 "--base without a repository" lint --base HEAD
has "^eragen: --base 'HEAD' cannot be used: .* is not in a git repository" "--base without a repository (a usage error)" err

# 6. an unborn HEAD: a repository without commits
repo r3 && (cd r3 && git_ init -q .)
spec r3 demo 1.30
run_in r3 0 "unborn HEAD" lint
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
commit_all r4 baseline
run_in r4/infra 0 "subdirectory: unchanged" lint
quiet "subdirectory: unchanged"
sed -i 's/"1.33", name: hub-shared-base/"1.32", name: hub-shared/' r4/infra/environments/_shared/env.yaml
run_in r4 1 "subdirectory: a parent changed" lint -C infra
has "environments/_shared/env.yaml:5:31: error\[DRIFT003\]" "inherited downgrade" err
has "HEAD:environments/_shared/env.yaml:5:31: note: '1.33' at HEAD" "parent's baseline note" err
has "warning\[DRIFT007\]: cluster name changed from 'hub-shared-base' to 'hub-shared'" "renamed" err
run_in r4/infra/environments 1 "subdirectory, from inside" lint
has "DRIFT003" "from inside" err

# 8. a change in _defaults.yaml reaches every environment that inherits it
repo r5 && (cd r5 && git_ init -q .)
for n in east west; do
	spec r5 $n 1.34
	sed -i -e '/kubernetes_version/d' r5/environments/$n/env.yaml
done
sed -i 's/10.20.0.0/10.21.0.0/' r5/environments/west/env.yaml
commit_all r5 baseline
run_in r5 0 "defaults: unchanged" lint
quiet "defaults: unchanged"
sed -i 's/kubernetes_version: "1.34"/kubernetes_version: "1.33"/' r5/environments/_defaults.yaml
run_in r5 1 "defaults: lowered" lint
has "environments/_defaults.yaml:[0-9]*:[0-9]*: error\[DRIFT003\]" "defaults: at the line that changed" err
has "note: inherited by 'east', 'west'" "defaults: both environments" err
run_in r5 1 "defaults: lint one environment" lint west
has "error\[DRIFT003\]" "defaults: lint west" err
# an unusable _defaults.yaml at the baseline: silent
printf '\376\377 not utf-8\n' >r5/environments/_defaults.yaml
commit_all r5 "broken defaults"
(cd r5 && git_ checkout -q HEAD~1 -- environments/_defaults.yaml)
run_in r5 0 "defaults: unusable at the baseline" lint
quiet "defaults: unusable at the baseline"

summary drift-baseline

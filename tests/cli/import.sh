#!/bin/sh
# `eragen import` on the three real environments' tfvars (tests/fixtures/real-deployment/
# tofu_era): each writes a spec that validates against the schema (no SPEC003/4/6: the
# mapping's keys and values are the spec's), keeps the real values and the live identity
# settings, and is linted (the exit status is the lint's: the real defects remain); with
# the one value no variable has filled in, cae-dev lints with no error. The mapping covers
# every variable of variables.tf. An existing spec is never overwritten; --stdout writes
# nothing; the same input gives the same bytes.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
real="$top/tests/fixtures/real-deployment/tofu_era"
map="$top/schemas/tofu-era-variables.json"

# the mapping: every variable of variables.tf, each mapped or unmapped with a reason
if python3 - "$real/variables.tf" "$map" >map.out 2>&1 <<'PY'
import json, re, sys
declared = re.findall(r'^variable "(\w+)" \{', open(sys.argv[1]).read(), re.M)
m = json.load(open(sys.argv[2]))["variables"]
assert len(declared) == 99, len(declared)
assert sorted(declared) == sorted(m), set(declared) ^ set(m)
for k, v in m.items():
    assert v.get("to") or v.get("unmapped"), k
    assert not v.get("unmapped") or len(v["unmapped"]) > 10, k
print(len(m), sum(1 for v in m.values() if v.get("to")), "mapped")
PY
then ok "mapping: $(cat map.out)"; else fail "mapping"; cat map.out; fi

repo=$PWD/repo
rm -rf "$repo" && mkdir -p "$repo/environments" && (cd "$repo" && git init -q .)
for spec in cae:production:390197508439:10.5.0.0/16 cae-dev:development:992398409787:10.6.0.0/16 \
	cae-testing:ephemeral:992398409787:10.7.0.0/16; do
	env=${spec%%:*} rest=${spec#*:}
	tier=${rest%%:*} rest=${rest#*:}
	account=${rest%%:*} vpc=${rest#*:}
	src="$real/environments/$env"
	run_in "$repo" 1 "import $env: lint runs (the real defects remain)" import "$env" \
		--tfvars "$src/terraform.tfvars" --backend "$src/backend.tfvars" --tier "$tier"
	f="$repo/environments/$env/env.yaml"
	has "created environments/$env/env.yaml" "import $env: says what it wrote" out
	hasnt 'SPEC00[346]' "import $env: the spec matches the schema" err
	has "account_id: \"$account\"  # backend.tfvars" "import $env: account from the backend" "$f"
	has "vpc_cidr: \"$vpc\"  # terraform.tfvars:" "import $env: the real VPC" "$f"
	has "cluster_role: jupyterhub-.*-cluster-role" "import $env: the live cluster role" "$f"
	has "bootstrap_creator_admin: true" "import $env: the creator's admin entry kept" "$f"
	has "tagSpecification_2: \"KubernetesCluster=jupyterhub-" "import $env: StorageClass parameters" "$f"
	has "legacy state is 'terraform.tfstate'" "import $env: the legacy key named" "$f"
	has "^#   admin_email = " "import $env: unmapped variables listed" "$f"
	case $env in
	cae | cae-dev) has "error\[SPEC005\]: missing required key 'user_pool_id'" \
		"import $env: the pool id no variable has is asked for" err ;;
	cae-testing) has "error\[SCHED006\]" "import $env: the real deployment's defect found" err ;;
	esac
done
has "name: jupyterhub-testing-cae-testing" "cae-testing keeps its live cluster name" \
	"$repo/environments/cae-testing/env.yaml"
has "name: cadcat-tmp" "cae keeps its existing scratch bucket" "$repo/environments/cae/env.yaml"

# cae-dev with the pool id filled in: no error of the spec's own left, only the real
# deployment's defects (SCHED006: 4-core workers on 2-vCPU types) and the secrets file
# this repository lacks (AUTH006)
sed -i 's/^  cognito:$/  cognito:\n    user_pool_id: us-west-1_iIJnsmn4m/' "$repo/environments/cae-dev/env.yaml"
run_in "$repo" 1 "cae-dev, pool id filled in: lint" lint cae-dev --format json
hasnt '"rule": "SPEC' "cae-dev: a valid spec" out
if grep '"severity": "error"' -B3 out | grep '"rule"' | grep -v 'SCHED006\|AUTH006' >rules.out; then
	fail "cae-dev: errors besides the known ones:"; cat rules.out
else
	ok "cae-dev: the errors are the real deployment's"
fi

# never over an existing spec; --stdout writes nothing; the same bytes each time
src="$real/environments/cae-dev"
cp "$repo/environments/cae-dev/env.yaml" before.yaml
run_in "$repo" 2 "import over an existing spec: usage error" import cae-dev --tfvars "$src/terraform.tfvars"
has "exists already" "says why" err
cmp -s before.yaml "$repo/environments/cae-dev/env.yaml" && ok "the existing spec is untouched" ||
	fail "the existing spec changed"
rm -rf "$repo/environments/cae-dev"
run_in "$repo" 0 "--stdout" import cae-dev --tfvars "$src/terraform.tfvars" --stdout
[ ! -e "$repo/environments/cae-dev" ] && ok "--stdout writes nothing" || fail "--stdout wrote a file"
cp out one.yaml
run_in "$repo" 0 "--stdout again" import cae-dev --tfvars "$src/terraform.tfvars" --stdout
cmp -s one.yaml out && ok "same input, same bytes" || fail "output differs between runs"
run_in "$repo" 1 "a tfvars of another environment" import other --tfvars "$src/terraform.tfvars"
has "'environment' is 'cae-dev', not the environment imported ('other')" "environment checked" err
[ ! -e "$repo/environments/other" ] && ok "refused: nothing written" || fail "refused, but written"
run_in "$repo" 2 "no --tfvars: usage error" import xx
run_in "$repo" 2 "a bad tier: usage error" import xx --tfvars "$src/terraform.tfvars" --tier prod
run_in "$repo" 2 "an invalid name: usage error" import Bad_Name --tfvars "$src/terraform.tfvars"
run_in "$repo" 3 "a missing file" import xx --tfvars nonexistent.tfvars
summary import

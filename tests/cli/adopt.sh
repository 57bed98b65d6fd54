#!/bin/sh
# The real deployment's adoption, end to end: `eragen import` of cae-dev's real tfvars,
# then `eragen adopt` of its legacy state (tests/fixtures/real-deployment/tofu_era/state/
# cae-dev.tfstate, written from what tofu_era's modules create). Passes when the only
# replacement is the dask node group (stateless, acknowledged with a reason: exit 0),
# none of a stateful type (schemas/adopt-types.json), every generated resource of a type
# adopt knows is imported or deliberately created (the two roles tofu_era named otherwise,
# the private route tables and routes of the AZs beyond the first, the CI role's access
# entry), the same state as 'tofu show -json' gives the same pairs, and every
# import block's address is a resource of the stack it lands in (the built stack parsed
# with HashiCorp's HCL parser); the shipped cae-dev, with the live identity settings,
# adopts the same state replacing only the acknowledged dask group.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
real="$top/tests/fixtures/real-deployment"
state="$real/tofu_era/state/cae-dev.tfstate"
V=$top/tests/validators

repo=$PWD/repo
rm -rf "$repo" && mkdir -p "$repo/environments" && (cd "$repo" && git_ init -q .)
src="$real/tofu_era/environments/cae-dev"
run_in "$repo" 1 "import cae-dev" import cae-dev --tfvars "$src/terraform.tfvars" \
	--backend "$src/backend.tfvars"
spec="$repo/environments/cae-dev/env.yaml"
# what the import cannot know, and the two real defects the shipped cae-dev fixes (SCHED006)
cp "$real/environments/cae-dev/secrets.yaml" "$repo/environments/cae-dev/"
sed -i 's/^  cognito:$/  cognito:\n    user_pool_id: us-west-1_iIJnsmn4m/
	s/^  worker_cores_max: 4 .*/  worker_cores_max: 1.5/
	s/^  worker_memory_max_gb: 16 .*/  worker_memory_max_gb: 6/' "$spec"
run_in "$repo" 0 "the imported spec lints with no error" lint cae-dev

# unacknowledged: the dask group only, exit 1
run_in "$repo" 1 "adopt: one replacement, unacknowledged" adopt cae-dev --state "$state" \
	--dry-run --format json
cp out first.json
check_json() { # FILE WHAT: python asserts on the report
	python3 - "$1" "$top/schemas/adopt-types.json" "$2" >py.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); a = r["adopt"]
types = json.load(open(sys.argv[2]))["types"]
what = sys.argv[3]
kind = lambda addr: addr.split(".")[0]
if what == "replaced":
    assert [x["address"] for x in a["replaced"]] == ["aws_eks_node_group.dask"], a["replaced"]
    assert all(d["rule"] == "ADOPT001" for d in r["diagnostics"]), r["diagnostics"]
    stateful = [x["address"] for x in a["replaced"] if types.get(kind(x["address"]), {}).get("stateful")]
    assert not stateful, stateful
elif what == "final":
    assert a["replaced"] and not [d for d in r["diagnostics"] if not d["suppressed"]], r["diagnostics"]
    created = sorted(x["address"] for x in a["created"])
    # deliberately created: the two roles tofu_era named otherwise, the per-AZ private
    # route tables and routes beyond the first AZ's (tofu_era had one table), the access
    # entry of the CI role (EKS made the creator's, in no state)
    import re
    allowed = re.compile(r'aws_iam_role\.(autoscaler|ebs_csi)$|aws_route_table\.private\["us-west-2[bcd]"\]$'
                         r'|aws_route\.private_nat\["us-west-2[bcd]"\]$'
                         r'|aws_eks_access_(entry|policy_association)\.admin\["arn:aws:iam::992398409787:role/github-actions-tofu-era"\]$')
    odd = [c for c in created if not allowed.match(c)]
    assert not odd, odd
    assert "aws_iam_role.autoscaler" in created, created
    imported = {x["address"] for x in a["imported"]}
    for must in ["aws_eks_cluster.this", "aws_vpc.this", 'aws_subnet.private["us-west-2d"]',
                 'aws_route_table_association.private["us-west-2c"]', "aws_route_table.public",
                 'aws_route_table.private["us-west-2a"]', 'aws_route.private_nat["us-west-2a"]',
                 'aws_eks_addon.before_nodes["vpc-cni"]',
                 'aws_eks_access_entry.admin["arn:aws:iam::992398409787:user/espg"]',
                 "aws_kms_key.eks", "aws_iam_role.cluster", "aws_iam_role.nodes",
                 "aws_s3_bucket.scratch", "kubernetes_storage_class_v1.gp3",
                 "kubernetes_namespace_v1.hub", "helm_release.daskhub",
                 "aws_cloudwatch_log_group.eks"]:
        assert must in imported, must
    for x in a["imported"] + a["replaced"]:
        assert x["id"], x
    legacy = set(a["legacy"])
    for must in ["module.kubernetes.kubernetes_config_map_v1_data.aws_auth",
                 "module.networking.aws_vpc_endpoint.s3", "module.kubecost[0].kubernetes_namespace.kubecost"]:
        assert must in legacy, must
    print(len(imported), "imported,", len(created), "created,", len(legacy), "left in the legacy state")
PY
}
check_json first.json replaced && ok "only the dask node group would be replaced: nothing stateful" ||
	{ fail "replacements"; cat py.out; }

# acknowledged with a reason: exit 0
cat >>"$spec" <<'YAML'
lint:
  ignore:
    - rule: ADOPT001
      path: node_groups.dask
      reason: "stateless workers: the new group replaces tofu_era's launch template"
YAML
run_in "$repo" 0 "adopt: every replacement acknowledged" adopt cae-dev --state "$state" --format json
cp out final.json
check_json final.json final && ok "report: $(cat py.out)" || { fail "report"; cat py.out; }
for stack in infra platform; do
	[ -s "$repo/environments/cae-dev/extra/$stack/adopt.tf" ] && ok "adopt.tf written for $stack" ||
		fail "no adopt.tf for $stack"
done
run_in "$repo" 0 "lint: the ADOPT001 acknowledgement is no stale suppression" lint cae-dev
hasnt SPEC011 "no SPEC011" err

# the same state as 'tofu show -json' prints it: the same pairs
python3 - "$state" >show.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
mods = {}
for r in s["resources"]:
    for i in r["instances"]:
        k = i.get("index_key")
        idx = "" if k is None else (f'["{k}"]' if isinstance(k, str) else f"[{k}]")
        mod = r.get("module")
        addr = (mod + "." if mod else "") + f'{r["type"]}.{r["name"]}{idx}'
        mods.setdefault(mod or "", []).append({"address": addr, "mode": r["mode"], "type": r["type"],
            "name": r["name"], "values": i["attributes"]})
root = {"resources": mods.pop("", []), "child_modules": [{"address": m, "resources": v} for m, v in mods.items()]}
json.dump({"format_version": "1.0", "terraform_version": "1.6.0", "values": {"outputs": {}, "root_module": root}}, sys.stdout)
PY
run_in "$repo" 0 "adopt of 'tofu show -json' output" adopt cae-dev --state "$PWD/show.json" --dry-run --format json
python3 -c "import json,sys; f=lambda p: sorted((x['address'], x['id']) for x in json.load(open(p))['adopt']['imported']); sys.exit(f('$PWD/final.json') != f('$PWD/out'))" &&
	ok "both shapes give the same imports" || fail "show -json pairs differ"

# the import blocks land on resources of the built stacks (parsed HCL)
run_in "$repo" 0 "build cae-dev (adopt.tf copied in)" build cae-dev
n=0
for stack in infra platform; do
	dir="$repo/out/cae-dev/$stack"
	[ -f "$dir/adopt.tf" ] && ok "$stack: adopt.tf in the stack" || fail "$stack: no adopt.tf in out/"
	if node "$V/hcl-check.js" --json "$dir"/*.tf >"$stack.json" 2>hcl.err; then
		if python3 - "$stack.json" >py.out 2>&1 <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
docs, dec, i = [], json.JSONDecoder(), 0
while i < len(text):
    if text[i].isspace():
        i += 1; continue
    d, i = dec.raw_decode(text, i); docs.append(d)
resources = {f"{t}.{n}" for d in docs for t, v in d.get("resource", {}).items() for n in v}
imports = [imp for d in docs for imp in d.get("import", [])]
assert imports, "no import blocks"
for imp in imports:
    to = re.sub(r"^\$\{|\}$", "", imp["to"])
    base = re.sub(r"\[.*$", "", to)
    assert base in resources, to
print(len(imports))
PY
		then n=$((n + $(cat py.out))); ok "$stack: every import block's address is a resource of the stack ($(cat py.out))"
		else fail "$stack: import addresses"; cat py.out; fi
	else
		fail "$stack: the stack does not parse"; cat hcl.err
	fi
done
[ "$n" -gt 30 ] && ok "$n import blocks checked" || fail "only $n import blocks"

# the shipped cae-dev carries the live identity settings: adopting the same state replaces
# nothing but the acknowledged dask group
run_in "$top" 0 "shipped cae-dev: every replacement avoided or acknowledged" adopt cae-dev \
	--state "$state" --dry-run --format json
check_json out replaced && ok "shipped cae-dev: only the dask group, nothing stateful" ||
	{ fail "shipped cae-dev"; cat py.out; }
summary adopt

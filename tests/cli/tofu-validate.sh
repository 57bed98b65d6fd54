#!/bin/sh
# tests/cli/tofu-validate.sh - the generated OpenTofu is what OpenTofu accepts.
#
# Builds the shipped environments (plus one with `state.lock: s3` and an extra/ file) in a
# temp copy of the repository, then runs on every generated .tf:
#   hcl-check.js      HashiCorp's HCL parser: every file parses
#   hcl-fmt-check.js  hclwrite.Format: every file is already `tofu fmt`-canonical
#   hcl-check.js --json + node: structural asserts (providers declared and pinned, taints
#                     in AWS spelling, ignore_changes per min/max and schedule, the S3
#                     backend with the derived bucket, key, region and lock)
# Each step counts what it checked and fails when it checked nothing.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
: "${ERAGEN:?set ERAGEN to the eragen binary}"
V=$top/tests/validators
# every step needs the one before: a failure ends the script
die() { fail "$*"; exit 1; }

work=$PWD/repo
rm -rf "$work" && mkdir "$work"
cp -r "$top/environments" "$top/schemas" "$top/templates" "$work/"
cd "$work"
git_ init -q .

# An environment with the S3 native lockfile (OpenTofu >= 1.10) and an escape-hatch file.
mkdir -p environments/s3lock/extra/infra
cp environments/cae-testing/secrets.yaml environments/s3lock/
cat >environments/s3lock/env.yaml <<'EOF'
eragen: 1
name: s3lock
extends: cae-testing
tier: ephemeral
network: {vpc_cidr: 10.9.0.0/16, nat: per_az}
state: {key: hub/terraform.tfstate, lock: s3}
ci: {tofu_version: "1.10.0"}
EOF
cat >environments/s3lock/extra/infra/bastion.tf <<'EOF'
resource "aws_security_group" "bastion" {
  name   = "${local.cluster_name}-bastion"
  vpc_id = aws_vpc.this.id
}
EOF

"$ERAGEN" build >build.out 2>&1 && ok "eragen build" || { cat build.out; die "eragen build failed"; }

find out -name '*.tf' | LC_ALL=C sort >files.txt
n=$(wc -l <files.txt)
[ "$n" -gt 0 ] || die "no .tf files generated"
for env in cae cae-dev cae-testing s3lock; do
	for stack in infra platform; do
		ls "out/$env/$stack/"*.tf >/dev/null 2>&1 && ok "out/$env/$stack: .tf files" ||
			die "no files in out/$env/$stack"
	done
done
ls out/_bootstrap/*/main.tf >/dev/null 2>&1 && ok "a bootstrap stack" || die "no bootstrap stack"
cmp -s environments/s3lock/extra/infra/bastion.tf out/s3lock/infra/bastion.tf &&
	ok "extra/infra/bastion.tf copied verbatim" || die "extra/infra/bastion.tf was not copied verbatim"

# shellcheck disable=SC2046
node "$V/hcl-check.js" $(cat files.txt) && ok "hcl-check: $n files parse" ||
	die "hcl2json rejected generated HCL"
# shellcheck disable=SC2046
node "$V/hcl-fmt-check.js" $(cat files.txt) && ok "hcl-fmt-check: $n files canonical" ||
	die "generated HCL is not fmt-canonical"

# shellcheck disable=SC2046
node "$V/hcl-check.js" --json $(cat files.txt) >parsed.json || die "hcl-check --json failed"
for env in cae cae-dev cae-testing s3lock; do
	"$ERAGEN" show "$env" --json >"spec-$env.json" || die "show $env failed"
done

cat >assert.js <<'EOF'
"use strict";
const fs = require("fs");
const files = fs.readFileSync("files.txt", "utf8").split("\n").filter(Boolean);
// hcl-check --json prints one pretty-printed document per file, in argument order.
const docs = fs.readFileSync("parsed.json", "utf8").split(/\n(?=\{\n)/).map(s => JSON.parse(s));
if (docs.length !== files.length) throw new Error(`${docs.length} documents for ${files.length} files`);
let checks = 0, errors = 0;
const bad = (where, msg) => { errors++; console.error(`${where}: ${msg}`); };
const ok = () => { checks++; };

// Group the parsed files by stack directory.
const stacks = {};
files.forEach((f, i) => {
  const dir = f.replace(/\/[^/]+$/, "");
  (stacks[dir] = stacks[dir] || []).push({ file: f, doc: docs[i] });
});
const builtin = new Set(["terraform"]);   // terraform_remote_state
const pinned = /^= ?\d+\.\d+\.\d+$/;
const effects = new Set(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]);
const abbr = r => r.split("-").map(w => ({ north: "n", south: "s", east: "e", west: "w", central: "c",
  northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw" })[w] || w).join("");

for (const [dir, list] of Object.entries(stacks)) {
  const declared = {}, used = new Set(), backends = [];
  let nodeGroups = {}, schedules = [];
  for (const { file, doc } of list) {
    for (const t of doc.terraform || []) {
      for (const rp of t.required_providers || [])
        for (const [name, p] of Object.entries(rp)) declared[name] = { ...p, file };
      if (t.backend) backends.push({ file, backend: t.backend });
    }
    for (const kind of ["resource", "data"])
      for (const type of Object.keys(doc[kind] || {})) used.add(type.split("_")[0]);
    for (const name of Object.keys(doc.provider || {})) used.add(name);
    Object.assign(nodeGroups, (doc.resource || {}).aws_eks_node_group || {});
    for (const [name, s] of Object.entries((doc.resource || {}).aws_autoscaling_schedule || {}))
      schedules.push({ name, ...s[0] });
  }
  // every provider used is declared, from registry.opentofu.org, pinned
  for (const p of used) {
    if (builtin.has(p)) continue;
    const d = declared[p];
    if (!d) { bad(dir, `provider '${p}' is used but not in required_providers`); continue; }
    if (!/^registry\.opentofu\.org\//.test(d.source || "")) bad(d.file, `provider '${p}' source '${d.source}'`);
    if (!pinned.test(d.version || "")) bad(d.file, `provider '${p}' version '${d.version}' is not pinned`);
    ok();
  }
  if (Object.keys(declared).length && !declared.aws) bad(dir, "aws provider not declared");
  if (declared.helm && !/^= ?2\./.test(declared.helm.version)) bad(dir, "helm provider is not 2.x");

  const m = dir.match(/^out\/([^/]+)\/(infra|platform)$/);
  if (!m) continue;
  const [, env, stack] = m;
  const spec = JSON.parse(fs.readFileSync(`spec-${env}.json`, "utf8"));

  // the S3 backend: derived bucket, key, region and lock
  if (backends.length !== 1) { bad(dir, `${backends.length} backend blocks`); continue; }
  const s3 = (backends[0].backend.s3 || [])[0];
  if (!s3) { bad(backends[0].file, "backend is not s3"); continue; }
  const region = spec.aws.region, account = spec.aws.account_id;
  const bucket = spec.state.bucket === "auto" || !spec.state.bucket
    ? `tofu-state-${spec.app}-${env}-${abbr(region)}-${account}` : spec.state.bucket;
  const key = stack === "infra" ? spec.state.key
    : spec.state.key.includes("/") ? spec.state.key.replace(/[^/]+$/, "platform.tfstate") : "platform.tfstate";
  if (s3.bucket !== bucket) bad(backends[0].file, `bucket '${s3.bucket}', expected '${bucket}'`);
  if (s3.key !== key) bad(backends[0].file, `key '${s3.key}', expected '${key}'`);
  if (s3.region !== region) bad(backends[0].file, `region '${s3.region}', expected '${region}'`);
  if (s3.encrypt !== true) bad(backends[0].file, "encrypt is not true");
  if (spec.state.lock === "s3") {
    if (s3.use_lockfile !== true || "dynamodb_table" in s3) bad(backends[0].file, "lock s3 without use_lockfile = true");
  } else if (s3.dynamodb_table !== `tofu-state-lock-${env}-${abbr(region)}` || "use_lockfile" in s3) {
    bad(backends[0].file, `dynamodb_table '${s3.dynamodb_table}'`);
  }
  ok();

  if (stack !== "infra") continue;
  // one node group per spec group, taints in AWS spelling, ignore_changes per min/max/schedule
  const groups = spec.node_groups;
  const byName = {};
  for (const [id, [ng]] of Object.entries(nodeGroups)) byName[ng.node_group_name] = { id, ng };
  if (Object.keys(nodeGroups).length !== Object.keys(groups).length)
    bad(dir, `${Object.keys(nodeGroups).length} node groups for ${Object.keys(groups).length} in the spec`);
  for (const [g, want] of Object.entries(groups)) {
    // names.node_groups (an identity setting) names a group as the live one is named
    const named = spec.names && spec.names.node_groups && spec.names.node_groups[g];
    const found = byName[named || `${spec.cluster.name}-${g}`];
    if (!found) { bad(dir, `no aws_eks_node_group for '${g}'`); continue; }
    const { id, ng } = found;
    const sc = ng.scaling_config[0];
    if (sc.min_size !== want.min || sc.max_size !== want.max || sc.desired_size !== want.desired)
      bad(dir, `node group '${g}': scaling ${JSON.stringify(sc)}`);
    if (ng.capacity_type !== (want.capacity === "spot" ? "SPOT" : "ON_DEMAND")) bad(dir, `'${g}' capacity_type`);
    const taints = ng.taint || [];
    if (taints.length !== (want.taints || []).length) bad(dir, `'${g}': ${taints.length} taints`);
    for (const t of taints) if (!effects.has(t.effect)) bad(dir, `'${g}': taint effect '${t.effect}'`);
    const ignore = ((ng.lifecycle || [])[0] || {}).ignore_changes || [];
    const scheduled = schedules.filter(s => s.autoscaling_group_name.includes(`aws_eks_node_group.${id}.`));
    const wantIgnore = [];
    if (want.min < want.max) wantIgnore.push("${scaling_config[0].desired_size}");
    if (want.schedule) wantIgnore.push("${scaling_config[0].min_size}");
    if (JSON.stringify(ignore) !== JSON.stringify(wantIgnore))
      bad(dir, `'${g}': ignore_changes ${JSON.stringify(ignore)}, expected ${JSON.stringify(wantIgnore)}`);
    if (scheduled.length !== (want.schedule ? 2 : 0)) bad(dir, `'${g}': ${scheduled.length} scheduled actions`);
    ok();
  }
}
console.log(`structure: ${checks} checks over ${files.length} files`);
if (errors) process.exit(1);
if (checks === 0) { console.error("structure: nothing checked"); process.exit(1); }
EOF
node assert.js && ok "structural asserts" || die "structural asserts failed"
summary tofu-validate

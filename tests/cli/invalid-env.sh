#!/bin/sh
# tests/cli/invalid-env.sh - an environment with schema errors still gets every check
# whose inputs are valid (DESIGN 8.3), and never one whose inputs are not:
#   - a typo (SPEC003) beside a clear-text secrets file and a VPC that overlaps another
#     environment's: SECRET002 and NET003 are reported too;
#   - a value the schema refuses is not judged: `capacity: spto` is a SPEC006, not also a
#     scheduling finding about an unknown capacity;
#   - every value of a complete spec, in turn replaced by a value of the wrong type: each
#     run reports the SPEC error, exits 1, and never crashes (the rules see the spec
#     without the refused value; run this under ASan/UBSan to see it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
fails=0
checks=0

r=$PWD/repo
rm -rf "$r"
mkdir -p "$r"
cp -r "$top/environments" "$r/"
(cd "$r" && git_ init -q . && git_ add -A && git_ commit -q -m shipped) || fail "git init"
run_in "$r" 0 "the shipped environments lint clean" lint --all

# ---- a typo does not hide other findings -------------------------------------------
t=$r/environments/cae-testing
dev_vpc=$(sed -n 's/^network: {vpc_cidr: \([0-9./]*\)}$/\1/p' "$r/environments/cae-dev/env.yaml")
[ -n "$dev_vpc" ] || fail "cae-dev's vpc_cidr not found"
sed -e 's/^tier:/tyer: x\ntier:/' -e "s|vpc_cidr: [0-9./]*|vpc_cidr: $dev_vpc|" "$t/env.yaml" >x &&
	mv x "$t/env.yaml"
printf 'dummy:\n    password: hunter2-in-clear\n' >"$t/secrets.yaml"
run_in "$r" 1 "lint: a typo, an overlapping VPC, a clear-text secrets file" lint --all
has "error\[SPEC003\]: unknown key 'tyer'" "the typo" err
has "environments/cae-testing/env.yaml:.*error\[NET003\]" "NET003 on the valid vpc_cidr" err
has "environments/cae-testing/secrets.yaml:.*error\[SECRET002\]" "SECRET002 on the secrets file" err
hasnt "hunter2" "the clear-text secret is never printed" err
(cd "$r" && git_ checkout -q -- . && git_ clean -qfd) || fail "reset"

# ---- a refused value is not judged ---------------------------------------------------
g=$r/environments/_defaults.yaml
grep -q 'capacity: spot' "$g" || fail "_defaults.yaml has no 'capacity: spot' to misspell"
sed 's/capacity: spot/capacity: spto/' "$g" >x && mv x "$g"
run_in "$r" 1 "lint: capacity: spto" lint --all
has "error\[SPEC006\]" "capacity: spto is refused" err
hasnt "SCHED010" "capacity: spto: no finding about the spot taint on an unknown capacity" err
(cd "$r" && git_ checkout -q -- .) || fail "reset"

# ---- every value of a complete spec, refused in turn -------------------------------
rm -rf variants
(cd "$r" && "$ERAGEN" show cae-dev --json) >full.json 2>/dev/null || fail "show cae-dev --json"
cp "$r/environments/cae-dev/secrets.yaml" secrets.yaml 2>/dev/null
/usr/bin/python3 - full.json variants <<'PY' || fail "variants"
import json, os, sys
spec = json.load(open(sys.argv[1]))
spec.pop("extends", None)
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
paths = []
def walk(v, path):
    paths.append(path)
    if isinstance(v, dict):
        for k in v:
            walk(v[k], path + [k])
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, path + [i])
walk(spec, [])
n = 0
for p in paths[1:]:
    if p[-1] in ("eragen", "name"):
        continue
    doc = json.loads(json.dumps(spec))
    parent = doc
    for k in p[:-1]:
        parent = parent[k]
    old = parent[p[-1]]
    if any(k in ("extra_values", "tags", "labels") for k in p):
        continue    # free-form: any value goes
    # the wrong type: a number where a map is, a map where anything else is
    parent[p[-1]] = 7 if isinstance(old, dict) else {"wrong": True}
    n += 1
    with open(os.path.join(out, "%04d.json" % n), "w") as f:
        json.dump(doc, f)
    with open(os.path.join(out, "%04d.path" % n), "w") as f:
        f.write(".".join(str(k) for k in p))
PY
total=$(ls variants/*.json 2>/dev/null | wc -l)
[ "$total" -ge 100 ] && ok "$total variants" || fail "only $total variants"
bad=0
for v in variants/*.json; do
	cp "$v" "$r/environments/cae-dev/env.yaml"
	path=$(cat "${v%.json}.path")
	before=$fails
	run_in "$r" 1 "$path" lint cae-dev >/dev/null
	grep -q 'error\[SPEC00[3-6]\]' err || fail "$path: no SPEC error: $(head -n 3 err)"
	[ "$fails" -eq "$before" ] || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && ok "every refused value: a SPEC error, exit 1, no crash" ||
	fail "$bad of $total variants failed"

summary invalid-env 8

#!/bin/sh
# The real deployment as it is (tests/fixtures/real-deployment, defects included) raises
# the findings its README lists, and not NET009 (no documentation range in it); the shipped
# environments, which fix those defects or acknowledge them with a reason, lint with exit 0
# and nothing above a note; show --placement exposes the SPOT-only anchor.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
fix="$top/tests/fixtures/real-deployment"

run_in "$fix" 1 "fixture: exit 1" lint --all --format json
cp out fixture.json
for rule in DRIFT001 NAME006 AUTH008 AUTH010 AUTH011 SCHED006 SCHED012 COMPAT002 DNS001 POLICY004 POLICY006 POLICY007; do
	has "\"rule\": \"$rule\"" "fixture raises $rule" fixture.json
	has "$rule" "fixture README lists $rule" "$fix/README.md"
done
if grep -q '"rule": "NET009"' fixture.json; then
	fail "fixture raises NET009, but it has no documentation range"
else
	ok "fixture does not raise NET009"
fi

# what they keep of the real deployment's findings is acknowledged next to the value, with
# the reason (a suppression without one is SPEC011): nothing else is above a note
run_in "$top" 0 "shipped environments: lint exits 0" lint --all --format json
if /usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["diagnostics"]
bad=[x for x in d if x["severity"] in ("error","warning") and not x.get("suppressed")]
sys.exit(1 if bad else 0)' out; then
	ok "shipped environments lint clean ($(grep -c '"suppressed": true' out) acknowledged)"
else
	fail "shipped environments are not clean"
	"$ERAGEN" -C "$top" lint --all
fi
run_in "$top" 0 "shipped environments pass --werror" lint --all --werror

# (its exit status says whether the fixture has errors: not what this is about)
"$ERAGEN" -C "$fix" show cae --placement >placement.txt 2>&1
if grep -A3 '^  dask_worker' placement.txt | grep -q 'eks.amazonaws.com/capacityType=SPOT'; then
	ok "show --placement names the dask workers' SPOT-only anchor"
else
	fail "show --placement does not show the SPOT anchor"
	cat placement.txt
fi
for env in cae cae-dev cae-testing; do
	run_in "$top" 0 "show $env --placement" show "$env" --placement
	has '^WORKLOAD' "show $env --placement: the matrix" out
done
summary real-deployment

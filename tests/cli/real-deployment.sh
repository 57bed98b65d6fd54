#!/bin/sh
# The real deployment as it is (tests/fixtures/real-deployment, defects included) raises
# the findings its README lists; the shipped environments, which fix those defects, lint
# with exit 0 and nothing above a note; show --placement exposes the SPOT-only anchor.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fix="$top/tests/fixtures/real-deployment"
fails=0

"$ERAGEN" -C "$fix" lint --all --format json >fixture.json 2>fixture.err
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL fixture: exit $rc, want 1"; cat fixture.err; fails=$((fails + 1)); }
for rule in DRIFT001 NAME006 AUTH008 AUTH010 SCHED006 SCHED012 COMPAT002 DNS001 POLICY004 POLICY006; do
	if grep -q "\"rule\": \"$rule\"" fixture.json; then
		echo "ok   fixture raises $rule"
	else
		echo "FAIL fixture does not raise $rule"
		fails=$((fails + 1))
	fi
	grep -q "$rule" "$fix/README.md" || { echo "FAIL fixture README does not list $rule"; fails=$((fails + 1)); }
done

"$ERAGEN" -C "$top" lint --all --format json >shipped.json 2>shipped.err
rc=$?
if [ "$rc" -ne 0 ] || grep -q '"severity": "\(error\|warning\)"' shipped.json; then
	echo "FAIL shipped environments are not clean (exit $rc)"
	"$ERAGEN" -C "$top" lint --all
	fails=$((fails + 1))
else
	echo "ok   shipped environments lint clean ($(grep -c '"rule"' shipped.json) notes)"
fi
"$ERAGEN" -C "$top" lint --all --werror >/dev/null 2>&1 || { echo "FAIL shipped environments fail --werror"; fails=$((fails + 1)); }

"$ERAGEN" -C "$fix" show cae --placement >placement.txt 2>&1
if grep -A3 '^  dask_worker' placement.txt | grep -q 'eks.amazonaws.com/capacityType=SPOT'; then
	echo "ok   show --placement names the dask workers' SPOT-only anchor"
else
	echo "FAIL show --placement does not show the SPOT anchor"
	cat placement.txt
	fails=$((fails + 1))
fi
for env in cae cae-dev cae-testing; do
	"$ERAGEN" -C "$top" show "$env" --placement >p.txt 2>&1 && grep -q '^WORKLOAD' p.txt ||
		{ echo "FAIL show $env --placement"; fails=$((fails + 1)); }
done
[ "$fails" -eq 0 ]

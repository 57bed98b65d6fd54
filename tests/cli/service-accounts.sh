#!/bin/sh
# service-accounts.sh - every service account the generated Helm values run pods as exists
# in the generated stacks, with its AWS role (tests/cli/service-accounts-assert.py): the
# users' account of the daskhub values, and Kubecost's, which the chart does not create
# (serviceAccount.create false) and the platform stack creates with its role and Pod
# Identity association before the release; the user role grants what the real one did.
# For the shipped environments (cae-testing has no Kubecost) and the layered golden tree;
# planted defects (a renamed account in the values, a missing association, a release that
# does not wait, a missing permission) are caught.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
PY=/usr/bin/python3
V=$top/tests/validators

# merged.json STACK_DIR: the stack's .tf files parsed by HashiCorp's HCL parser, merged
# into one document (blocks by type and name; locals listed)
merged() {
	# shellcheck disable=SC2046
	node "$V/hcl-check.js" --json $(ls "$1"/*.tf) | "$PY" -c '
import json, re, sys
docs = [json.loads(s) for s in re.split(r"\n(?=\{\n)", sys.stdin.read()) if s.strip()]
m = {"locals": []}
for d in docs:
    for kind in ("resource", "data"):
        for t, named in d.get(kind, {}).items():
            m.setdefault(kind, {}).setdefault(t, {}).update(named)
    m["locals"] += d.get("locals", [])
json.dump(m, sys.stdout)'
}

# judge ENV_OUT_DIR NAME: assert one environment's output
judge() {
	merged "$1/infra" >"$2.infra.json" && merged "$1/platform" >"$2.platform.json" ||
		{ echo "cannot parse the stacks of $1"; return 1; }
	"$PY" "$top/tests/cli/service-accounts-assert.py" "$1" "$2.infra.json" "$2.platform.json"
}

for tree in shipped layered; do
	repo="$PWD/$tree"
	mkdir -p "$repo"
	if [ "$tree" = shipped ]; then
		cp -r "$top/environments" "$top/schemas" "$top/templates" "$repo/"
	else
		cp -r "$top/tests/gen/layered/environments" "$repo/"
	fi
	(cd "$repo" && git_ init -q . && git_ add -A && git_ commit -qm init) ||
		{ fail "$tree: cannot create the test repository"; continue; }
	run_in "$repo" 0 "$tree: eragen build" build
	n=0
	for dir in "$repo"/out/*/; do
		env=$(basename "$dir")
		[ "$env" = _bootstrap ] && continue
		if judge "$repo/out/$env" "$tree-$env" >assert.out 2>&1; then
			ok "$tree/$env: $(tail -n 1 assert.out)"
			n=$((n + 1))
		else
			cat assert.out
			fail "$tree/$env: assertions"
		fi
	done
	[ "$n" -gt 1 ] || fail "$tree: $n environments checked"
done
[ -f shipped/out/cae-dev/platform/kubecost.tf ] && [ ! -e shipped/out/cae-testing/platform/kubecost.tf ] &&
	ok "platform/kubecost.tf exactly with Kubecost" || fail "platform/kubecost.tf with Kubecost off, or missing"

# the assertions catch what they are for
plant() {	# NAME FILE SED-EXPRESSION
	rm -rf "$1" && cp -r shipped/out/cae-dev "$1" && sed "$3" "shipped/out/cae-dev/$2" >"$1/$2"
	if cmp -s "$1/$2" "shipped/out/cae-dev/$2"; then
		fail "$1 plants nothing"
	elif judge "$1" "$1" >/dev/null 2>&1; then
		fail "service-accounts-assert.py accepts $1"
	else
		ok "service-accounts-assert.py rejects $1"
	fi
}
plant planted-sa-name helm/kubecost.yaml 's/name: kubecost-cost-analyzer/name: kubecost/'
plant planted-sa-create helm/kubecost.yaml 's/create: false/create: true/'
plant planted-user-sa helm/values.yaml '0,/serviceAccountName: [a-z0-9-]*/s//serviceAccountName: no-such-account/'
plant planted-no-pia platform/kubecost.tf '/^resource "aws_eks_pod_identity_association"/,/^}/d'
plant planted-no-wait platform/hub.tf '/aws_eks_pod_identity_association.kubecost,/d'
plant planted-actions platform/kubecost.tf '/"ce:GetCostForecast",/d'
plant planted-user-s3 infra/iam.tf '/"s3:DeleteObjectVersion",/d'
summary service-accounts

#!/bin/sh
# tests/cli/https.sh - HTTPS, provider authentication, the S3 endpoint and the names the
# values refer to, on the parsed output (DESIGN 8.1).
#
# Builds the shipped environments plus one per domain shape in a temp copy of the
# repository (tls acm with a zone, acm without one, acm at a zone's apex, existing with a
# zone, none with a name and zone and s3_endpoint: false, given network.subnets), then, on the .tf files through
# HashiCorp's HCL parser (hcl-check.js --json) and the values through a YAML parser:
#   https-assert.py   the certificate, its validation and records, the release's set, the
#                     NLB annotations and proxy.https, the hub's record, exec auth, S3 endpoint,
#                     the subnets (given, or derived)
#   stack-names.py    every service account, storage class, secret and certificate the
#                     values or releases name is created or read by the stacks
# Every file also parses and is fmt-canonical. Exits 1 on the first failed step.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
: "${ERAGEN:?set ERAGEN to the eragen binary}"
V=$top/tests/validators
die() { fail "$*"; exit 1; }

work=$PWD/repo
rm -rf "$work" && mkdir "$work"
cp -r "$top/environments" "$top/schemas" "$top/templates" "$work/"
cd "$work"
git_ init -q .

# mkenv NAME OCTET DOMAIN NETWORK-EXTRA: an environment like cae-testing with its own VPC
# 10.OCTET.0.0/16 and domain block
mkenv() {
	mkdir -p "environments/$1"
	cp environments/cae-testing/secrets.yaml "environments/$1/"
	printf 'eragen: 1\nname: %s\nextends: cae-testing\ntier: ephemeral\n' "$1" \
		>"environments/$1/env.yaml"
	printf 'network: {vpc_cidr: 10.%s.0.0/16%s}\ndomain: %s\n' "$2" "$4" "$3" \
		>>"environments/$1/env.yaml"
}
mkenv t-acm 31 '{name: acm.example.net, tls: acm, route53_zone: example.net}' ''
mkenv t-acm-nozone 32 '{name: nozone.example.net, tls: acm}' ''
mkenv t-apex 33 '{name: example.com, tls: acm, route53_zone: example.com}' ''
mkenv t-existing 34 '{name: ex.example.net, tls: existing, route53_zone: example.net, certificate_arn: "arn:aws:acm:us-west-2:992398409787:certificate/0b7c2f1e-3a5d-4e8f-9c1b-2d4e6f8a0b1c"}' ''
mkenv t-none 35 '{name: plain.example.net, tls: none, route53_zone: example.net}' ', s3_endpoint: false'
mkenv t-subnets 36 '{}' ', subnets: {public: [10.36.0.0/20, 10.36.16.0/20, 10.36.32.0/20, 10.36.48.0/20], private: [10.36.64.0/20, 10.36.80.0/20, 10.36.96.0/20, 10.36.112.0/20]}'
envs="cae cae-dev cae-testing t-acm t-acm-nozone t-apex t-existing t-none t-subnets"

"$ERAGEN" build >build.out 2>&1 && ok "eragen build" || { cat build.out; die "eragen build failed"; }
[ -f out/t-acm/infra/certificate.tf ] && ok "tls acm: infra/certificate.tf" ||
	die "tls acm: no infra/certificate.tf"
for e in t-existing t-none cae-testing; do
	[ ! -e "out/$e/infra/certificate.tf" ] && ok "$e: no infra/certificate.tf" ||
		fail "$e: infra/certificate.tf generated without a certificate to create"
done

find out -name '*.tf' | LC_ALL=C sort >files.txt
# shellcheck disable=SC2046
node "$V/hcl-check.js" $(cat files.txt) && ok "hcl-check: $(wc -l <files.txt) files parse" ||
	die "hcl2json rejected generated HCL"
# shellcheck disable=SC2046
node "$V/hcl-fmt-check.js" $(cat files.txt) && ok "hcl-fmt-check: files canonical" ||
	die "generated HCL is not fmt-canonical"
# shellcheck disable=SC2046
node "$V/hcl-check.js" --json $(cat files.txt) >parsed.json || die "hcl-check --json failed"
for e in $envs; do
	"$ERAGEN" show "$e" --json >"spec-$e.json" || die "show $e failed"
done

# shellcheck disable=SC2086
/usr/bin/python3 "$top/tests/cli/https-assert.py" . $envs && ok "https-assert" ||
	fail "https-assert"
# shellcheck disable=SC2086
/usr/bin/python3 "$top/tests/cli/stack-names.py" . $envs && ok "stack-names" ||
	fail "stack-names"

echo "https: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

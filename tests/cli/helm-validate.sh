#!/bin/sh
# helm-validate.sh - the generated Helm values (out/<env>/helm/values.yaml) against the real
# tools: yamllint (syntax, duplicate keys), then each subchart's coalesced values against
# its upstream values.schema.json with ajv, for the chart pair hub.chart_version pins
# (schemas/charts.json: daskhub 2024.1.1 -> z2jh 3.2.1 + dask-gateway 2024.1.0,
# main-e25bf51 -> z2jh 4.4.0 + dask-gateway 2026.3.0), then structural assertions the
# schemas cannot make (tests/cli/helm-values-assert.py): no null anywhere, image choices
# keyed by slug, profile node selectors and tolerations equal to the placement matrix,
# hub.extra_values deep-merged last, every spec string read back unchanged, the
# dask-gateway options snippet valid Python holding hub.image, no secret in the file.
#
# Besides the shipped environments, two test environments cover what they do not:
# GitHub auth on the main-e25bf51 chart with hostile strings, a digest image, own
# tolerations and extra_values with nulls (hx-gh); no profiles, no domain, culling and
# prepulling off (hx-np). The count of files checked must not be zero.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
V="$top/tests/validators"
S="$top/tests/schemas"
AJV="$V/node_modules/.bin/ajv"
PY=/usr/bin/python3

repo="$PWD/repo"
mkdir -p "$repo"
cp -r "$top/environments" "$top/schemas" "$top/templates" "$repo/"

# ---- the test environments ----
mkdir -p "$repo/environments/hx-gh" "$repo/environments/hx-np"
# a SOPS file with the keys hx-gh refers to (same metadata as cae-testing's)
awk '/^dummy:/ { print "github:"; next }
     /^    password: / { v = substr($0, 15); print "    client_id: " v; print "    client_secret: " v; next }
     { print }' "$top/environments/cae-testing/secrets.yaml" >"$repo/environments/hx-gh/secrets.yaml"
cp "$top/environments/cae-testing/secrets.yaml" "$repo/environments/hx-np/secrets.yaml"
cat >"$repo/environments/hx-gh/env.yaml" <<'EOF'
eragen: 1
name: hx-gh
extends: cae-testing
tier: ephemeral
network: {vpc_cidr: 10.91.0.0/16}
auth:
  mode: github
  admins: [octocat]
  allow_all_users: false
  allowed_users: ["yes", "0o17"]
  dummy: null
  github: {org: "my-org", client_id: "sops:github.client_id", client_secret: "sops:github.client_secret"}
domain: {name: hx-gh.example.org, tls: acm, route53_zone: example.org}
hub:
  chart_version: main-e25bf51
  default_url: "/lab/tree/a b#c"
  image: "ghcr.io/espg/cae-notebook:2025.01.10@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  custom_images: false
  image_choices:
    - slug: quotes
      image: "quay.io/x/y:1.0"
      display_name: "He said \"hi\" \\ back: # not a comment ${x} %{y} $(z) ${{ w }} \u2028 \u0085 \U0001F600"
      description: "Ünïcödé e\u0301 and a very long description that goes on and on so that the line is longer than any reasonable width, really: 'quotes' too"
    - {slug: default, image: "quay.io/x/z:2.0", display_name: "yes", description: "null", default: true}
  profiles:
    - slug: own
      display_name: "on"
      description: "1.30"
      cpu: {guarantee: 0.5, limit: 1}
      memory: {guarantee: 1073741824, limit: 2G}
      node_selector: {role: user, size: small}
      tolerations:
        - {key: hub.jupyter.org/dedicated, operator: Exists}
        - {key: lifecycle, value: spot, effect: NoExecute, tolerationSeconds: 30}
    - {slug: medium, display_name: "- dash: [x] {y} & *z !w | > ? % @ `", cpu: {guarantee: 1}, memory: {guarantee: 4G}, node_group: user-medium, image: "quay.io/x/m:3"}
    - {slug: plain, display_name: "~", cpu: {guarantee: 1}, memory: {guarantee: 4G}, default: true}
  extra_values:
    jupyterhub:
      cull: {every: null, maxAge: 86400}
      hub:
        extraEnv: {EXTRA_A: "a: b", EXTRA_N: "null"}
      singleuser:
        storage: {dynamic: null}
    extra-top: {list: [1, "two", {three: 3}], "key: with colon": true}
EOF
cat >"$repo/environments/hx-np/env.yaml" <<'EOF'
eragen: 1
name: hx-np
extends: cae-testing
tier: ephemeral
network: {vpc_cidr: 10.92.0.0/16}
hub:
  profiles: null
  custom_images: true
  prepull: false
  culling: {kernel_idle_s: 0, server_idle_s: 0}
dask: {worker_cores_max: 0.5, worker_memory_max_gb: 1.5, cluster_max_cores: 2, idle_timeout_s: 0}
storage: {class: standard-rwo, home_gb: 1}
EOF

(cd "$repo" && git_ init -q . && git_ add -A && git_ commit -qm init) ||
	{ fail "cannot create the test repository"; exit 1; }
run_in "$repo" 0 "eragen build" build
[ "$rc" -eq 0 ] || exit 1

files=$(cd "$repo" && find out -path '*/helm/values.yaml' | sort)
nfiles=$(printf '%s\n' "$files" | grep -c values.yaml)
nenvs=$(find "$repo/environments" -name env.yaml | grep -vc '/_')
[ "$nfiles" -gt 0 ] || { fail "no values.yaml was generated"; exit 1; }
[ "$nfiles" -eq "$nenvs" ] && ok "$nfiles values files, one per environment" ||
	fail "$nfiles values files for $nenvs environments"

# ---- yamllint: syntax, duplicate keys, style ----
# shellcheck disable=SC2086 # one argument per generated path (no spaces in them)
if (cd "$repo" && yamllint -s -c "$V/yamllint.yaml" $files); then
	ok "yamllint: $nfiles files"
else
	fail "yamllint"
fi

# ---- each subchart's coalesced values against its schema ----
echo '{}' >empty-parent.yaml
checked=0
for f in $files; do
	env=$(echo "$f" | cut -d/ -f2)
	"$ERAGEN" -C "$repo" show "$env" --json >"$env.spec.json" 2>/dev/null ||
		{ fail "$env: show --json"; continue; }
	pair=$("$PY" -c '
import json, sys
spec = json.load(open(sys.argv[1]))
charts = json.load(open(sys.argv[2]))["charts"]
c = [c for c in charts if c["version"] == spec["hub"]["chart_version"]][0]
print(c["z2jh"], c["dask_gateway"])' "$env.spec.json" "$repo/schemas/charts.json") ||
		{ fail "$env: no chart pair"; continue; }
	z2jh=${pair% *}
	dg=${pair#* }
	for sub in "jupyterhub z2jh-$z2jh" "dask-gateway dask-gateway-$dg"; do
		key=${sub% *}
		dir=${sub#* }
		[ -f "$S/$dir/values.schema.json" ] || { fail "$env: no schema $dir"; continue; }
		"$PY" "$V/helm-values.py" "$S/$dir/values.yaml" empty-parent.yaml "$key" \
			"$repo/$f" >"$env-$key.json" || { fail "$env: merge $key"; continue; }
		if "$AJV" validate --strict=false --all-errors --errors=line \
			-s "$S/$dir/values.schema.json" -d "$env-$key.json" >ajv.out 2>&1 &&
			grep -q ' valid$' ajv.out; then
			ok "$env: $key values valid against $dir"
			checked=$((checked + 1))
		else
			cat ajv.out
			fail "$env: $key values invalid against $dir"
		fi
	done
	if "$PY" "$top/tests/cli/helm-values-assert.py" "$env.spec.json" "$repo/$f" >assert.out 2>&1; then
		ok "$env: $(tail -n 1 assert.out)"
	else
		cat assert.out
		fail "$env: structural assertions"
	fi
done
# the assertions catch what they are for: a planted null, a choice keyed by image name
first=$(printf '%s\n' "$files" | head -n 1)
fenv=$(echo "$first" | cut -d/ -f2)
{ cat "$repo/$first"; echo "planted: null"; } >planted-null.yaml
sed 's/^\( *\)pangeo:$/\1"pangeo\/pangeo-notebook:2025.01.10":/' "$repo/$first" >planted-key.yaml
for planted in planted-null.yaml planted-key.yaml; do
	if "$PY" "$top/tests/cli/helm-values-assert.py" "$fenv.spec.json" "$planted" >/dev/null 2>&1; then
		fail "helm-values-assert.py accepts $planted"
	else
		ok "helm-values-assert.py rejects $planted"
	fi
done
cmp -s "$repo/$first" planted-key.yaml && fail "planted-key.yaml plants nothing" ||
	ok "planted-key.yaml plants a choice keyed by image name"

[ "$checked" -gt 0 ] || fail "no values file was validated"
[ "$checked" -eq $((2 * nfiles)) ] && ok "$checked subchart value sets validated, two per file" ||
	fail "validated $checked subchart value sets, want $((2 * nfiles))"
summary helm-validate

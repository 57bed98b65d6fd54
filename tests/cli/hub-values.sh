#!/bin/sh
# hub-values.sh - the notebook-server, culling, dask-gateway and Kubecost settings of the
# generated output, read back with a YAML parser (tests/cli/hub-values-assert.py), for
# the shipped environments (the live deployment's settings) and the layered golden tree
# (tests/gen/layered: overrides, worker_image default, no environment option, Kubecost
# placed on its own). The shipped ones also carry the live values themselves: user and
# group 1000, a 600 s start, shutdown on logout, the start hook that pulls the notebooks.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
PY=/usr/bin/python3

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
		"$ERAGEN" -C "$repo" show "$env" --json >"$tree-$env.json" 2>/dev/null ||
			{ fail "$tree/$env: show --json"; continue; }
		if "$PY" "$top/tests/cli/hub-values-assert.py" "$tree-$env.json" "$repo/out/$env" >assert.out 2>&1; then
			ok "$tree/$env: $(tail -n 1 assert.out)"
			n=$((n + 1))
		else
			cat assert.out
			fail "$tree/$env: assertions"
		fi
	done
	[ "$n" -gt 1 ] || fail "$tree: $n environments checked"
done

# the live values, in the shipped output
"$PY" - "$PWD/shipped/out" <<'PYEOF' >live.out 2>&1 && ok "shipped: the live settings" || { cat live.out; fail "shipped: the live settings"; }
import sys, yaml
out = sys.argv[1]
for env in ("cae", "cae-dev", "cae-testing"):
    v = yaml.safe_load(open(f"{out}/{env}/helm/values.yaml"))["jupyterhub"]
    su = v["singleuser"]
    assert (su["uid"], su["fsGid"], v["hub"]["config"]["KubeSpawner"]["gid"]) == (1000, 1000, 1000), env
    assert su["allowPrivilegeEscalation"] is True and su["startTimeout"] == 600, env
    assert v["hub"]["shutdownOnLogout"] is True, env
    assert su["extraEnv"]["PIP_USER"] == "1", env
    cmd = su["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert cmd[:2] == ["sh", "-c"] and cmd[2].endswith(
        "gitpuller https://github.com/cal-adapt/cae-notebooks main cae-notebooks || true\n"), env
    assert "\nPYEOF\n" in cmd[2] and "\nimport sys\n" in cmd[2], env
    assert "--MappingKernelManager.cull_connected=True" in v["hub"]["config"]["KubeSpawner"]["args"], env
print("ok")
PYEOF
# the assertions catch what they are for: a label left unsanitised, a dropped setting
cp -r shipped/out/cae-dev planted-label
sed 's/value = re.sub(r"\[^A-Za-z0-9._-\]", "_", name)\[:63\]/value = name/' \
	shipped/out/cae-dev/helm/values.yaml >planted-label/helm/values.yaml
cp -r shipped/out/cae-dev planted-logout
grep -v 'shutdownOnLogout' shipped/out/cae-dev/helm/values.yaml >planted-logout/helm/values.yaml
for planted in planted-label planted-logout; do
	if cmp -s "$planted/helm/values.yaml" shipped/out/cae-dev/helm/values.yaml; then
		fail "$planted plants nothing"
	elif "$PY" "$top/tests/cli/hub-values-assert.py" shipped-cae-dev.json "$planted" >/dev/null 2>&1; then
		fail "hub-values-assert.py accepts $planted"
	else
		ok "hub-values-assert.py rejects $planted"
	fi
done
summary hub-values

#!/bin/sh
# `eragen init ENV [--from ENV]` in a real git repository holding the shipped
# environments: the new spec lints clean (nothing reported about it), its VPC overlaps
# no other environment's VPC or peer, names are derived, every workload is placed; from
# a parent (development, production, abstract) it extends the parent and lints clean;
# existing, invalid, too long and unknown names are refused (exit 2) with nothing
# written; no temp file is left; a directory leading out of the repository is refused;
# in a repository without _defaults.yaml the complete spec stands on its own; `build`
# and `check` then work.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# clean NAME: `eragen lint NAME` exits 0 and prints nothing; `eragen lint` says nothing
# about NAME either
clean() {
	run_in "$r" 0 "lint $1: clean" lint "$1"
	quiet "lint $1"
	run_in "$r" 0 "lint (all) after init $1" lint
	hasnt "environments/$1/" "lint (all)" err
}

# vpc_free NAME: NAME's resolved VPC overlaps no other environment's VPC or peers
vpc_free() {
	for e in $(cd "$r/environments" && ls); do
		[ -d "$r/environments/$e" ] || continue
		case $e in _*) continue ;; esac
		(cd "$r" && "$ERAGEN" show "$e" --json) >"show-$e.json" 2>/dev/null ||
			{ fail "show $e --json"; return; }
	done
	/usr/bin/python3 - "$1" show-*.json <<'PY' || fail "$1: VPC overlaps (see above)"
import ipaddress, json, sys
new = sys.argv[1]
specs = {}
for path in sys.argv[2:]:
    with open(path) as f:
        s = json.load(f)
    specs[s["name"]] = s
mine = ipaddress.ip_network(specs[new]["network"]["vpc_cidr"])
assert mine.prefixlen == 16 and mine.subnet_of(ipaddress.ip_network("10.0.0.0/8")), mine
bad = 0
for name, s in sorted(specs.items()):
    nets = [] if name == new else [s["network"]["vpc_cidr"]]
    nets += s["network"].get("peers", [])
    for n in nets:
        if mine.overlaps(ipaddress.ip_network(n)):
            print(f"{new} {mine} overlaps {name}'s {n}")
            bad = 1
print(f"ok   {new}: VPC {mine} overlaps none of {len(specs) - 1} other environments")
sys.exit(bad)
PY
}

# derived NAME: cluster.name is derived (not written in the file)
derived() {
	(cd "$r" && "$ERAGEN" show "$1" --json --origin) >origin.json 2>/dev/null
	/usr/bin/python3 -c '
import json, sys
o = json.load(open("origin.json"))["origins"]
sys.exit(0 if o.get("cluster.name") == "derived" else 1)' ||
		fail "$1: cluster.name is not derived"
}

r=$PWD/repo
mkdir -p "$r"
cp -r "$top/environments" "$r/"
(cd "$r" && git_ init -q . && git_ add -A && git_ commit -q -m shipped) || fail "git init"
# a peer network of cae: the first free /16 must skip it too
sed 's|^network:|network:\n  peers: [10.0.0.0/15]|' "$r/environments/cae/env.yaml" >x &&
	mv x "$r/environments/cae/env.yaml"
run_in "$r" 0 "the shipped environments (with a peer) lint clean" lint

# ---- a complete spec --------------------------------------------------------------
run_in "$r" 0 "init fresh" init fresh
has "created environments/fresh/env.yaml" "init fresh" out
has "next:" "init fresh" out
has "secrets:" "init fresh" out
f=$r/environments/fresh/env.yaml
[ -f "$f" ] || fail "init fresh: no $f"
# the repository has no schemas/: the installed schema, which exists (tests/cli/cfg-schema.sh)
head -n 1 "$f" | grep -q '^# yaml-language-server: \$schema=/.*/schemas/environment.schema.json$' ||
	fail "init fresh: no schema modeline on line 1"
for w in hub proxy user_scheduler gateway dask_scheduler dask_worker notebook; do
	grep -q "^  $w: *{node_group: " "$f" || fail "init fresh: workload $w is not placed"
done
has "FILL IN" "init fresh: comments say what to fill in" "$f"
has "^tier: ephemeral" "init fresh" "$f"
has "vpc_cidr: 10.2.0.0/16" "init fresh: first /16 after the peer 10.0.0.0/15" "$f"
clean fresh
vpc_free fresh
derived fresh

# ---- from parents -------------------------------------------------------------------
run_in "$r" 0 "init kid --from cae-dev" init kid --from cae-dev
has "extends cae-dev" "init kid" out
k=$r/environments/kid/env.yaml
has "^extends: cae-dev" "init kid" "$k"
hasnt "node_groups" "init kid: only what must differ" "$k"
hasnt "kubernetes_version" "init kid: only what must differ" "$k"
clean kid
vpc_free kid
derived kid
run_in "$r" 1 "diff cae-dev kid" diff cae-dev kid
has "network.vpc_cidr" "diff cae-dev kid" out

run_in "$r" 0 "init prodkid --from cae (production, existing scratch bucket)" init prodkid --from cae
clean prodkid
vpc_free prodkid

# an abstract parent with a dummy password and an explicit cluster name and state bucket
mkdir -p "$r/environments/_base"
sed -e 's/^name: cae-testing/name: _base/' -e 's/^tier: ephemeral/tier: development/' \
	-e 's|^network: {vpc_cidr: 10.7.0.0/16}|network: {vpc_cidr: 10.99.0.0/16}\nstate: {bucket: shared-tofu-state-bucket}|' \
	-e 's|^cluster:|cluster:\n  name: base-cluster|' \
	"$top/environments/cae-testing/env.yaml" >"$r/environments/_base/env.yaml"
cp "$top/environments/cae-testing/secrets.yaml" "$r/environments/_base/"
run_in "$r" 0 "init abs --from _base" init abs --from _base
a=$r/environments/abs/env.yaml
has "^extends: _base" "init abs" "$a"
has "name: null" "init abs: explicit cluster name removed" "$a"
has "bucket: auto" "init abs: explicit state bucket replaced" "$a"
has "dummy: null" "init abs: the password (a secret it lacks) removed" "$a"
clean abs
vpc_free abs
derived abs

# ---- refusals: exit 2, nothing written ---------------------------------------------
before=$(cd "$r" && find environments -type f | LC_ALL=C sort | xargs cat | cksum)
run_in "$r" 2 "init an existing environment" init cae
has "exists already" "init cae" err
for bad in Bad x a- -a a_b _abs ../evil 'a/b' 'a b' abcdefghijabcdefghijabcdefghijabc; do
	run_in "$r" 2 "init '$bad' (invalid name)" init -- "$bad"
done
run_in "$r" 2 "init with a name too long for the derived buckets" init abcdefghij-klmnopqrst-uvwx
has "NAME002" "too long" err
run_in "$r" 2 "init with a word repeated in the cluster name" init jupyterhub-x
run_in "$r" 2 "init --from an unknown environment" init newer --from nope
has "unknown environment 'nope'" "--from nope" err
run_in "$r" 2 "init without a name" init
run_in "$r" 2 "init with two names" init one two
run_in "$r" 2 "init --from without a value" init one --from
after=$(cd "$r" && find environments -type f | LC_ALL=C sort | xargs cat | cksum)
[ "$before" = "$after" ] || fail "a refused init changed environments/"
[ ! -e "$r/environments/newer" ] || fail "init --from nope created a directory"
leftover=$(find "$r/environments" -name '.env.yaml.*' | wc -l)
[ "$leftover" -eq 0 ] || fail "temporary files left behind: $leftover"

# a directory that leads out of the repository is never written to
outside=$PWD/outside
mkdir -p "$outside"
ln -s "$outside" "$r/environments/escape"
run_in "$r" 3 "init into a symlink leading out of the repository" init escape
[ -z "$(ls -A "$outside")" ] || fail "init wrote outside the repository: $(ls -A "$outside")"
rm "$r/environments/escape"

# ---- the new environments build, and check passes -----------------------------------
run_in "$r" 0 "build" build
for e in fresh kid prodkid abs; do
	[ -f "$r/out/$e/helm/values.yaml" ] && [ -f "$r/out/$e/infra/main.tf" ] ||
		[ -n "$(ls "$r/out/$e/infra" 2>/dev/null)" ] || fail "build: no output for $e"
done
run_in "$r" 0 "check after build" check

# ---- from a subdirectory, with -C ---------------------------------------------------
mkdir -p "$r/docs/sub"
(cd "$r/docs/sub" && "$ERAGEN" init subenv) >out 2>err || { fail "init from a subdirectory"; cat out err; }
[ -f "$r/environments/subenv/env.yaml" ] || fail "init from a subdirectory: not at the root"
(cd / && "$ERAGEN" -C "$r" init cenv) >out 2>err || { fail "init -C"; cat out err; }
[ -f "$r/environments/cenv/env.yaml" ] || fail "init -C: no file"
clean subenv

# ---- a repository without _defaults.yaml or any environment -------------------------
r=$PWD/bare
mkdir -p "$r"
(cd "$r" && git_ init -q .)
run_in "$r" 0 "init in an empty repository" init first
has "vpc_cidr: 10.0.0.0/16" "init first" "$r/environments/first/env.yaml"
clean first
run_in "$r" 0 "build the only environment" build
run_in "$r" 0 "init second" init second
has "vpc_cidr: 10.1.0.0/16" "init second" "$r/environments/second/env.yaml"
clean second

summary init

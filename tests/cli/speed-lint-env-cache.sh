#!/bin/sh
# `lint ENV` with the facts cache (gen/facts.c) leaves out the environments whose last
# full check found nothing and whose files have not changed, and prints exactly what the
# full run prints: the same bytes in every format, the same exit status. The cache is
# filled by `lint --all`; ERAGEN_TEST_FULL_CHECKS=1 is the full run (no cache, every
# environment checked); ERAGEN_TEST_LOADED=1 makes eragen say how many environments it
# loaded and left out, so that the speed is tested as well as the sameness.
#
# Compared: every environment of the golden fixtures that speed-lint-env.sh compares (each
# made a git repository so that it has a cache), and a synthetic repository changed
# behind the cache's back: another environment made to share a key (cluster name, CIDR,
# domain) of the selected one, the selected one made to share one of another's, a finding
# in a parent every environment reads, an environment added, removed or renamed, another
# environment's SOPS file broken, an extra/ file that cannot be read, a damaged cache, a
# cache of another executable, a cache of another root.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
. "$top/tests/cli/lib/lint_env.sh"

# fill DIR: the cache written by a full run (after the clock has moved on from the
# files' last change, so that none of them is racy)
fill() {
	sleep 0.05
	(cd "$1" && "$ERAGEN" lint --all) >/dev/null 2>&1
}

# every DIR LABEL: the cache filled, then every environment compared with the full run,
# and a name that is none
every() {
	fill "$1"
	compare_envs "$1" "$2"
	same "$1" "$2: lint of an unknown name" lint no-such-env
}

# fixture DIR NAME: a golden fixture made a git repository (so that it has a cache), then
# compared
fixture() {
	[ -e "$1/.git" ] || (cd "$1" && git_ init -q) || fail "$2: git init"
	every "$1" "$2"
}

# left DIR ENV...: how many environments `lint ENV...` left out
left() {
	d=$1
	shift
	(cd "$d" && ERAGEN_TEST_LOADED=1 "$ERAGEN" lint "$@") 2>&1 >/dev/null |
		sed -n 's/^eragen: test: [0-9]* environments loaded, \([0-9]*\) left out$/\1/p'
}

# 1. the golden fixtures with findings that involve more than one environment
golden_fixtures fixture

# 2. the synthetic repository (tests/bench/mkrepo: env-NNNN extends _team-0 extends _base),
#    clean: the others are left out
r=$PWD/syn
sh "$top/tests/bench/mkrepo" "$r" 8 >/dev/null 2>&1 || fail "mkrepo failed"
mkdir -p "$r/environments/env-0002/extra/infra"
printf 'output "x" {\n  value = 1\n}\n' >"$r/environments/env-0002/extra/infra/x.tf"
# a bad user pool ID in the parent, which every environment overrides
printf 'auth: {cognito: {user_pool_id: not-a-pool-id}}\n' >>"$r/environments/_team-0/env.yaml"
every "$r" "synthetic, clean"
n=$(left "$r" env-0000)
[ "$n" = 7 ] && ok "synthetic, clean: lint env-0000 leaves out the 7 others" ||
	fail "synthetic, clean: $n left out, want 7"
n=$(left "$r" env-0000 env-0003)
[ "$n" = 6 ] && ok "synthetic, clean: lint of two leaves out 6" || fail "synthetic, clean: $n left out, want 6"
n=$(cd "$r" && ERAGEN_TEST_LOADED=1 ERAGEN_TEST_FULL_CHECKS=1 "$ERAGEN" lint env-0000 2>&1 >/dev/null |
	sed -n 's/.*loaded, \([0-9]*\) left out$/\1/p')
[ "$n" = 0 ] && ok "synthetic: the full run leaves out none" || fail "synthetic: full run left out $n"
# strace, when there is one: the env.yaml files opened
if command -v strace >/dev/null 2>&1; then
	(cd "$r" && strace -f -e trace=open,openat,openat2 -o "$OLDPWD/trace" "$ERAGEN" lint env-0000) >/dev/null 2>&1
	n=$(grep -c 'environments/env-[0-9]*/env.yaml' trace)
	[ "$n" = 1 ] && ok "synthetic, clean: one environment's env.yaml opened" ||
		fail "synthetic, clean: $n env.yaml of environments opened, want 1"
fi

# check CASE: after a change, every environment compared with the full run
check() {
	for e in $(concrete "$r"); do
		for f in text json; do
			same "$r" "synthetic, $1: lint --format $f $e" lint --format "$f" "$e"
		done
	done
}

# keep FILE: its mtime kept across an edit (the ctime still tells)
keep() { touch -r "$1" ref; }
restore() { touch -r ref "$1"; }

f3=$r/environments/env-0003/env.yaml
f0=$r/environments/env-0000/env.yaml

# another environment made to share the selected one's cluster name (and account), right
# after the cache was written, its mtime restored
fill "$r"
cp "$f3" orig3
keep "$f3"
sed -i 's/^cluster:$/cluster:\n  name: jupyterhub-env-0000/; s/^aws: .*/aws: {account_id: "100000000000"}/' "$f3"
restore "$f3"
check "cluster name of env-0003 = env-0000's"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has XENV001 "synthetic: lint env-0000 shows the cluster name env-0003 took" err
cp orig3 "$f3"

# ... its CIDR, its domain
fill "$r"
sed -i 's|^network: .*|network: {vpc_cidr: 10.0.0.0/20, nat: single}|' "$f3"
check "CIDR of env-0003 = env-0000's"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has NET003 "synthetic: lint env-0000 shows the overlap with env-0003" err
cp orig3 "$f3"
fill "$r"
sed -i 's|^domain: .*|domain: {name: env-0000.example.org, tls: acm, route53_zone: example.org}|' "$f3"
check "domain of env-0003 = env-0000's"
cp orig3 "$f3"

# the selected one made to share another's (which the cache vouches for)
fill "$r"
cp "$f0" orig0
sed -i 's|^network: .*|network: {vpc_cidr: 10.0.48.0/20, nat: single}|' "$f0"
n=$(left "$r" env-0000)
[ "$n" = 0 ] && ok "synthetic: env-0000's CIDR overlaps a cached one: all loaded" ||
	fail "synthetic: env-0000's CIDR overlaps a cached one: $n left out"
check "CIDR of env-0000 = env-0003's"
cp orig0 "$f0"
fill "$r"
sed -i 's|^domain: .*|domain: {name: ENV-0005.example.org., tls: acm, route53_zone: example.org}|' "$f0"
check "domain of env-0000 = env-0005's, as DNS compares"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has XENV003 "synthetic: lint env-0000 shows the domain env-0005 has" err
cp orig0 "$f0"

# a finding of the selected one in the parent the others read (the bad user pool ID,
# no longer overridden): all of them are loaded, the finding names them
fill "$r"
sed -i '/user_pool_id:/d' "$f0"
check "env-0000 inherits a finding of _team-0"
cp orig0 "$f0"

# a parent layer edited
fill "$r"
printf 'cluster:\n  endpoint_public_cidrs: [192.0.2.0/24]\n' >>"$r/environments/_team-0/env.yaml"
check "_team-0 edited"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has "inherited by" "synthetic: the finding in _team-0 names its readers" err
sed -i '$d' "$r/environments/_team-0/env.yaml"
sed -i '$d' "$r/environments/_team-0/env.yaml"

# an environment added with env-0000's CIDR, one removed, one renamed
fill "$r"
cp -R "$r/environments/env-0003" "$r/environments/env-0009"
sed -i 's/env-0003/env-0009/g; s|^network: .*|network: {vpc_cidr: 10.0.0.0/20, nat: single}|' \
	"$r/environments/env-0009/env.yaml"
check "env-0009 added"
fill "$r"
rm -r "$r/environments/env-0009"
check "env-0009 removed"
fill "$r"
mv "$r/environments/env-0006" "$r/environments/env-0016"
check "env-0006 renamed"
mv "$r/environments/env-0016" "$r/environments/env-0006"

# another environment's SOPS file broken: a finding of no environment
fill "$r"
cp "$r/environments/env-0001/secrets.yaml" sops1
printf 'cognito: {client_secret: [unclosed\n' >"$r/environments/env-0001/secrets.yaml"
check "env-0001's SOPS file broken"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has SPEC001 "synthetic: lint env-0000 shows env-0001's SOPS file that does not parse" err
cp sops1 "$r/environments/env-0001/secrets.yaml"

# an extra/ file that cannot be read (a FIFO in its place)
fill "$r"
rm "$r/environments/env-0002/extra/infra/x.tf"
mkfifo "$r/environments/env-0002/extra/infra/x.tf"
check "env-0002's extra file a FIFO"
(cd "$r" && "$ERAGEN" lint env-0000) >/dev/null 2>err
has "x.tf' is not a regular file" "synthetic: lint env-0000 shows the extra/ file of env-0002" err
rm "$r/environments/env-0002/extra/infra/x.tf"

# a finding in the file every environment of the team reads, with none of the files
# changed: against an older baseline (--base), a Kubernetes version lowered in _team-0
# since (DRIFT003)
t0=$r/environments/_team-0/env.yaml
cp "$t0" team0
printf 'cluster:\n  kubernetes_version: "1.34"\n' >>"$t0"
commit_all "$r" "1.34"
sed -i 's/"1.34"/"1.33"/' "$t0"
commit_all "$r" "1.33"
fill "$r"
n=$(left "$r" env-0000)
[ "$n" = 7 ] && ok "synthetic: clean at HEAD" || fail "synthetic: clean at HEAD: $n left out, want 7"
for e in $(concrete "$r"); do
	same "$r" "synthetic, --base HEAD~1: lint $e" lint --base HEAD~1 "$e"
done
(cd "$r" && "$ERAGEN" lint --base HEAD~1 env-0000) >/dev/null 2>err
has "DRIFT003" "synthetic: lint --base HEAD~1 env-0000 shows the DRIFT003 of _team-0" err
cp team0 "$t0"
commit_all "$r" "back"

# a damaged cache, another executable's, another root's
cache=$(cd "$r" && git rev-parse --absolute-git-dir)/eragen-facts
fill "$r"
n=$(left "$r" env-0000)
[ "$n" = 7 ] && ok "synthetic: clean again" || fail "synthetic: clean again: $n left out, want 7"
for how in content build root; do
	fill "$r"
	case $how in
	content) sed -i '20,$s/^c 0*\([0-9]\)/c \1\1/; 8q' "$cache" ;;
	build) sed -i 's/^build \(.\)/build 0\1/' "$cache" ;;
	root) sed -i "s|^root .*|root $PWD/elsewhere|" "$cache" ;;
	esac
	n=$(left "$r" env-0000)
	[ "$n" = 0 ] && ok "synthetic: a cache with another $how is not used" ||
		fail "synthetic: a cache with another $how: $n left out"
	check "$how cache"
done
fill "$r"
rm -rf "$PWD/syn2" && cp -R "$r" "$PWD/syn2"
n=$(left "$PWD/syn2" env-0000)
[ "$n" = 0 ] && ok "synthetic: the cache of another root is not used" ||
	fail "synthetic: a copy's cache: $n left out"
printf 'garbage\n' >"$cache"
n=$(left "$r" env-0000)
[ "$n" = 0 ] && ok "synthetic: a cache that is not one is not used" || fail "synthetic: garbage: $n left out"

# a run that can vouch for no environment (each has a finding) writes no cache and
# removes the one there (a write each lint of the shipped environments, for nothing)
fill "$r"
[ -s "$cache" ] || fail "synthetic: no cache after lint --all"
(cd "$top" && tar cf - environments) | (cd "$PWD" && rm -rf shipped && mkdir shipped && cd shipped && tar xf -)
(cd shipped && git_ init -q . && git_ add -A && git_ commit -qm shipped)
shipcache=$(cd shipped && git rev-parse --absolute-git-dir)/eragen-facts
printf 'stale\n' >"$shipcache"
(cd shipped && "$ERAGEN" lint >/dev/null 2>&1)
[ ! -e "$shipcache" ] && ok "shipped: every environment has a finding: no cache, the old one removed" ||
	fail "shipped: a cache was left: $(head -c 200 "$shipcache")"

summary speed-lint-env-cache 100

#!/bin/sh
# `lint ENV` checks the environments whose findings it can show (gen/check_select.c), and
# prints exactly what checking every environment prints: the same bytes in every format,
# the same exit status. Two switches only this script sets: ERAGEN_TEST_FULL_CHECKS=1
# forces the full run (every environment checked) to compare with, and
# ERAGEN_TEST_CHECKED=1 makes eragen say on stderr how many environments it checked, so
# that the speed is tested as well as the sameness.
#
# Compared: every environment, alone and two at a time, of the shipped environments, of
# the golden fixtures that have cross-environment, inherited or acknowledged findings,
# broken environments or abstract parents, and of a small synthetic repository made to
# have all of them at once.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
. "$top/tests/cli/lib/lint_env.sh"

# every DIR LABEL: every environment compared with the full run
every() { compare_envs "$1" "$2"; }

# checked DIR ENV...: how many environments `lint ENV...` checked
checked() {
	d=$1
	shift
	(cd "$d" && ERAGEN_TEST_CHECKED=1 "$ERAGEN" lint "$@") 2>&1 >/dev/null |
		sed -n 's/^eragen: test: \([0-9]*\) of .*/\1/p'
}

# 1. the shipped environments: an acknowledged POLICY006 in _defaults.yaml, which every
#    environment reads, so each of them is checked
every "$top" shipped
n=$(checked "$top" cae)
[ "$n" = 3 ] && ok "shipped: the finding in _defaults.yaml checks all 3" || fail "shipped: $n checked, want 3"

# 2. the golden fixtures with findings that involve more than one environment
#    (each tree made as tests/run makes it: _base, the case, its setup)
golden_fixtures every

# 3. a synthetic repository with all of it at once (tests/bench/mkrepo: env-NNNN extends
#    _team-0 extends _base): a placeholder in a parent shared by two environments, one of
#    them production (NET009 is raised to an error there), a malformed user pool ID there
#    too (AUTH002, whose help names each environment's own Cognito region: the merged
#    finding keeps the first copy's, env-0004's, as the full run does), an acknowledged finding in
#    _team-0 (every environment reads it), overlapping VPCs (NET003), a shared domain
#    (XENV003), a Kubernetes version lowered in _team-0 against HEAD (DRIFT003, inherited
#    by every environment of the team), a broken environment, a SOPS file that does not
#    parse (a finding that involves no environment)
r=$PWD/syn
sh "$top/tests/bench/mkrepo" "$r" 8 >/dev/null 2>&1 || fail "mkrepo failed"
every "$r" "synthetic, clean"
n=$(checked "$r" env-0000)
[ "$n" = 1 ] && ok "synthetic, clean: lint env-0000 checks 1 environment" || fail "synthetic, clean: $n checked, want 1"
n=$(checked "$r" env-0000 env-0003)
[ "$n" = 2 ] && ok "synthetic, clean: lint of two checks 2" || fail "synthetic, clean: $n checked, want 2"

mkdir -p "$r/environments/_team-x"
cat >"$r/environments/_team-x/env.yaml" <<'YAML'
eragen: 1
extends: _base
tier: development
owner: {email: team-x@corp.internal, cost_center: team-x}
cluster:
  endpoint_public_cidrs: [203.0.113.0/24]
YAML
printf 'auth: {cognito: {user_pool_id: not-a-pool-id}}\n' >>"$r/environments/_team-x/env.yaml"
for e in env-0004 env-0005; do
	sed -i 's/^extends: _team-0/extends: _team-x/; /user_pool_id:/d' "$r/environments/$e/env.yaml"
done
sed -i 's/^    region: us-west-2$/    region: us-east-1/' "$r/environments/env-0005/env.yaml"
sed -i 's/^tier: development/tier: production/' "$r/environments/env-0005/env.yaml"
sed -i 's|^network: .*|network: {vpc_cidr: 10.0.0.0/20, nat: single}|' "$r/environments/env-0003/env.yaml"
sed -i 's|^domain: .*|domain: {name: env-0002.example.org, tls: acm, route53_zone: example.org}|' \
	"$r/environments/env-0006/env.yaml"
printf 'cluster:\n  kubernetes_version: "1.33"\n  endpoint_public_cidrs: [192.0.2.0/24] # eragen:ignore NET009 a placeholder until the VPN is up\n' \
	>>"$r/environments/_team-0/env.yaml"
printf 'eragen: 1\nname: [unclosed\n' >"$r/environments/env-0007/env.yaml"
printf 'cognito: {client_secret: [unclosed\n' >"$r/environments/env-0001/secrets.yaml"
(cd "$r" && "$ERAGEN" lint --all) >/dev/null 2>all.err
for want in NET009 NET003 XENV003 DRIFT003 "inherited by 'env-0004', 'env-0005'" SPEC001 env-0007; do
	has "$want" "synthetic: lint --all finds $want" all.err
done
every "$r" "synthetic, findings"
n=$(checked "$r" env-0004)
[ "$n" = 3 ] && ok "synthetic: a finding in _team-x checks its readers (env-0004, env-0005, _team-x)" ||
	fail "synthetic: lint env-0004 checked $n, want 3"
(cd "$r" && "$ERAGEN" lint env-0006) >/dev/null 2>err
has "SPEC001" "synthetic: lint env-0006 shows the SOPS file of env-0001 that does not parse" err
has "XENV003" "synthetic: lint env-0006 shows the domain it shares with env-0002" err
(cd "$r" && "$ERAGEN" lint env-0005) >/dev/null 2>err
has "error.*NET009" "synthetic: the placeholder is an error on production" err
has "e.g. 'us-west-2_AbC123xyz'" "synthetic: lint env-0005 keeps the help of env-0004's copy, the first" err

# lint --staged ENV reads the index: the same selection, the same answers
(cd "$r" && git_ add -A) || fail "git add"
echo "# unstaged" >>"$r/environments/env-0002/env.yaml"
for e in $(concrete "$r"); do
	for f in text json; do
		same "$r" "synthetic, staged: lint --staged --format $f $e" lint --staged --format "$f" "$e"
	done
done
n=$(checked "$r" --staged env-0004)
[ "$n" = 3 ] && ok "synthetic, staged: lint --staged env-0004 checks its 3" ||
	fail "synthetic, staged: $n checked, want 3"

summary speed-lint-env 100

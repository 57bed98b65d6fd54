#!/bin/sh
# The start-up and front-end shortcuts of a lint: the answers are the full path's.
# - A pattern written twice in the schema is compiled once and shared (schema_keyword.c):
#   each place still judges its own value, in either order, alone or together.
# - Columns are counted eight bytes at a time (utf8_count): a damaged data table with
#   multi-byte text before the error, on a line of several column blocks, is reported at
#   the column of code points, as a byte-by-byte count gives it.
# - libgit2's TLS set-up is stood in for (repo_tls.c): lint and build of a repository
#   behave as before, and a TLS connection cannot be made (tests/unit/tls_test.c).
# - The repository found for the root is the one the baseline is read from (repo.c): it
#   is opened once (strace counts the reads of its config), and DRIFT003 still compares
#   with HEAD, from the root, from below it, and with the root below the work tree's top.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# spec DIR ROLE_ARN PLAN_ROLE_ARN CLUSTER_ROLE NODE_ROLE
spec() {
	cat >"$1/environments/alpha/env.yaml" <<YAML
eragen: 1
name: alpha
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "$2", plan_role_arn: "$3"}
names: {cluster_role: "$4", node_role: "$5"}
YAML
}

rm -rf r && mkdir -p r/environments/alpha
cp "$top/tests/check/_base/environments/_defaults.yaml" r/environments/
(cd r && git_ init -q .)
good=arn:aws:iam::123456789012:role/ci bad=arn:aws:iam::123456789012:user/x

# 1. the shipped schema's shared patterns: ci.role_arn and ci.plan_role_arn share one,
# names.cluster_role and names.node_role another
spec r "$good" "$good" ok-role ok-role
run_in r 0 "shared patterns: both values match" lint
spec r "$bad" "$good" "bad role" ok-role
run_in r 1 "shared patterns: the first value does not match" lint
has 'env.yaml:6:16: error\[SPEC006\]' "role_arn reported" err
has 'env.yaml:7:23: error\[SPEC006\]' "cluster_role reported" err
[ "$(grep -c 'error\[SPEC006\]' err)" = 2 ] && ok "only those two" || { fail "findings:"; cat err; }
spec r "$good" "$bad" ok-role "bad role"
run_in r 1 "shared patterns: the second value does not match" lint
has 'env.yaml:6:68: error\[SPEC006\]' "plan_role_arn reported" err
has 'env.yaml:7:45: error\[SPEC006\]' "node_role reported" err
[ "$(grep -c 'error\[SPEC006\]' err)" = 2 ] && ok "only those two" || { fail "findings:"; cat err; }
spec r "$bad" "$bad" "bad role" "bad role"
run_in r 1 "shared patterns: neither value matches" lint
[ "$(grep -c 'error\[SPEC006\]' err)" = 4 ] && ok "four findings" || { fail "findings:"; cat err; }

# 2. a damaged data table: 60 times "ünïcödé — ✓ " (12 code points, 20 bytes) after 16
# code points, then '" ' and the error: column 16 + 720 + 2 + 1 = 739 (byte 1219)
spec r "$good" "$good" ok-role ok-role
mkdir -p r/schemas
rep=$(i=0; while [ $i -lt 60 ]; do printf 'ünïcödé — ✓ '; i=$((i + 1)); done)
{
	printf '{\n  "_source": [ "%s" ;\n' "$rep"
	sed 1d "$top/schemas/regions.json"
} >r/schemas/regions.json
run_in r 1 "a damaged data table" lint
has '^schemas/regions.json:2:739: error\[SPEC012\]: the data table cannot be used: it is not valid JSON' \
	"reported at its line and column of code points" err
[ "$(LC_ALL=C awk 'NR == 2 { print length($0) }' r/schemas/regions.json)" -gt 768 ] &&
	ok "the line spans several blocks of the column index" || fail "the line is not as built"

# 3. libgit2's TLS stand-ins: a repository with a commit (the baseline is read) lints
# and builds as always
rm -rf r/schemas
(cd r && git_ add -A && git_ commit -qm init)
run_in r 0 "lint with a baseline" lint
run_in r 0 "build" build
run_in r 0 "check after build" check

# 4. the repository opened once: from the root, from below it, and with the root a
# subdirectory of the work tree
spec r "$good" "$good" ok-role ok-role
printf 'cluster: {kubernetes_version: "1.33"}\n' >>r/environments/alpha/env.yaml
commit_all r "kubernetes 1.33"
sed -i 's/"1.33"/"1.32"/' r/environments/alpha/env.yaml
drift() { # drift DIR WHAT ARGS...: DRIFT003 against HEAD, the config read once
	d=$1 what=$2
	shift 2
	(cd "$d" && strace -f -qq -o "$OLDPWD/trace" -e trace=open,openat,openat2 "$ERAGEN" "$@") >out 2>err
	has "error\[DRIFT003\]: Kubernetes version '1.32' is lower than '1.33' at HEAD" "$what: DRIFT003" err
	n=$(grep -c 'open.*\.git/config"' trace)
	[ "$n" -eq 1 ] && ok "$what: the repository is opened once" ||
		{ fail "$what: .git/config opened $n times"; grep 'config"' trace; }
}
command -v strace >/dev/null 2>&1 || { fail "strace is not installed (.ci/deps test)"; summary speed-start; }
drift r "from the root" lint
drift r/environments/alpha "from below the root" lint
rm -rf w && mkdir w && mv r w/infra && rm -rf w/infra/.git
sed -i 's/"1.32"/"1.33"/' w/infra/environments/alpha/env.yaml
(cd w && git_ init -q . && git_ add -A && git_ commit -qm init)
sed -i 's/"1.33"/"1.32"/' w/infra/environments/alpha/env.yaml
drift w "the root below the top" lint -C infra
drift w/infra/environments "from below that root" lint

summary speed-start

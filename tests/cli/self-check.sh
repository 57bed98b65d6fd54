#!/bin/sh
# The repository eats its own cooking: the shipped environments' output is committed
# (out/, .github/workflows/, .gitattributes) and `eragen check` finds it exactly what
# the current specs, schemas and templates produce.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

run_in "$top" 0 "eragen check on the repository itself" check --all
cat err out
has ' 0 missing, 0 stale, 0 edited, 0 orphaned' "check reports a clean comparison" err
n=$(sed -n 's/^eragen: \([0-9]*\) generated files compared.*/\1/p' err)
[ "${n:-0}" -gt 50 ] && ok "check compared $n generated files" || fail "check compared only ${n:-0} files"
summary self-check

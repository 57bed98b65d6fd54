#!/bin/sh
# The repository eats its own cooking: the shipped environments' output is committed
# (out/, .github/workflows/, .gitattributes) and `eragen check` finds it exactly what
# the current specs, schemas and templates produce.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
"$ERAGEN" -C "$top" check --all >check.out 2>&1
rc=$?
cat check.out
[ "$rc" -eq 0 ] || { echo "FAIL eragen check on the repository itself: exit $rc"; exit 1; }
grep -q ' 0 missing, 0 stale, 0 edited, 0 orphaned' check.out ||
	{ echo "FAIL check did not report a clean comparison"; exit 1; }
n=$(sed -n 's/^eragen: \([0-9]*\) generated files compared.*/\1/p' check.out)
[ "${n:-0}" -gt 50 ] || { echo "FAIL check compared only ${n:-0} files"; exit 1; }
echo "self-check: $n generated files match"

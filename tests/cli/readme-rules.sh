#!/bin/sh
# The README's rule table is exactly what `eragen explain --markdown` prints.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' "$top/README.md" | sed '1d;$d' >readme.table
run_in . 0 "explain --markdown" explain --markdown
cp out binary.table
n=$(grep -c '^| [A-Z]*[0-9][0-9][0-9] |' binary.table)
[ "$n" -ge 73 ] && ok "the binary's rule table: $n rules" || fail "the binary's rule table has $n rules, want 73 or more"
diff -u binary.table readme.table && ok "the README's rule table is the binary's" ||
	fail "the README's rule table differs from 'eragen explain --markdown' (above)"
summary readme-rules

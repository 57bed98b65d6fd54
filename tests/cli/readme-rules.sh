#!/bin/sh
# The README's rule table is exactly what `eragen explain --markdown` prints.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' "$top/README.md" | sed '1d;$d' >readme.table
"$ERAGEN" explain --markdown >binary.table
test -s binary.table
n=$(grep -c '^| [A-Z]*[0-9][0-9][0-9] |' binary.table)
echo "rule table: $n rules"
[ "$n" -ge 73 ]
diff -u binary.table readme.table

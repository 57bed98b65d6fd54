#!/bin/sh
# The repository-level files, which the back ends declare: a build of one environment
# while another has errors leaves them and says which they are, in one note whose list
# is exactly what a build writes outside the environments' directories (each entry a
# file, or a directory holding some); `build --help` names the same ones; check says it
# did not compare them.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

r=$(pwd)/repo
rm -rf "$r" && mkdir -p "$r"
cp -R "$top/environments" "$r/"
(cd "$r" && git_ init -q && git_ add -A && git_ commit -qm shipped) || fail "setup"

list=".github/workflows/, out/eragen.mk, out/github-environments.json, out/_bootstrap/, .gitattributes"
note="note: the repository-level files ($list) were left as they are: some environment has errors"

# one environment with an error: building another writes its files, not the repository's
cp "$r/environments/cae-dev/env.yaml" env.yaml.orig
printf 'bogus_key: 1\n' >>"$r/environments/cae-dev/env.yaml"
run_in "$r" 0 "build cae while cae-dev has an error" build cae
grep -qxF "$note" err || { fail "build cae: not the note '$note':"; cat err; }
[ -d "$r/out/cae" ] || fail "build cae: out/cae/ not written"
if [ -e "$r/out/eragen.mk" ] || [ -e "$r/.gitattributes" ] || [ -d "$r/.github" ]; then
	fail "build cae: repository-level files written"
fi
run_in "$r" 0 "check cae while cae-dev has an error" check cae
grep -qxF "note: the repository-level files were not compared: some environment has errors" err ||
	{ fail "check cae: no note"; cat err; }

# build --help names the same files (its lines wrapped anywhere)
run_in "$r" 0 "build --help" build --help
help=$(tr '\n' ' ' <out)
case $help in
*"($list)"*) ok "build --help names the repository-level files of the note" ;;
*) fail "build --help does not name ($list):"; cat out ;;
esac

# the note's list is what a build writes outside out/<env>/
cp env.yaml.orig "$r/environments/cae-dev/env.yaml"
run_in "$r" 0 "build, every environment clean" build
envs=$(for d in "$r"/environments/[!_]*/; do basename "$d"; done)
(cd "$r" && find . -path ./.git -prune -o -type f -print | sed 's|^\./||' | grep -v '^environments/' |
	sort) >written
: >repo-level
while read -r f; do
	e=${f#out/}
	e=${e%%/*}
	case $f in out/*/*) echo "$envs" | grep -qx "$e" && continue ;; esac
	echo "$f" >>repo-level
done <written
grep -vxF 'out/.eragen-manifest' repo-level >repo-files

# under FILE ENTRY: FILE is ENTRY, or under ENTRY when it is a directory
under() {
	case $2 in
	*/) case $1 in "$2"*) return 0 ;; esac ;;
	*) [ "$1" = "$2" ] && return 0 ;;
	esac
	return 1
}
entries=$(echo "$list" | tr -d ' ' | tr , '\n')
for e in $entries; do
	n=0
	while read -r f; do under "$f" "$e" && n=$((n + 1)); done <repo-files
	if [ "$n" -gt 0 ]; then ok "'$e': $n file(s) written"; else fail "'$e': nothing written there"; fi
done
while read -r f; do
	found=0
	for e in $entries; do under "$f" "$e" && found=1; done
	[ "$found" = 1 ] || fail "'$f' is written for the repository but not in the note"
done <repo-files
[ -s repo-files ] || fail "no repository-level file written"

echo "repo-files: $checks checks, $fails failed"
[ "$checks" -gt 0 ] && [ "$fails" = 0 ]

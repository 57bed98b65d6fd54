#!/bin/sh
# `eragen init` writes what templates/init/env.yaml.mustache renders: a repository's own
# copy of the template wins over the installed one (file by file, like every template);
# a template that cannot be parsed is SPEC012 at its line, and a missing one SPEC012
# too: exit 1 and nothing written either way.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

r=$PWD/repo
mkdir -p "$r"
(cd "$r" && git_ init -q .) || fail "git init"

# the repository's own template
mkdir -p "$r/templates/init"
printf '# own template\neragen: 1\nname: {{name}}\ntier: ephemeral{{#child}} {{parent}}{{/child}}\n' \
	>"$r/templates/init/env.yaml.mustache"
run_in "$r" 0 "init with the repository's template" init own
if [ "$(cat "$r/environments/own/env.yaml" 2>/dev/null)" = "# own template
eragen: 1
name: own
tier: ephemeral" ]; then
	ok "the repository's template is the one rendered"
else
	fail "the repository's template is not the one rendered:"
	cat "$r/environments/own/env.yaml"
fi

# a template that cannot be parsed: SPEC012 at the unclosed section, nothing written
printf 'name: {{name}}\n{{#child}}\n' >"$r/templates/init/env.yaml.mustache"
run_in "$r" 1 "init with a broken template" init broken
if grep -q "^templates/init/env.yaml.mustache:2:1: error\[SPEC012\]: .*unclosed section 'child'" err; then
	ok "the broken template is SPEC012 at its line"
else
	fail "no SPEC012 at templates/init/env.yaml.mustache:2:1:"
	cat err
fi
[ ! -e "$r/environments/broken" ] && ok "nothing written for a broken template" ||
	fail "a broken template left environments/broken"

# no template anywhere: the data directory has schemas/ but no templates/
rm -r "$r/templates"
mkdir -p data && cp -R "$top/schemas" data/
(cd "$r" && ERAGEN_DATADIR=$PWD/../data "$ERAGEN" init missing) >out 2>err
rc=$?
[ "$rc" -eq 1 ] && ok "init without a template: exit 1" || { fail "init without a template: exit $rc"; cat out err; }
grep -q "SPEC012.*template 'init/env.yaml.mustache' not found" err &&
	ok "the missing template is SPEC012" || { fail "no SPEC012 for the missing template"; cat err; }
[ ! -e "$r/environments/missing" ] && ok "nothing written without a template" ||
	fail "a missing template left environments/missing"

summary init-template

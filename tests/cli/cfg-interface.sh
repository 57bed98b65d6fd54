#!/bin/sh
# One interface for the commands that print data (DESIGN 8.3): `--format json` works for
# show, changed and diff, and prints what their `--json` prints; sarif and github are
# usage errors there; `diff` exits 1 when the environments differ, 0 when they are the
# same; each JSON output validates against its schema in docs/schemas/ (the resolved spec
# of show also against schemas/environment.schema.json), and so does lint's; `init` in an
# empty directory outside git is a usage error (exit 2, README's table) that says what to
# do, and does what it says.
# shellcheck disable=SC2015 # ok never fails: `test && ok || fail` is an if-then-else
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
HOME=$PWD/home
mkdir -p "$HOME"
export HOME GIT_CONFIG_NOSYSTEM=1 ERAGEN_DATADIR="$top"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_GLOBAL XDG_CONFIG_HOME

# valid SCHEMA FILE DESCRIPTION: FILE is JSON valid against docs/schemas/SCHEMA (draft 7)
valid() {
	if /usr/bin/python3 - "$top/docs/schemas/$1" "$2" >verr 2>&1 <<'PY'; then
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.Draft7Validator(schema).validate(json.load(open(sys.argv[2])))
PY
		ok "$3"
	else
		fail "$3: not valid against docs/schemas/$1:"; tail -n 5 verr
	fi
}
same() { cmp -s "$1" "$2" && ok "$3" || { fail "$3: $1 and $2 differ"; diff -u "$1" "$2" | head; }; }

# a repository: two environments and an abstract parent, built and committed
r=repo
mkdir -p "$r/environments/_base" "$r/environments/demo" "$r/environments/other"
cp "$top/tests/check/_base/environments/_defaults.yaml" "$r/environments/"
printf 'eragen: 1\naws: {account_id: "123456789012"}\nci: {role_arn: "arn:aws:iam::123456789012:role/ci"}\n' \
	>"$r/environments/_base/env.yaml"
for e in demo:10.20.0.0/16 other:10.30.0.0/16; do
	printf 'eragen: 1\nname: %s\ntier: ephemeral\nextends: _base\nnetwork: {vpc_cidr: %s}\n' \
		"${e%%:*}" "${e#*:}" >"$r/environments/${e%%:*}/env.yaml"
done
(cd "$r" && git_ init -q . && "$ERAGEN" build --quiet && git_ add -A && git_ commit -qm init) ||
	fail "cannot set up the repository"

# 1. show
run_in "$r" 0 "show --json" show demo --json
mv out show.json
run_in "$r" 0 "show --format json" show demo --format json
same show.json out "show: --format json prints what --json prints"
valid show.schema.json out "show --format json: valid"
/usr/bin/python3 - "$top/schemas/environment.schema.json" out >verr 2>&1 <<'PY' &&
import json, sys, jsonschema
jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
PY
	ok "show --format json: the spec is valid against the environment schema" ||
	{ fail "show: the spec is not valid against the environment schema"; tail -n 5 verr; }
run_in "$r" 0 "show --format=json --origin" show demo --format=json --origin
valid show.schema.json out "show --origin --format json: valid"
has '"network.vpc_cidr": "environments/demo/env.yaml:5:' "show --origin: the origin of a value" out
run_in "$r" 0 "show in text: YAML" show demo
has '^name: demo$' "show: YAML by default" out
run_in "$r" 2 "show --format sarif: a usage error" show demo --format sarif
has "show prints text or JSON: --format sarif does not apply to it" "show --format sarif: why" err
run_in "$r" 2 "show --format github: a usage error" show demo --format github
run_in "$r" 2 "show --format json --placement: a usage error" show demo --format json --placement

# 2. diff: 1 when they differ, 0 when they are the same
run_in "$r" 1 "diff demo other: they differ, exit 1" diff demo other
has '^network.vpc_cidr: "10.20.0.0/16" -> "10.30.0.0/16"$' "diff: the difference" out
run_in "$r" 0 "diff demo demo: the same, exit 0" diff demo demo
[ "$(cat out)" = "$(printf -- '--- demo\n+++ demo')" ] && ok "diff demo demo: no difference listed" ||
	{ fail "diff demo demo printed differences"; cat out; }
run_in "$r" 1 "diff --json" diff demo other --json
mv out diff.json
run_in "$r" 1 "diff --format json" diff demo other --format json
same diff.json out "diff: --json prints what --format json prints"
valid diff.schema.json out "diff --format json: valid"
run_in "$r" 0 "diff --format json, the same" diff other other --format json
valid diff.schema.json out "diff --format json, no difference: valid"
run_in "$r" 2 "diff --format sarif: a usage error" diff demo other --format sarif

# 3. changed
sed 's/10.30.0.0/10.31.0.0/' "$r/environments/other/env.yaml" >o.tmp && mv o.tmp "$r/environments/other/env.yaml"
rm -r "$r/environments/demo"
run_in "$r" 0 "changed --json" changed --since HEAD --json
mv out changed.json
run_in "$r" 0 "changed --format json" changed --since HEAD --format json
same changed.json out "changed: --format json prints what --json prints"
valid changed.schema.json out "changed --format json: valid"
has '"name":"other"' "changed: other changed" out
has '"removed":\["demo"\]' "changed: demo removed" out
run_in "$r" 0 "changed in text" changed --since HEAD
[ "$(cat out)" = other ] && ok "changed: one name a line" || { fail "changed text"; cat out; }
run_in "$r" 2 "changed --format github: a usage error" changed --since HEAD --format github
(cd "$r" && git_ checkout -q -- . )

# 4. lint --format json: valid, with notes and help
printf 'cluster: {name: demo-x-demo}\nauth: {mode: cognitto}\n' >>"$r/environments/demo/env.yaml"
run_in "$r" 1 "lint --format json with findings" lint --format json
valid diagnostics.schema.json out "lint --format json: valid"
has '"rule": "SPEC006"' "lint --format json: the finding" out
has '"help": "did you mean '"'"'cognito'"'"'?"' "lint --format json: the did-you-mean help" out
(cd "$r" && git_ checkout -q -- . )
run_in "$r" 0 "lint --format json, clean" lint --format json
valid diagnostics.schema.json out "lint --format json, clean: valid"

# 5. init in an empty directory outside git: exit 2 (README: a place eragen cannot work
# in), saying what to do; doing that works
mkdir empty
run_in empty 2 "init outside git: a usage error" init demo
has "'git init', then 'eragen init ENV'" "init outside git: says what to do" err
oneline "init outside git: one line"
tr '\n' ' ' <"$top/README.md" | grep -q "2 usage error ([^)]*no \`environments/\` outside a git work tree" &&
	ok "README: exit 2 for no environments/ outside a git work tree" ||
	fail "README's exit code table does not list this case under 2"
(cd empty && git_ init -q .) || fail "git init"
run_in empty 0 "after git init: init demo" init demo
run_in empty 0 "the new environment lints clean" lint

summary cfg-interface 45

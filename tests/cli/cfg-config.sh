#!/bin/sh
# .eragen.yaml (DESIGN 8.3) where a golden case cannot reach (tests/check/*config* hold
# its diagnostics): schemas/config.schema.json is a valid draft-7 schema and the README's
# example is valid against it and lints clean; --staged reads the staged file, not the
# work tree's; base is the default of --base (DRIFT003 compares with it) and --base wins;
# a base that is no revision is SPEC006 at its line, and the run goes on against HEAD;
# format json from the file validates against docs/schemas/diagnostics.schema.json, its
# own mistakes included, and show/diff/changed are not affected.
# shellcheck disable=SC2015 # ok never fails: `test && ok || fail` is an if-then-else
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
HOME=$PWD/home
mkdir -p "$HOME"
export HOME GIT_CONFIG_NOSYSTEM=1 ERAGEN_DATADIR="$top"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_GLOBAL XDG_CONFIG_HOME

# spec K8S [EXTRA]: environments/demo/env.yaml in the repository r
spec() {
	mkdir -p r/environments/demo
	cat >r/environments/demo/env.yaml <<YAML
eragen: 1
name: demo
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
cluster: {name: demo-x-demo, kubernetes_version: "$1"}
YAML
}
mkdir -p r/environments
cp "$top/tests/check/_base/environments/_defaults.yaml" r/environments/
spec 1.32
(cd r && git_ init -q . && git_ add -A && git_ commit -qm k8s-1.32) || fail "setup"
spec 1.33
(cd r && git_ add -A && git_ commit -qm k8s-1.33) || fail "setup"
spec 1.34 # the work tree: one minor above HEAD, two above HEAD~1

# 1. the schema, and the README's example
/usr/bin/python3 - "$top/schemas/config.schema.json" "$top/README.md" >verr 2>&1 <<'PY' &&
import json, re, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
readme = open(sys.argv[2]).read()
section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
# eragen reads YAML 1.2, where off is a string (PyYAML would read a YAML 1.1 false)
jsonschema.Draft7Validator(schema).validate(yaml.load(example, Loader=yaml.BaseLoader))
open("example.yaml", "w").write(example)
PY
	ok "config.schema.json is valid; the README's example is valid against it" ||
	{ fail "config.schema.json or the README's example"; cat verr; }
grep -q '^## Editor$' "$top/README.md" && grep -q '^## Configuration$' "$top/README.md" &&
	[ "$(grep -n '^## ' "$top/README.md" | sed -n '2,3p' | cut -d' ' -f2- | tr '\n' ' ')" = "Editor Configuration " ] &&
	ok "README: the editor, then the configuration, right after the quick start" ||
	fail "README: the sections after the quick start are not Editor, Configuration"
sed 's|^base: .*|base: HEAD|' example.yaml >r/.eragen.yaml
run_in r 1 "the README's example (base HEAD): NAME006 is an error" lint
has "^::error file=environments/demo/env.yaml,.*title=NAME006::" \
	"the README's example: format github, NAME006 an error" out
hasnt "eragen.yaml" "the README's example: no finding in it" out
rm r/.eragen.yaml

# 2. base: the default of --base
run_in r 0 "no .eragen.yaml: HEAD is the baseline" lint
printf 'base: HEAD~1\n' >r/.eragen.yaml
run_in r 1 "base: HEAD~1 is the baseline" lint
has "error\[DRIFT003\]" "base: DRIFT003 against HEAD~1" err
has "HEAD~1:environments/demo/env.yaml" "base: the note names HEAD~1" err
run_in r 0 "--base HEAD wins over the file" lint --base HEAD
printf 'rules: {NAME006: note}\nbase: no-such-rev\n' >r/.eragen.yaml
run_in r 1 "base: no revision" lint
has "^.eragen.yaml:2:7: error\[SPEC006\]: base 'no-such-rev' cannot be used: " \
	"base: SPEC006 at its line and column" err
has "note\[NAME006\]" "base: the valid rest of the file applies" err
run_in r 0 "--base HEAD: the file's base is not used" lint --base HEAD

# 3. --staged reads the staged file
printf 'rules: {NAME006: error}\n' >r/.eragen.yaml
git -C r add .eragen.yaml
printf 'rules: {NAME006: off}\n' >r/.eragen.yaml
run_in r 0 "the work tree's file: NAME006 off" lint
hasnt "NAME006" "work tree: NAME006 not reported" err
run_in r 1 "--staged: the staged file, NAME006 an error" lint --staged
has "error\[NAME006\]" "--staged: error[NAME006]" err
git -C r rm -q --cached -f .eragen.yaml
run_in r 0 "--staged, the file not staged: no configuration" lint --staged
has "warning\[NAME006\]" "--staged without the file: the rule's own severity" err

# 4. format: json, validated; show, diff and changed print data as before
printf 'format: json\nrules: {NAME006: eror}\n' >r/.eragen.yaml
run_in r 1 "format json from the file, a mistake in it" lint
/usr/bin/python3 - "$top/docs/schemas/diagnostics.schema.json" out >verr 2>&1 <<'PY' &&
import json, sys, jsonschema
d = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate(d)
assert any(x["file"] == ".eragen.yaml" and x["rule"] == "SPEC006" and x["line"] == 2
           and x["help"] == "did you mean 'error'?" for x in d["diagnostics"]), d
PY
	ok "format json: valid against docs/schemas/diagnostics.schema.json, the mistake in it" ||
	{ fail "format json from .eragen.yaml"; cat verr out; }
run_in r 1 "--format text wins" lint --format text --quiet
has "SPEC006" "--format text: the finding in text" err
printf 'format: sarif\n' >r/.eragen.yaml
run_in r 0 "show with format sarif in the file: YAML" show demo
has '^name: demo$' "show: YAML" out
run_in r 0 "diff with format sarif in the file: text" diff demo demo
has "^--- demo$" "diff: text" out
run_in r 0 "changed with format sarif in the file: names" changed --since HEAD~1
[ "$(cat out)" = demo ] && ok "changed: one name a line" || { fail "changed"; cat out; }

summary cfg-config 28

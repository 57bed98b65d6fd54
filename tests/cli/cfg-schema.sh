#!/bin/sh
# `eragen schema [--layer]` and the editor's view of a spec (DESIGN 8.3): schema prints
# the repository's own environment schema, else the installed one, byte for byte;
# --layer prints it without "required" (but inside if/not), every property nullable,
# and is what schemas/environment.layer.schema.json holds; `eragen init` in a new
# repository writes a $schema comment that resolves (the layer schema for a child), and
# what it writes, _defaults.yaml and the shipped specs validate against the schema their
# comment names, as an editor validates them (python3-jsonschema, draft 7), while the
# child and _defaults.yaml do not validate against the whole schema (the false errors
# the layer schema avoids).
# shellcheck disable=SC2015 # ok never fails: `test && ok || fail` is an if-then-else
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
HOME=$PWD/home
mkdir -p "$HOME" data/schemas
export HOME GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_GLOBAL XDG_CONFIG_HOME

# editor WANT(0|1) FILE [SCHEMA] DESCRIPTION: FILE (YAML) against SCHEMA, default the one
# its first-line $schema comment names (relative to FILE, or absolute); 0: valid
editor() {
	want=$1 file=$2 schema=$3 what=$4
	/usr/bin/python3 - "$file" "$schema" >verr 2>&1 <<'PY'
import json, os, re, sys, yaml, jsonschema
path, schema = sys.argv[1], sys.argv[2]
if not schema:
    m = re.match(r"# yaml-language-server: \$schema=(\S+)$", open(path).readline().rstrip("\n"))
    if not m:
        sys.exit("no $schema comment on line 1")
    schema = os.path.join(os.path.dirname(path), m.group(1))
    if not os.path.isfile(schema):
        sys.exit("the $schema comment does not resolve: " + schema)
s = json.load(open(schema))
jsonschema.Draft7Validator.check_schema(s)
errs = list(jsonschema.Draft7Validator(s).iter_errors(yaml.safe_load(open(path))))
for e in errs[:5]:
    print("/".join(map(str, e.path)) + ": " + e.message)
sys.exit(1 if errs else 0)
PY
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else fail "$what: exit $rc, want $want"; cat verr; fi
}

# 1. schema and --layer in this repository
run_in "$top" 0 "schema" schema
cmp -s out "$top/schemas/environment.schema.json" && ok "schema: the repository's own, byte for byte" ||
	fail "schema: not schemas/environment.schema.json"
run_in "$top" 0 "schema --layer" schema --layer
cmp -s out "$top/schemas/environment.layer.schema.json" &&
	ok "schemas/environment.layer.schema.json is what schema --layer prints" ||
	{ fail "schemas/environment.layer.schema.json is stale (make rewrites it)"; diff out "$top/schemas/environment.layer.schema.json" | head; }
/usr/bin/python3 - out "$top/schemas/environment.schema.json" >verr 2>&1 <<'PY' &&
import json, sys
layer, full = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def walk(n, keep, path):
    if isinstance(n, list):
        for i, x in enumerate(n): walk(x, keep, path + [i])
    elif isinstance(n, dict):
        assert keep or not isinstance(n.get("required"), list), "required at " + "/".join(map(str, path))
        for k, v in n.items():
            if k in ("enum", "const", "default", "examples"): continue
            if k in ("properties", "patternProperties", "definitions"):
                for name, s in v.items(): walk(s, keep, path + [k, name])
            else: walk(v, keep or k in ("if", "not"), path + [k])
walk(layer, False, [])
assert layer["$id"].endswith("environment.layer.schema.json")
aws = layer["properties"]["aws"]
assert aws["anyOf"][0] == {"type": "null"} and aws["description"] == full["properties"]["aws"]["description"]
assert layer["properties"]["auth"]["anyOf"][1]["allOf"][0]["if"]["required"] == ["mode"]
PY
	ok "--layer: no required outside if/not; properties nullable, described" ||
	{ fail "--layer: not the layer schema"; cat verr; }
run_in "$top" 2 "schema --bogus" schema --bogus
run_in "$top" 2 "schema with an argument" schema cae

# 2. a hand-made schema: a property named "required", required inside not and enum data
mkdir -p own/environments/x own/schemas
cat >own/schemas/environment.schema.json <<'EOF'
{"type": "object", "required": ["a"], "properties": {"required": {"type": "string"},
 "e": {"enum": [{"required": ["k"]}]}, "n": {"not": {"required": ["z"]}}}}
EOF
(cd own && git_ init -q .) || fail "git init own"
run_in own 0 "schema --layer of a repository's own schema" schema --layer
/usr/bin/python3 - out >verr 2>&1 <<'PY' &&
import json, sys
s = json.load(open(sys.argv[1]))
assert "required" not in s, s
p = s["properties"]
assert p["required"]["anyOf"][1] == {"type": "string"}, p["required"]
assert p["e"]["anyOf"][1] == {"enum": [{"required": ["k"]}]}, p["e"]
assert p["n"]["anyOf"][1] == {"not": {"required": ["z"]}}, p["n"]
PY
	ok "--layer: a property named required, enum data and not are kept" ||
	{ fail "--layer of a hand-made schema"; cat verr out; }

# 3. a new repository (no schemas/ of its own): the installed schemas, and init's comment
cp "$top/schemas/"*.json data/schemas/
ln -s "$top/templates" data/templates
ERAGEN_DATADIR=$PWD/data
export ERAGEN_DATADIR
mkdir new && (cd new && git_ init -q .) || fail "git init new"
run_in new 0 "schema in a repository without schemas/: the installed one" schema
cmp -s out data/schemas/environment.schema.json && ok "schema: the installed file" ||
	fail "schema: not the installed file"
run_in new 0 "init demo" init demo
head -n 1 new/environments/demo/env.yaml >line
has "^# yaml-language-server: \$schema=$PWD/data/schemas/environment.schema.json\$" \
	"init: the comment names the installed environment schema" line
editor 0 new/environments/demo/env.yaml "" "init demo: valid against the schema its comment names"
run_in new 0 "init kid --from demo" init kid --from demo
head -n 1 new/environments/kid/env.yaml >line
has "environment.layer.schema.json\$" "init --from: the comment names the layer schema" line
editor 0 new/environments/kid/env.yaml "" "init kid: valid against the schema its comment names"
editor 1 new/environments/kid/env.yaml "$top/schemas/environment.schema.json" \
	"init kid: the whole schema would report false errors"
run_in new 0 "the new repository lints clean" lint

# a repository with schemas/ of its own: the comment is relative to the spec
mkdir -p new/schemas && cp data/schemas/environment*.json new/schemas/
run_in new 0 "init rel (own schemas/)" init rel
head -n 1 new/environments/rel/env.yaml >line
has "^# yaml-language-server: \$schema=../../schemas/environment.schema.json$" \
	"init: the repository's own schema, relative" line
run_in new 0 "init relkid --from rel (own schemas/)" init relkid --from rel
editor 0 new/environments/relkid/env.yaml "" "init relkid: its relative comment resolves, valid"

# 4. the shipped _defaults.yaml and specs against the schemas their comments name
for f in "$top"/environments/_defaults.yaml "$top"/environments/*/env.yaml; do
	editor 0 "$f" "" "${f#"$top"/}: valid against the schema its comment names"
done
editor 1 "$top/environments/_defaults.yaml" "$top/schemas/environment.schema.json" \
	"_defaults.yaml: the whole schema would report false errors"

summary cfg-schema 25

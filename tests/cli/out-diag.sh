#!/bin/sh
# `eragen check` reports every generated file that is out of date as a diagnostic in
# every format: OUT001 missing, OUT002 stale, OUT003 orphaned (DRIFT005 edited stays),
# each located at the generated file (line 1, or for a stale file the first line of the
# body that differs), with a help line saying what to run; JSON validates against
# docs/schemas/diagnostics.schema.json, SARIF with Microsoft's validator (when
# tests/validators/sarif is installed) and its invocation's exitCode is 1; `--format
# github` prints an annotation per file. The text format keeps its per-file report: a
# line per file naming the rule, the diffs only with --diff, --stat a line per file with
# its +/- lines (cross-checked with the files build then writes). Near misses stay
# silent: a comment in a spec, a touched file, a file under out/ eragen never wrote.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

valid() {
	if /usr/bin/python3 - "$top/docs/schemas/diagnostics.schema.json" "$1" >verr 2>&1 <<'PY'; then
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.Draft7Validator(schema).validate(json.load(open(sys.argv[2])))
PY
		ok "$2"
	else
		fail "$2: not valid against docs/schemas/diagnostics.schema.json:"; tail -n 5 verr
	fi
}

# q FILE EXPR: print the python expression EXPR over d, the JSON document of FILE
q() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# diag FILE RULE PATH FIELD: FIELD of the diagnostic RULE at PATH ('' when none)
diag() {
	q "$1" "next((str(x['$4']) for x in d['diagnostics'] if x['rule']=='$2' and x['file']=='$3'), '')"
}
eq() { [ "$1" = "$2" ] && ok "$3" || fail "$3: '$1', want '$2'"; }

r=$PWD/repo
rm -rf "$r" && mkdir -p "$r/environments/demo" "$r/environments/other"
cp "$top/tests/check/_base/environments/_defaults.yaml" "$r/environments/"
for e in demo:10.20.0.0/16 other:10.30.0.0/16; do
	cat >"$r/environments/${e%%:*}/env.yaml" <<YAML
eragen: 1
name: ${e%%:*}
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: ${e#*:}}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
done
(cd "$r" && git_ init -q . && "$ERAGEN" build -q) || fail "setup: build"
commit_all "$r" built

# 1. up to date: nothing in any format
run_in "$r" 0 "check: clean" check
run_in "$r" 0 "check --format json: clean" check --format json
eq "$(q out "len(d['diagnostics'])")" 0 "check --format json: clean: no diagnostic"
run_in "$r" 0 "check --format github: clean" check --format github
[ ! -s out ] && ok "check --format github: clean: no annotation" || { fail "annotations when clean:"; cat out; }

# 2. near misses: a comment in a spec, a touched file, a file eragen never wrote
printf '# a comment changes no output\n' >>"$r/environments/demo/env.yaml"
touch -d '2001-01-01 00:00:00' "$r/out/demo/env.mk"
echo "notes" >"$r/out/notes.md"
for f in json github sarif; do
	run_in "$r" 0 "near misses: check --format $f" check --format "$f"
	hasnt "OUT00" "near misses: no OUT rule in --format $f" out
done
eq "$(q out "d['runs'][0]['invocations'][0]['exitCode']")" 0 "near misses: sarif exitCode 0"
run_in "$r" 0 "near misses: check" check
[ ! -s out ] && ok "near misses: no report line" || { fail "near misses: a report:"; cat out; }
rm "$r/out/notes.md"
(cd "$r" && git_ checkout -q -- environments)

# 3. one of each: stale (a spec changed), missing (a file deleted), orphaned (an
# environment removed)
sed -i 's/10\.20\.0\.0/10.21.0.0/' "$r/environments/demo/env.yaml"
cp "$r/out/demo/env.mk" demo-env.mk
rm "$r/out/demo/env.mk"
cp "$r/out/other/env.mk" other-env.mk
rm -r "$r/environments/other"

run_in "$r" 1 "text: out of date" check
has "^out/demo/env.mk: missing (run 'eragen build') \[OUT001\]$" "text: missing, OUT001" out
has "^out/demo/infra/locals.tf: stale (its inputs changed; run 'eragen build') \[OUT002\]$" "text: stale, OUT002" out
has "^out/other/env.mk: orphaned (.*'eragen build --prune' deletes it) \[OUT003\]$" "text: orphaned, OUT003" out
has "^out/.eragen-manifest: stale (run 'eragen build') \[OUT002\]$" "text: the manifest, OUT002" out
hasnt "^--- a/\|^+++ b/\|^@@ " "text: no diff without --diff" out
hasnt "error\[OUT00" "text: the report stands for the diagnostics" err
has "generated files compared: 1 missing, .* stale, 0 edited, .* orphaned" "text: the summary" err
nlines=$(grep -c "\[OUT00[123]\]$" out)
cp out report.txt

run_in "$r" 1 "text -q" check -q
hasnt "generated files compared" "-q: no summary" err
cmp -s out report.txt && ok "-q: the same report" || fail "-q: another report"

run_in "$r" 1 "text --diff" check --diff
has "^+++ b/out/demo/env.mk$" "--diff: the missing file's diff" out
has "^--- a/out/demo/infra/locals.tf$" "--diff: the stale file's diff" out
has "^-.*10\.20\.0\.0/16" "--diff: the old value" out
has "^--- a/out/other/env.mk$" "--diff: the orphan's diff" out

run_in "$r" 1 "--stat" check --stat
[ "$(wc -l <out)" -eq "$nlines" ] && ok "--stat: one line per file ($nlines)" ||
	{ fail "--stat: $(wc -l <out) lines, want $nlines"; cat out; }
has "^missing  *+[0-9][0-9]*  *-0  out/demo/env.mk$" "--stat: missing" out
has "^stale  *+[1-9][0-9]*  *-[1-9][0-9]*  out/demo/infra/locals.tf$" "--stat: stale" out
orph=$(wc -l <other-env.mk)
has "^orphaned  *+0  *-$orph  out/other/env.mk$" "--stat: orphaned, its $orph lines" out
added=$(sed -n 's|^missing  *+\([0-9]*\) .* out/demo/env.mk$|\1|p' out)

# 4. JSON: every report line is a diagnostic, located at the file, with its help
run_in "$r" 1 "json: out of date" check --format json
cp out check.json
valid check.json "json: valid against the schema"
eq "$(q check.json "sum(x['rule'] in ('OUT001','OUT002','OUT003') for x in d['diagnostics'])")" \
	"$nlines" "json: one OUT diagnostic per report line"
eq "$(diag check.json OUT001 out/demo/env.mk line):$(diag check.json OUT001 out/demo/env.mk column)" \
	"1:1" "json: OUT001 at line 1"
eq "$(diag check.json OUT001 out/demo/env.mk help)" "run 'eragen build'" "json: OUT001's help"
eq "$(diag check.json OUT001 out/demo/env.mk severity)" "error" "json: OUT001 is an error"
line=$(diag check.json OUT002 out/demo/infra/locals.tf line)
[ "${line:-0}" -gt 4 ] && ok "json: OUT002 past the header (line $line)" || fail "json: OUT002 at line '$line'"
sed -n "${line:-1}p" "$r/out/demo/infra/locals.tf" | grep -q '10\.20\.0\.0' &&
	ok "json: OUT002 at the first line that differs" ||
	fail "json: line $line of locals.tf is not the changed one: $(sed -n "${line:-1}p" "$r/out/demo/infra/locals.tf")"
eq "$(diag check.json OUT003 out/other/env.mk line)" 1 "json: OUT003 at line 1"
diag check.json OUT003 out/other/env.mk help | grep -q "eragen build --prune" &&
	ok "json: OUT003's help names build --prune" || fail "json: OUT003's help"
eq "$(diag check.json OUT002 out/.eragen-manifest rule)" OUT002 "json: the stale manifest"
eq "$(q check.json "d['summary']['errors']")" "$nlines" "json: the summary counts them"

# 5. github: an annotation per file
run_in "$r" 1 "github: out of date" check --format github
has "^::error file=out/demo/env.mk,line=1,col=1,title=OUT001::generated file 'out/demo/env.mk' is missing" "github: OUT001" out
has "^::error file=out/demo/infra/locals.tf,line=$line,col=1,title=OUT002::" "github: OUT002 at line $line" out
has "^::error file=out/other/env.mk,line=1,col=1,title=OUT003::" "github: OUT003" out
eq "$(grep -c '^::error .*title=OUT00' out)" "$nlines" "github: one annotation per file"
has "out/demo/env.mk: missing" "github: the report on stderr" err

# 6. SARIF: the results, the exit code of the invocation, the validator
run_in "$r" 1 "sarif: out of date" check --format sarif
cp out check.sarif
eq "$(q check.sarif "sum(x['ruleId'] in ('OUT001','OUT002','OUT003') for x in d['runs'][0]['results'])")" \
	"$nlines" "sarif: one result per file"
eq "$(q check.sarif "d['runs'][0]['invocations'][0]['exitCode']")" 1 "sarif: exitCode 1"
eq "$(q check.sarif "sorted(r['id'] for r in d['runs'][0]['tool']['driver']['rules'] if r['id'].startswith('OUT'))")" \
	"['OUT001', 'OUT002', 'OUT003']" "sarif: the rules described"
tool=$top/tests/validators/sarif/node_modules/.bin/sarif-multitool
if [ -x "$tool" ]; then
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
		"$tool" validate "$PWD/check.sarif" -o "$PWD/check.log.sarif" --log ForceOverwrite >validator.out 2>&1
	if [ -s check.log.sarif ]; then
		n=$(q check.log.sarif "len(d['runs'])+0 if d.get('runs') else -1")
		errs=$(q check.log.sarif "sum((r.get('level') or 'warning')=='error' for run in d['runs'] for r in run.get('results',[])) + sum(n.get('level')=='error' for run in d['runs'] for i in run.get('invocations',[]) for n in i.get('toolExecutionNotifications',[])+i.get('toolConfigurationNotifications',[]))")
		[ "$n" -ge 1 ] && [ "$errs" = 0 ] && ok "sarif: the SARIF validator finds no error" ||
			fail "sarif: the validator: $errs errors ($n runs)"
	else
		fail "sarif: the validator wrote no log"; cat validator.out
	fi
else
	echo "sarif: the validator is not installed (sh .ci/deps sarif): tests/cli/sarif.sh installs it"
fi

# 7. ENV: only its files; orphans of a removed environment need a run over all
run_in "$r" 1 "json: check demo" check demo --format json
eq "$(q out "sorted(set(x['rule'] for x in d['diagnostics'] if x['rule'].startswith('OUT')))")" \
	"['OUT001', 'OUT002']" "json: check demo: no orphan judged"

# 8. --staged: in the index, help with --stage
(cd "$r" && git_ add -A)
run_in "$r" 1 "json --staged" check --staged --format json
eq "$(diag out OUT001 out/demo/env.mk message)" \
	"generated file 'out/demo/env.mk' is missing from the index" "--staged: OUT001 in the index"
eq "$(diag out OUT001 out/demo/env.mk help)" "run 'eragen build --stage'" "--staged: help with --stage"
diag out OUT003 out/other/env.mk help | grep -q "eragen build --prune --stage" &&
	ok "--staged: OUT003's help names --prune --stage" || fail "--staged: OUT003's help"

# 9. an edited orphan is DRIFT005, not OUT003; an edited file DRIFT005 as before
echo "# hand edit" >>"$r/out/other/env.mk"
echo "# hand edit" >>"$r/out/demo/helm/values.yaml"
run_in "$r" 1 "json: edits" check --format json
eq "$(diag out DRIFT005 out/other/env.mk rule):$(diag out OUT003 out/other/env.mk rule)" \
	"DRIFT005:" "json: an edited orphan is DRIFT005 only"
eq "$(diag out DRIFT005 out/demo/helm/values.yaml rule)" DRIFT005 "json: an edited file is DRIFT005"
cp other-env.mk "$r/out/other/env.mk"
(cd "$r" && git_ checkout -q -- out/demo/helm/values.yaml)

# 10. --stat's lines are those of what build writes; then check is clean
run_in "$r" 0 "build --prune" build --prune
eq "$(wc -l <"$r/out/demo/env.mk" | tr -d ' ')" "$added" "--stat: +$added, the lines build wrote"
cmp -s demo-env.mk "$r/out/demo/env.mk" && ok "build: the missing file back" || fail "build: env.mk differs"
run_in "$r" 0 "check after the build" check --format json
eq "$(q out "sum(x['rule'].startswith(('OUT', 'DRIFT005')) for x in d['diagnostics'])")" 0 \
	"json: clean after the build"

summary out-diag 40

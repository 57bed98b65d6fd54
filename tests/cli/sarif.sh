#!/bin/sh
# tests/cli/sarif.sh - eragen's SARIF output passes Microsoft's SARIF validator
# (@microsoft/sarif-multitool, pinned in tests/validators/sarif/package-lock.json and
# installed there by `sh .ci/deps sarif`).
#
# Validates two files:
#   1. `eragen lint --all --format sarif` on tests/fixtures/real-deployment (a real
#      repository layout with real findings);
#   2. the hand-made case of tests/unit/diag_fmt_test.c (notes with and without a file,
#      a suppressed finding, a finding without a file, a whole-file finding, every
#      character that needs escaping), which that program writes when given a path.
#
# The validator always exits 0, whatever it finds: this script reads its output log and
# fails on any result or notification at level "error", and when the log has no run
# (the validator checked nothing). As a cross-check for input the validator skips
# silently (it reports nothing at all for an out-of-enum "level", for instance), each file
# is also checked against the SARIF JSON schema shipped in the validator package, with
# python3-jsonschema when it is installed.
#
# Environment: ERAGEN (the binary, required), UNIT_DIR (where diag_fmt_test is; default
# build/tests/unit). Exit 0 when everything validated, 1 otherwise.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
fixture=$here/../fixtures/real-deployment
vdir=$top/tests/validators/sarif
tool=$vdir/node_modules/.bin/sarif-multitool
UNIT_DIR=${UNIT_DIR:-$top/build/tests/unit}

if [ -z "${ERAGEN:-}" ]; then
	fail "set ERAGEN to the eragen binary"
	exit 1
fi

# The validator is a self-contained .NET 8 program. Without libicu it dies at start
# ("Couldn't find a valid ICU package"); it needs no culture data to check JSON, so run
# it in invariant globalization mode and let it work with or without libicu.
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT DOTNET_CLI_TELEMETRY_OPTOUT

if [ ! -x "$tool" ]; then
	sh "$top/.ci/deps" sarif || {
		fail "cannot install the SARIF validator (sh .ci/deps sarif)"
		exit 1
	}
fi
if [ ! -x "$tool" ]; then
	fail "$tool is missing after sh .ci/deps sarif"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eragen-sarif.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
# The npm launcher passes its arguments through a shell, unquoted.
case $tmp in
*[!A-Za-z0-9/._+-]*)
	fail "the validator cannot take paths like '$tmp' (set TMPDIR)"
	exit 1
	;;
esac

# Reads a SARIF file; prints "runs results" or fails when it is not a SARIF log.
cat >"$tmp/shape.js" <<'EOF'
const fs = require('fs');
let log;
try {
	log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
	console.log('not JSON: ' + e.message);
	process.exit(1);
}
const runs = Array.isArray(log.runs) ? log.runs : [];
if (log.version !== '2.1.0' || runs.length === 0 || !Array.isArray(runs[0].results)) {
	console.log('not a SARIF 2.1.0 log with a run and a results array');
	process.exit(1);
}
console.log(runs.length + ' ' + runs.reduce((n, r) => n + r.results.length, 0));
EOF

# Reads the validator's log; prints every problem at level error, fails if there is one
# or if the validator checked nothing.
cat >"$tmp/verdict.js" <<'EOF'
const fs = require('fs');
const log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const runs = Array.isArray(log.runs) ? log.runs : [];
if (runs.length === 0) {
	console.log('  the validator log has no run: nothing was checked');
	process.exit(1);
}
// Results carry a message id and arguments; the text is in the rule's messageStrings.
function text(run, r) {
	const m = r.message || {};
	if (m.text)
		return m.text;
	const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
	const rule = rules[r.ruleIndex] || rules.find((x) => x.id === r.ruleId) || {};
	const s = rule.messageStrings && rule.messageStrings[m.id];
	const args = m.arguments || [];
	return s ? s.text.replace(/\{(\d+)\}/g, (_, i) => args[i]) : JSON.stringify(args);
}
let errors = 0, warnings = 0;
for (const run of runs) {
	for (const inv of run.invocations || []) {
		if (inv.executionSuccessful === false) {
			console.log('  error: the validator did not run to completion');
			errors++;
		}
		const notes = (inv.toolExecutionNotifications || [])
			.concat(inv.toolConfigurationNotifications || []);
		for (const n of notes) {
			if (n.level === 'error') {
				console.log('  error: ' + ((n.message && n.message.text) || JSON.stringify(n)));
				errors++;
			}
		}
	}
	for (const r of run.results || []) {
		const level = r.level || 'warning';
		if (level === 'error') {
			console.log('  error ' + r.ruleId + ': ' + text(run, r));
			errors++;
		} else if (level === 'warning') {
			console.log('  (warning ' + r.ruleId + ': ' + text(run, r) + ')');
			warnings++;
		}
	}
}
console.log('  validator: ' + errors + ' errors, ' + warnings + ' warnings');
process.exit(errors ? 1 : 0);
EOF

# The schema cross-check (python3-jsonschema); exit 2 when it cannot run.
cat >"$tmp/schema.py" <<'EOF'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(2)
with open(sys.argv[1]) as f:
    schema = json.load(f)
with open(sys.argv[2]) as f:
    inst = json.load(f)
cls = jsonschema.validators.validator_for(schema)
errs = sorted(cls(schema).iter_errors(inst), key=lambda e: list(e.absolute_path))
for e in errs:
    print("  schema: /%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message))
print("  schema: %d errors" % len(errs))
sys.exit(1 if errs else 0)
EOF
schema=$(find "$vdir/node_modules/@microsoft" -name sarif-2.1.0.json 2>/dev/null | sort | head -n 1)

# validate NAME FILE: the shape, then the validator, then the schema. Returns 1 only when
# FILE is not a SARIF log at all.
validate() {
	name=$1 file=$2
	if ! shape=$(node "$tmp/shape.js" "$file"); then
		fail "$name: $shape"
		return 1
	fi
	ok "$name: a SARIF log of ${shape#* } results"
	log=$tmp/$name.log.sarif
	"$tool" validate "$file" -o "$log" --log ForceOverwrite >"$tmp/$name.out" 2>&1
	if [ ! -s "$log" ]; then
		sed 's/^/  /' "$tmp/$name.out"
		fail "$name: the validator wrote no log"
		return
	fi
	node "$tmp/verdict.js" "$log" && ok "$name: the SARIF validator finds no error" ||
		fail "$name: the SARIF validator found errors"
	if [ -z "$schema" ]; then
		echo "  schema: skipped (no sarif-2.1.0.json in the validator package)"
		return
	fi
	python3 "$tmp/schema.py" "$schema" "$file"
	case $? in
	0) ok "$name: valid against the SARIF schema" ;;
	2) echo "  schema: skipped (python3-jsonschema is not installed)" ;;
	*) fail "$name: not valid against $schema" ;;
	esac
}

# 1. a real repository
if [ ! -d "$fixture/environments" ]; then
	fail "fixture $fixture has no environments/"
else
	"$ERAGEN" lint --all -C "$fixture" --format sarif >"$tmp/lint.sarif" 2>"$tmp/lint.err"
	rc=$?
	case $rc in
	0 | 1)
		if [ ! -s "$tmp/lint.sarif" ]; then
			fail "eragen lint --format sarif printed nothing (exit $rc)"
		elif validate real-deployment "$tmp/lint.sarif"; then
			# every finding of the JSON format is a SARIF result, and the reverse
			"$ERAGEN" lint --all -C "$fixture" --format json >"$tmp/lint.json" 2>/dev/null
			njson=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(
				process.argv[1], "utf8")).diagnostics.length)' "$tmp/lint.json" 2>/dev/null)
			nsarif=$(node "$tmp/shape.js" "$tmp/lint.sarif")
			nsarif=${nsarif#* }
			if [ "$njson" != "$nsarif" ]; then
				fail "--format json lists ${njson:-?} findings, --format sarif $nsarif"
			else
				ok "--format json and --format sarif list the same $nsarif findings"
			fi
		fi
		;;
	*)
		sed 's/^/  /' "$tmp/lint.err"
		fail "eragen lint --format sarif exited $rc (want 0 or 1)"
		;;
	esac
fi

# 2. the hand-made case
if [ ! -x "$UNIT_DIR/diag_fmt_test" ]; then
	fail "$UNIT_DIR/diag_fmt_test is not built (make build/tests/unit/diag_fmt_test)"
elif ! "$UNIT_DIR/diag_fmt_test" "$tmp/unit.sarif" >"$tmp/unit.out" 2>&1; then
	sed 's/^/  /' "$tmp/unit.out"
	fail "diag_fmt_test failed"
else
	validate diag_fmt_test "$tmp/unit.sarif"
fi

summary sarif

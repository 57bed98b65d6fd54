#!/bin/sh
# The command line itself: --version, --help, COMMAND --help, usage errors (exit 2),
# `make install` (the installed binary finds its installed schema), and -C from anywhere.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
expect() { # expect WANT_RC DESCRIPTION CMD...
	want=$1 what=$2
	shift 2
	"$@" >out 2>err
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $what: exit $rc, want $want"; cat out err; fails=$((fails + 1))
	else
		echo "ok   $what"
	fi
}

expect 0 "--version" "$ERAGEN" --version
grep -q '^eragen [0-9][0-9.]* (' out || { echo "FAIL --version text: $(cat out)"; fails=$((fails + 1)); }
expect 0 "--help" "$ERAGEN" --help
grep -q 'eragen lint' out || { echo "FAIL --help lists no commands"; fails=$((fails + 1)); }
for c in lint show explain; do
	expect 0 "$c --help" "$ERAGEN" "$c" --help
	grep -q "^usage: eragen $c" out || { echo "FAIL $c --help"; fails=$((fails + 1)); }
done
expect 2 "no command" "$ERAGEN"
expect 2 "unknown command" "$ERAGEN" frobnicate
expect 2 "unknown rule for explain" "$ERAGEN" explain NOPE999
expect 2 "--format without value" "$ERAGEN" -C "$top" lint --format
expect 2 "bad --color" "$ERAGEN" -C "$top" lint --color sometimes
expect 0 "explain is case-insensitive" "$ERAGEN" explain spec003
expect 0 "lint the shipped environments" "$ERAGEN" -C "$top" lint --all
expect 0 "lint from a subdirectory" sh -c "cd '$top/environments/cae' && '$ERAGEN' lint"
expect 2 "-C a missing directory" "$ERAGEN" -C /nonexistent/dir lint
expect 2 "-C a directory outside any repository" "$ERAGEN" -C /proc/self lint

# make install: the installed binary reads the installed schema, from any directory
prefix=$(pwd)/prefix
if make -s -C "$top" install PREFIX="$prefix" >install.log 2>&1; then
	mkdir -p repo/environments/demo
	cp "$top/tests/check/_base/environments/_defaults.yaml" repo/environments/
	cat >repo/environments/demo/env.yaml <<'YAML'
eragen: 1
name: demo
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci", runs_on: ubuntu-24.04, bogus: 1}
YAML
	expect 1 "installed binary finds its schema" "$prefix/bin/eragen" -C repo lint
	grep -q "SPEC003" err || { echo "FAIL installed binary did not validate"; cat err; fails=$((fails + 1)); }
	test -f "$prefix/share/eragen/schemas/environment.schema.json" ||
		{ echo "FAIL schema not installed"; fails=$((fails + 1)); }
else
	cat install.log
	echo "FAIL make install"
	fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]

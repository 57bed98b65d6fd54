#!/bin/sh
# The command line itself: --version, --help, COMMAND --help, usage errors (exit 2),
# `make install` (the installed binary finds its installed schema), and -C from anywhere.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

run_in . 0 "--version" --version
has '^eragen [0-9][0-9.]* (' "--version text" out
# the four libraries' versions, each as the library itself reports it
has "^libgit2 $(pkg-config --modversion libgit2), libyaml $(pkg-config --modversion yaml-0.1), PCRE2 $(pkg-config --modversion libpcre2-8), cJSON $(pkg-config --modversion libcjson)\$" \
	"--version: the libraries linked in" out
run_in . 0 "--help" --help
has 'eragen lint' "--help lists the commands" out
for c in lint show explain; do
	run_in . 0 "$c --help" "$c" --help
	has "^usage: eragen $c" "$c --help: its usage" out
done
run_in . 2 "no command"
run_in . 2 "unknown command" frobnicate
run_in . 2 "unknown rule for explain" explain NOPE999
run_in . 2 "--format without value" -C "$top" lint --format
run_in . 2 "bad --color" -C "$top" lint --color sometimes
run_in . 0 "explain is case-insensitive" explain spec003
run_in . 0 "lint the shipped environments" -C "$top" lint --all
run_in "$top/environments/cae" 0 "lint from a subdirectory" lint
run_in . 2 "-C a missing directory" -C /nonexistent/dir lint
run_in . 2 "-C a directory outside any repository" -C /proc/self lint

# make install: the installed binary reads the installed schema, from any directory
prefix=$(pwd)/prefix
if make -s -C "$top" install PREFIX="$prefix" >install.log 2>&1; then
	ok "make install"
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
	tested=$ERAGEN
	ERAGEN=$prefix/bin/eragen
	run_in . 1 "installed binary finds its schema" -C repo lint
	ERAGEN=$tested
	has "SPEC003" "installed binary validates" err
	[ -f "$prefix/share/eragen/schemas/environment.schema.json" ] && ok "schema installed" ||
		fail "schema not installed"
else
	cat install.log
	fail "make install"
fi
summary commands

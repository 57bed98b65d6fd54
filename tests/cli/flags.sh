#!/bin/sh
# The command line's flags, on a copy of the shipped environments in a git repository:
# "--flag=value" and "--flag value" are one thing (common flags and commands' own); a
# value may start with '-'; the last of a repeated flag wins; a missing value, an unknown
# flag, a switch given a value, a flag another command owns, and a wrong number of
# positional arguments are usage errors (exit 2) with the message and the usage line on
# stderr and nothing on stdout; "--" ends the flags; --help wins over a wrong number of
# arguments but not over a bad flag; -C must be a directory; "-q" is "--quiet".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

r=$(pwd)/repo
rm -rf "$r" && mkdir -p "$r"
cp -R "$top/environments" "$top/out" "$top/.github" "$top/.gitattributes" "$r/"
# the shipped environments acknowledge their AUTH008 notes: bring one back to filter
sed 's/ *# eragen:ignore AUTH008 .*//' "$r/environments/cae-dev/env.yaml" >"$r/x" &&
	mv "$r/x" "$r/environments/cae-dev/env.yaml"
(cd "$r" && git_ init -q && git_ add -A && git_ commit -qm shipped) || fail "setup"

# run WANT_RC DESCRIPTION ARGS...: eragen in $r (run_in)
run() { run_in "$r" "$@"; }

# usage WANT_MESSAGE COMMAND ARGS...: exit 2, stderr exactly "eragen: WANT_MESSAGE" and
# COMMAND's usage line, stdout empty
usage() {
	msg=$1 c=$2
	shift
	run 2 "$* -> '$msg'" "$@"
	line=$(sed -n 1p err)
	[ "$line" = "eragen: $msg" ] || fail "$*: first line '$line', want 'eragen: $msg'"
	sed -n 2p err | grep -q "^usage: eragen $c " || fail "$*: no usage line of '$c':"
	[ "$(wc -l <err)" -eq 2 ] || { fail "$*: stderr is not two lines:"; cat err; }
	[ ! -s out ] || { fail "$*: output on stdout:"; cat out; }
}

# same DESCRIPTION ARGS_A... :: ARGS_B...: both exit 0 and print the same (stdout, stderr)
same() {
	desc=$1 a=
	shift
	while [ "$1" != :: ]; do a="$a '$1'"; shift; done	# (no quotes in the arguments)
	shift
	eval "run 0 \"\$desc (a)\" $a"
	cp out out.a && cp err err.a
	run 0 "$desc (b)" "$@"
	if ! cmp -s out out.a || ! cmp -s err err.a; then
		fail "$desc: outputs differ"
		diff err.a err
	fi
}

# --flag=value and --flag value
same "--format=json / --format json" lint --format=json :: lint --format json
same "--color=never / --color never" lint --color=never :: lint --color never
same "--only=A,B / --only A,B" lint --only=AUTH008,NET001 :: lint --only AUTH008,NET001
same "--skip=A / --skip A" lint --skip=AUTH008 :: lint --skip AUTH008
same "--base=HEAD / --base HEAD" lint --base=HEAD :: lint --base HEAD
echo "# touched" >>"$r/environments/cae-dev/env.yaml"
same "changed --since=HEAD / --since HEAD" changed --since=HEAD --json :: \
	changed --since HEAD --json
grep -q '"name":"cae-dev"' out || { fail "changed --since HEAD: cae-dev not listed"; cat out; }
(cd "$r" && git_ checkout -q environments/cae-dev/env.yaml)
same "-q / --quiet" lint -q :: lint --quiet
same "--all / nothing" lint --all :: lint
same "the last --format wins" lint --format json --format text :: lint
run 0 "--format json prints JSON" lint --format json
grep -q '^{' out || { fail "--format json: stdout is not JSON:"; cat out; }
run 0 "--only=AUTH008 keeps the note" lint --only=AUTH008
grep -q 'AUTH008' err || fail "--only=AUTH008: no AUTH008"
run 0 "--skip AUTH008 drops the note" lint --skip AUTH008
! grep -q 'AUTH008' err || fail "--skip AUTH008: AUTH008 reported"
run 0 "init --from=PARENT" init fresh --from=cae-dev --quiet
[ -f "$r/environments/fresh/env.yaml" ] || fail "init --from=cae-dev wrote nothing"
grep -q '^extends: cae-dev' "$r/environments/fresh/env.yaml" 2>/dev/null ||
	fail "init --from=cae-dev: not extending cae-dev"
rm -rf "$r/environments/fresh"

# a value is the next argument, whatever it looks like
run 2 "--base takes '--werror' as its revision" lint --base --werror
grep -q "^eragen: --base '--werror' cannot be used" err || { fail "--base --werror"; cat err; }

# missing values
usage "--format needs a value" lint --format
usage "--color needs a value" lint --color
usage "--base needs a revision" lint --base
usage "--only needs a rule list" lint --only
usage "--skip needs a rule list" check --skip
usage "-C needs a directory" lint -C
usage "--since needs a value" changed --since
usage "--from needs a value" init new --from
# bad values
usage "unknown format 'xml' (text, json, sarif, github)" lint --format=xml
usage "unknown format '' (text, json, sarif, github)" lint --format=
usage "unknown color mode 'sometimes' (auto, always, never)" lint --color sometimes
usage "--only: unknown rule 'NOPE1'" lint --only SPEC003,NOPE1
usage "--skip: unknown rule 'nope'" lint --skip=nope
usage "--since REV is required" changed --since=
usage "--since REV is required" changed --json
# unknown flags, switches given a value, flags of another command
usage "unknown option '--bogus'" lint --bogus
usage "unknown option '--bogus'" lint --bogus --help
usage "unknown option '--bogus'" lint --help --bogus
usage "unknown option '---'" lint ---
usage "unknown option '-Cx'" lint -Cx
usage "unknown option '-C=.'" lint -C=.
usage "unknown option '--force=1'" build --force=1
usage "unknown option '--werror=yes'" lint --werror=yes
usage "unknown option '--json=1'" show cae --json=1
usage "unknown option '--staged'; did you mean '--stage'?" build --staged
usage "unknown option '--staged'" show cae --staged
usage "unknown option '--stage'; did you mean '--staged'?" lint --stage
usage "unknown option '--list'" lint --list
# positional arguments
usage "diff needs exactly two environments" diff cae
usage "diff needs exactly two environments" diff cae cae-dev cae-testing
usage "show needs exactly one environment" show
usage "init needs exactly one environment name" init a b
usage "unexpected argument 'x'" changed x --since HEAD
usage "hook needs 'install' or 'uninstall'" hook
usage "hook takes one of 'install', 'uninstall'" hook frob
usage "hook takes one of 'install', 'uninstall'" hook install extra
usage "explain needs one rule id" explain
usage "--force applies to 'hook install' only" hook uninstall --force
usage "--placement prints a table: --json and --origin do not apply to it" \
	show cae --placement --json
# "--" ends the flags
run 2 "lint -- --all: an environment named '--all'" lint -- --all
[ "$(cat err)" = "eragen: unknown environment '--all'" ] || { fail "lint -- --all"; cat err; }
same "show -- cae / show cae" show -- cae :: show cae
run 0 "explain -- SPEC003" explain -- SPEC003
grep -q '^SPEC003 (error)' out || { fail "explain -- SPEC003"; cat out; }
# --help: usage on stdout, exit 0, whatever the positionals
for c in "diff" "show" "init" "hook" "changed" "build a b c"; do
	# shellcheck disable=SC2086 # c is a word list
	run 0 "$c --help" $c --help
	grep -q "^usage: eragen ${c%% *} " out || { fail "$c --help: no usage on stdout"; cat out; }
	[ ! -s err ] || { fail "$c --help: stderr"; cat err; }
done
run 0 "--help skips the -C check" lint --help -C /nonexistent
# -C
run 2 "-C a missing directory" lint -C /nonexistent
[ "$(cat err)" = "eragen: '-C /nonexistent': no such directory" ] || { fail "-C missing"; cat err; }
run 2 "-C a file" lint -C /etc/passwd
[ "$(cat err)" = "eragen: '-C /etc/passwd': not a directory" ] || { fail "-C file"; cat err; }
same "-C before the command / after it" -C "$r" lint cae :: lint cae -C "$r"

echo "flags: $checks checks, $fails failed"
[ "$checks" -gt 0 ] && [ "$fails" = 0 ]

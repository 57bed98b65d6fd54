#!/bin/sh
# Hostile inputs: each gives its diagnostic and exit status within a time and a memory
# bound: never a crash, a hang, a sanitizer report, or a write outside the repository.
# Every case is its own repository (./NAME) with one environment.
#
# Memory: the peak RSS of every run is ru_maxrss as wait4 returns it, printed by GNU time
# (%M; the Debian package 'time', installed by .ci/deps test). Measured on these cases:
# 10-11 MB for the plain build, 22-24 MB under AddressSanitizer. The bounds below keep a
# margin of about 3 and stay far under what reading the 100 MB file or expanding the
# aliases would take. ulimit -v and ASan do not mix: under ASan (told by the binary
# itself) the bound is SAN_RSS_MB, measured the same way and also given to ASan as
# hard_rss_limit_mb, which stops a runaway run (ASan looks every 100 ms, so the short runs
# here are judged by the measured peak); any sanitizer report fails the case.
# shellcheck disable=SC2317 # the predicates are called through expect
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

RSS_MB=32	# plain build: every case
SAN_RSS_MB=64	# AddressSanitizer build: every case
MAX_MS=5000	# every case (a hang is stopped at 20 s)

# bad NAME WHY: case NAME failed, shown with the start of its output
bad() {
	fail "$1: $2"
	if [ -f "$1.out" ]; then head -c 2000 "$1.out"; echo; fi
}

[ -x /usr/bin/time ] || { fail "/usr/bin/time is missing (.ci/deps test installs 'time')"; exit 1; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=99:detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:exitcode=99:print_stacktrace=1}"
if ASAN_OPTIONS=help=1 "$ERAGEN" --version 2>&1 | grep -q 'flags for AddressSanitizer'; then
	bound=$SAN_RSS_MB
	ASAN_OPTIONS="$ASAN_OPTIONS:hard_rss_limit_mb=$SAN_RSS_MB"
	echo "AddressSanitizer build: peak RSS bound $bound MB (also hard_rss_limit_mb)"
else
	case "${SANITIZE:-}" in *address*)
		fail "SANITIZE=$SANITIZE but $ERAGEN has no AddressSanitizer"; exit 1 ;;
	esac
	bound=$RSS_MB
	echo "plain build: peak RSS bound $bound MB"
fi
sanitizer='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: AddressSanitizer'

# run NAME WANT_EXIT WANT_TEXT ARGS...: `eragen -C NAME ARGS` (prefixed by $wrap when set),
# output in NAME.out. Passes when it exits WANT_EXIT, its output holds WANT_TEXT (a fixed
# string; empty: the output must be empty), there is no sanitizer report, and wall time
# and peak RSS stay under the bounds.
wrap=
run() {
	name=$1 want=$2 text=$3
	shift 3
	start=$(date +%s%N)
	# shellcheck disable=SC2086 # $wrap is a command prefix
	/usr/bin/time -f '%M' -o "$name.rss" timeout 20 $wrap "$ERAGEN" -C "$name" "$@" \
		>"$name.out" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	kb=$(tail -n 1 "$name.rss")
	case "$kb" in
	'' | *[!0-9]*) bad "$name" "no peak RSS measured: $(cat "$name.rss")"; return 1 ;;
	esac
	if grep -Eq "$sanitizer" "$name.out"; then
		bad "$name" "sanitizer report (exit $rc)"; return 1
	fi
	if [ "$rc" -ne "$want" ]; then
		bad "$name" "exit $rc (want $want)"; return 1
	fi
	if [ -z "$text" ]; then
		[ ! -s "$name.out" ] || { bad "$name" "output where none was expected"; return 1; }
	elif ! grep -qF -- "$text" "$name.out"; then
		bad "$name" "no '$text' in the output"; return 1
	fi
	if [ "$ms" -gt "$MAX_MS" ]; then
		bad "$name" "took $ms ms (bound $MAX_MS ms)"; return 1
	fi
	if [ "$kb" -gt $((bound * 1024)) ]; then
		bad "$name" "peak RSS $kb KB (bound $bound MB)"; return 1
	fi
	ok "$name: exit $rc, $ms ms, peak RSS $((kb / 1024)).$((kb % 1024 * 10 / 1024)) MB"
}

# expect NAME WHAT COMMAND...: one more assertion about a case that ran
expect() {
	name=$1 what=$2
	shift 2
	if "$@"; then ok "$name: $what"; else bad "$name" "not so: $what"; fi
}
empty_dir() { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
no_cr() { ! grep -q "$(printf '\r')" "$1"; }
tree_is() { [ "$(cd "$1" && find . | LC_ALL=C sort | tr '\n' ' ')" = "$2" ]; }

mkrepo() { # mkrepo NAME: a repository with environments/demo/ and the shared defaults
	mkdir -p "$1/environments/demo"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
}
head_env='eragen: 1
name: demo
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}'
spec() { mkrepo "$1" && echo "$head_env" >"$1/environments/demo/env.yaml"; }

# ---- what the files hold -----------------------------------------------------------------

mkrepo laughs
{
	echo "$head_env"
	echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
	i=1
	while [ $i -le 12 ]; do
		echo "a$i: &a$i [*a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1))]"
		i=$((i + 1))
	done
} >laughs/environments/demo/env.yaml
run laughs 1 '[SPEC009]' lint --all

mkrepo deep
{ printf 'x: '; head -c 200000 /dev/zero | tr '\0' '['; } >deep/environments/demo/env.yaml
run deep 1 '[SPEC012]' lint --all

mkrepo deepmap
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%*sk:\n", i, "" }' >deepmap/environments/demo/env.yaml
run deepmap 1 '[SPEC012]' lint --all

# 100 MB: refused by its size, never read whole (that alone would exceed the bound)
mkrepo huge
{ echo "$head_env"; head -c 100000000 /dev/zero | tr '\0' '#'; } >huge/environments/demo/env.yaml
run huge 1 '[SPEC012]' lint --all

# the same file staged, then committed: the index and the baseline (DRIFT003) judge a blob
# by its header, without inflating it
git -C huge init -q && git -C huge add environments
run huge 1 '[SPEC012]' lint --staged --all
git -C huge -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false \
	commit -qm huge && echo "$head_env" >huge/environments/demo/env.yaml
run huge 0 '' lint --all

mkrepo badutf8
{ echo "$head_env"; printf 'description: "\303\050"\n'; } >badutf8/environments/demo/env.yaml
run badutf8 1 '[SPEC012]' lint --all

mkrepo utf16
printf '\377\376e\000r\000a\000' >utf16/environments/demo/env.yaml
run utf16 1 '[SPEC012]' lint --all

mkrepo nul
{ echo "$head_env"; printf 'description: a\000b\n'; } >nul/environments/demo/env.yaml
run nul 1 '[SPEC012]' lint --all

mkrepo dupkeys
{ echo "$head_env"; echo 'tier: production'; } >dupkeys/environments/demo/env.yaml
run dupkeys 1 '[SPEC002]' lint --all

mkrepo manydocs
{ echo "$head_env"; i=0; while [ $i -lt 1000 ]; do echo '---'; echo 'a: 1'; i=$((i + 1)); done; } \
	>manydocs/environments/demo/env.yaml
run manydocs 1 '[SPEC009]' lint --all

# CRLF and a BOM are fine: no diagnostic, exit 0
mkrepo crlf
{ printf '\357\273\277'; echo "$head_env" | sed 's/$/\r/'; } >crlf/environments/demo/env.yaml
run crlf 0 '' lint --all

# ... and where there are findings, their columns do not count the BOM, their lines are
# counted by LF, and no CR reaches the output
mkrepo crlfbom
{ printf '\357\273\277dsk: 1\r\n'; echo "$head_env" | sed 's/$/\r/'; printf 'ci2: {}\r\n'; } \
	>crlfbom/environments/demo/env.yaml
run crlfbom 1 "env.yaml:1:1: error[SPEC003]: unknown key 'dsk'" lint --all &&
	expect crlfbom "the last line's finding at 8:1" \
		grep -qF "env.yaml:8:1: error[SPEC003]: unknown key 'ci2'" crlfbom.out &&
	expect crlfbom "no CR in the output" no_cr crlfbom.out

# ---- paths: extends, environment names, symbolic links -------------------------------------

i=0
for x in ../../../etc/passwd ../../etc /etc ..; do
	i=$((i + 1)) name=extends$i
	mkrepo "$name"
	{ echo "$head_env"; echo "extends: $x"; } >"$name/environments/demo/env.yaml"
	run "$name" 1 "'extends' names an environment, not a path: '$x'" lint --all
done

# environment names with path separators: on the command line they name no environment
# (even where environments/NAME/env.yaml would resolve to a real spec outside), init refuses
# them, and nothing is written anywhere
spec names
mkdir -p evil && echo "$head_env" >evil/env.yaml	# names/environments/../../evil
run names 2 "unknown environment '../../evil'" lint ../../evil
run names 2 "unknown environment '../../evil'" build ../../evil
run names 2 "unknown environment 'demo/../demo'" show demo/../demo
run names 2 "unknown environment '/etc'" check /etc
run names 2 "unknown environment '../../evil'" diff demo ../../evil
run names 2 "invalid environment name '../evil'" init ../evil
run names 2 "invalid environment name 'a/b'" init a/b
expect names "nothing written in the repository" tree_is names \
	". ./environments ./environments/_defaults.yaml ./environments/demo ./environments/demo/env.yaml "
expect names "nothing written outside" tree_is evil ". ./env.yaml "

# a directory name with a backslash; a name: that is a path
mkrepo backslash
mv backslash/environments/demo 'backslash/environments/a\b'
echo "$head_env" | sed 's/^name: demo/name: a\\b/' >'backslash/environments/a\b/env.yaml'
run backslash 1 "environment name 'a\\b' is not valid" build --all &&
	expect backslash "nothing written" absent backslash/out
spec namepath
sed -i 's|^name: demo|name: ../../etc|' namepath/environments/demo/env.yaml
run namepath 1 "[SPEC007]" build --all && expect namepath "nothing written" absent namepath/out

mkrepo symlink
ln -s /etc/passwd symlink/environments/demo/env.yaml
run symlink 1 'a symbolic link that leads out of the repository' lint --all

# out/, one of its directories, .github/workflows: symbolic links leading outside are
# never written through
for c in outlink:out outsub:out/demo ghlink:.github/workflows; do
	name=${c%%:*} link=${c#*:}
	spec "$name"
	mkdir -p "$name.outside" "$(dirname "$name/$link")"
	ln -s "$PWD/$name.outside" "$name/$link"
	run "$name" 1 "'$link' is a symbolic link leading out of the repository" build --all &&
		expect "$name" "nothing written outside" empty_dir "$name.outside"
done

# a 100 MB file in place of a generated one: judged in the way (DRIFT005) by check and
# build without being read whole or shown in a diff
spec hugeout
"$ERAGEN" -C hugeout build --all >/dev/null 2>&1
head -c 100000000 /dev/zero | tr '\0' '#' >hugeout/out/demo/env.mk
run hugeout 1 "'out/demo/env.mk' is in the way of a generated file" check --all
run hugeout 1 "'out/demo/env.mk' is in the way of a generated file" build --all
run hugeout 0 "1 file written" build --all --force
run hugeout 0 "0 missing, 0 stale, 0 edited" check --all

# ---- files that cannot be read --------------------------------------------------------------
# A directory and a FIFO in place of env.yaml (a FIFO must not be waited on), and a mode-000
# file. Root reads mode-000 files through CAP_DAC_OVERRIDE, so as root eragen runs with no
# capabilities at all (setpriv, util-linux): still uid 0 and the owner of every other file
# here, but refused this one, as anyone else would be.

mkrepo notafile
mkdir notafile/environments/demo/env.yaml
run notafile 1 "'environments/demo/env.yaml' is not a regular file" lint --all

mkrepo fifo
mkfifo fifo/environments/demo/env.yaml
run fifo 1 "'environments/demo/env.yaml' is not a regular file" lint --all

spec mode000
chmod 000 mode000/environments/demo/env.yaml
[ "$(id -u)" = 0 ] && wrap='setpriv --bounding-set=-all --inh-caps=-all'
# shellcheck disable=SC2086
if $wrap cat mode000/environments/demo/env.yaml >/dev/null 2>&1; then
	bad mode000 "the file could not be made unreadable (wrapper: '$wrap')"
else
	run mode000 1 "cannot read 'environments/demo/env.yaml': Permission denied" lint --all
fi
wrap=

summary hostile

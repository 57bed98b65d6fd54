#!/bin/sh
# `make install DESTDIR= PREFIX=<tmp>` from the repository: the binary, schemas/*.json,
# templates, the man page and the bash completion land in place, byte for byte; the
# installed binary finds its data relative to itself (also after the tree is moved) and
# lints and builds a repository that has no schemas/ or templates/ of its own;
# `--version` prints the version and the commit; the man page renders without a groff
# warning, has every section and the synopsis of every command as `eragen --help`
# prints it; the completion script loads and completes commands, flags, environments
# (not abstract ones, except for init --from), formats and rule IDs.
#
# make runs with -o eragen: the test installs the ./eragen the build made and compiles
# nothing (the tree may be shared; the sanitizer run must not replace ./eragen). Once the
# installation is checked, the installed binary is replaced by $ERAGEN, the binary under
# test (a sanitizer build in the sanitizer run; ./eragen may be older than the templates).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

[ -x "$top/eragen" ] || { fail "no $top/eragen: run make first"; exit 1; }

p=$PWD/prefix
if make -C "$top" -o eragen install DESTDIR= PREFIX="$p" >make.log 2>&1; then
	ok "make install PREFIX=$p"
else
	fail "make install"; cat make.log
	exit 1
fi

# ---- what is installed --------------------------------------------------------------
[ -x "$p/bin/eragen" ] && cmp -s "$p/bin/eragen" "$ERAGEN" || fail "bin/eragen"
n=0
for f in "$top"/schemas/*.json; do
	cmp -s "$f" "$p/share/eragen/schemas/${f##*/}" || fail "schemas/${f##*/} not installed"
	n=$((n + 1))
done
[ "$n" -gt 0 ] && ok "$n schemas installed" || fail "no schema checked"
n=0
for f in $(cd "$top/templates" && find . -type f -name '*.mustache' | LC_ALL=C sort); do
	cmp -s "$top/templates/$f" "$p/share/eragen/templates/$f" || fail "templates/$f not installed"
	n=$((n + 1))
done
[ "$n" -gt 0 ] && ok "$n templates installed" || fail "no template checked"
cmp -s "$top/docs/eragen.1" "$p/share/man/man1/eragen.1" && ok "man page installed" ||
	fail "share/man/man1/eragen.1"
comp=$p/share/bash-completion/completions/eragen
cmp -s "$top/completion/eragen.bash" "$comp" && ok "completion installed" ||
	fail "share/bash-completion/completions/eragen"

# ---- the installed binary on a repository without schemas/ or templates/ -----------
cp "$ERAGEN" "$p/bin/eragen" || fail "cp $ERAGEN"
r=$PWD/repo
mkdir -p "$r"
cp -r "$top/environments" "$r/"
mkdir -p "$r/environments/_abstract"
cp "$top/environments/cae-testing/env.yaml" "$r/environments/_abstract/env.yaml"
sed -i 's/^name: cae-testing/name: _abstract/' "$r/environments/_abstract/env.yaml"
unset ERAGEN_DATADIR
tested=$ERAGEN
ERAGEN=$p/bin/eragen	# run_in runs the installed binary
run_in "$r" 0 "installed eragen lints a repository" lint
run_in "$r" 0 "installed eragen builds it with the installed templates" build
[ -f "$r/out/cae-testing/helm/values.yaml" ] && ok "build: the Helm values written" ||
	fail "build: no out/cae-testing/helm/values.yaml"
run_in "$r" 0 "installed eragen init" init scaffolded
has '^# Scaffolded by' "init scaffolds from the installed template" "$r/environments/scaffolded/env.yaml"
rm -rf "$r/environments/scaffolded"
# relocated: BIN/../share/eragen is found wherever the tree is
mv "$p" "$PWD/moved"
p=$PWD/moved
ERAGEN=$p/bin/eragen
run_in "$r" 0 "a moved installation still finds its data" check
# and it really reads them from there: without a data table it cannot lint
mv "$p/share/eragen/schemas/regions.json" regions.json
run_in "$r" 1 "without its regions.json: exit 1" lint
has "$p/share/eragen/schemas/regions.json" "the installed data tables are the ones read" err
mv regions.json "$p/share/eragen/schemas/regions.json"
ERAGEN=$tested
comp=$p/share/bash-completion/completions/eragen

# ---- --version ----------------------------------------------------------------------
for bin in "$p/bin/eragen" "$ERAGEN"; do
	v=$("$bin" --version) || fail "$bin --version: exit $?"
	if printf '%s\n' "$v" | grep -Eq '^eragen [0-9]+\.[0-9]+\.[0-9]+ \([0-9a-f]{7,40}\)$'; then
		ok "--version: $v"
	else
		fail "--version prints '$v', want 'eragen X.Y.Z (COMMIT)'"
	fi
done

# ---- the man page ---------------------------------------------------------------------
if ! command -v groff >/dev/null 2>&1; then
	fail "groff is missing (Debian groff-base, installed by .ci/deps test)"
else
	warn=$(groff -man -ww -z "$top/docs/eragen.1" 2>&1)
	[ -z "$warn" ] && ok "groff -man -ww: no warning" || fail "groff warnings: $warn"
	groff -man -Tascii -P-cbou "$top/docs/eragen.1" 2>/dev/null >man.txt
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS 'COMMON OPTIONS' 'EXIT STATUS' FILES \
		ENVIRONMENT EXAMPLES 'SEE ALSO'; do
		grep -q "^$s\$" man.txt || fail "man page: no section $s"
	done
	for w in NO_COLOR SOURCE_DATE_EPOCH ERAGEN_DATADIR PREFIX/share/eragen; do
		grep -q "$w" man.txt || fail "man page: $w not mentioned"
	done
	for code in 0 1 2 3 70; do
		grep -Eq "^ {7}$code( |\$)" man.txt || fail "man page: exit status $code not described"
	done
	# every command's synopsis, as `eragen --help` prints it
	n=0
	"$ERAGEN" --help | sed -n 's/^  eragen \([a-z]\)/\1/p' >usage.txt
	while IFS= read -r u; do
		n=$((n + 1))
		grep -qF -- "eragen $u" man.txt || fail "man page: no synopsis line 'eragen $u'"
		c=${u%% *}
		grep -Eq "^   eragen +$c( |$)" man.txt || fail "man page: no section for command $c"
	done <usage.txt
	[ "$n" -ge 9 ] && ok "man page: synopsis of $n commands as --help prints them" ||
		fail "only $n commands read from --help"
fi

# ---- bash completion -------------------------------------------------------------------
out=$(bash -c '. "$1" && complete -p eragen' sh "$comp" 2>&1)
[ "$out" = "complete -F _eragen eragen" ] && ok "completion loads: $out" ||
	fail "completion: '$out'"
out=$(cd "$top" && bash -c '. completion/eragen.bash && complete -p eragen' 2>&1)
[ "$out" = "complete -F _eragen eragen" ] || fail "completion/eragen.bash from the repository: '$out'"
shellcheck -s bash "$comp" >sc.out 2>&1 && ok "shellcheck: completion clean" ||
	{ fail "shellcheck completion"; cat sc.out; }

# complete WANT WORD...: the words so far (the last is being completed), in $r
complete_is() {
	want=$1
	shift
	got=$(cd "$r" && PATH="$p/bin:$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_eragen eragen "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "' sh "$comp" "$@")
	got=${got% }
	if [ "$got" = "$want" ]; then
		ok "complete '$*' -> $want"
	else
		fail "complete '$*': got '$got', want '$want'"
	fi
}
complete_is "build" eragen bu
complete_is "changed check" eragen ch
complete_is "cae cae-dev cae-testing" eragen build ""
complete_is "cae-dev cae-testing" eragen lint cae-
complete_is "_abstract cae cae-dev cae-testing" eragen init new --from ""
complete_is "" eragen init ""
complete_is "--force --format --fsync" eragen build --f
complete_is "--prune" eragen build --pr
complete_is "json" eragen lint --format j
complete_is "json" eragen lint --format = j
complete_is "always auto" eragen --color a
complete_is "install uninstall" eragen hook ""
complete_is "AUTH010 AUTH011" eragen explain AUTH01
complete_is "NET001,SCHED010 NET001,SCHED011 NET001,SCHED012 NET001,SCHED013 NET001,SCHED014 NET001,SCHED015" \
	eragen lint --only NET001,SCHED01
complete_is "cae-testing" eragen -C "$r" show cae-t
complete_is "--placement" eragen show cae --pl

summary install

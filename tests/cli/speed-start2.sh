#!/bin/sh
# Start-up and front-end shortcuts of a lint, second round: the answers are the full path's.
# - eragen names first the libraries libgit2 loads anyway whose own symbols are most of the
#   dynamic linker's work (gen/libs_first.sh): the dynamic loader maps exactly the shared
#   objects it maps for a program linked with the four pkg-config libraries only (a unit
#   program), and every symbol of every library binds to the same definition.
# Environment: ERAGEN, UNIT_DIR (utf8_test: linked with the pkg-config libraries only).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
: "${UNIT_DIR:?set UNIT_DIR to the built unit programs}"
plain="$UNIT_DIR/utf8_test"

# objects PROGRAM ARG...: the shared objects the dynamic loader maps for PROGRAM, one a
# line, sorted (the vDSO and the program itself aside)
objects() {
	LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*needed by.*/\1/p' |
		sort -u
}
# bindings PROGRAM ARG...: every symbol binding made by a library (all of them, now),
# the program's own name written EXE, sorted
bindings() {
	LD_DEBUG=bindings LD_BIND_NOW=1 "$@" 2>&1 >/dev/null | grep 'binding file ' |
		sed "s/^ *[0-9]*:[[:space:]]*//; s/ \[[0-9]*\]//g; s#$1#EXE#g" |
		grep -v '^binding file EXE ' | sort -u
}

if [ ! -x "$plain" ]; then
	fail "$plain is not built (make $plain)"
else
	objects "$ERAGEN" --version >objects.eragen
	objects "$plain" >objects.plain
	n=$(wc -l <objects.plain)
	[ "$n" -gt 4 ] && grep -q '^libgit2' objects.plain &&
		ok "the loader lists the $n objects of a program linked with the pkg-config libraries" ||
		fail "LD_DEBUG=files lists no libraries for $plain: $(head -c 300 objects.plain)"
	cmp -s objects.eragen objects.plain &&
		ok "eragen maps the same shared objects, no more and no fewer" ||
		fail "eragen maps other objects: $(diff objects.plain objects.eragen | tr '\n' ' ')"

	bindings "$ERAGEN" --version >bind.eragen
	bindings "$plain" >bind.plain
	n=$(wc -l <bind.plain)
	[ "$n" -gt 1000 ] && cmp -s bind.eragen bind.plain &&
		ok "each of the libraries' $n bindings finds the same definition" ||
		fail "bindings differ ($n): $(diff bind.plain bind.eragen | head -n 6 | tr '\n' ' ')"
fi

summary speed-start2

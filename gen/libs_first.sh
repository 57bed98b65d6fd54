#!/bin/sh
# gen/libs_first.sh LIBGIT2_SO - the link options that put, first in eragen's list of
# needed libraries, the libraries the installed libgit2 itself loads whose own symbol
# lookups are most of the dynamic linker's work at start-up, then libm and libc (in the
# order they always come in: libm defines some of libc's names, and keeps them).
#
# Each symbol the dynamic linker binds is looked up in the global scope: the executable,
# then its needed libraries breadth first. OpenSSL's libcrypto (libgit2 -> libssh2) binds
# about 3,400 of its own symbols and mbedTLS's libmbedcrypto about 600; as libgit2's
# dependencies they come last, after a walk through every library before them. Named
# first, each finds its own symbols at once: 2.9 M instructions of a lint's 23.7 M, with
# libc's symbols (which every library binds) found right after them.
#
# Consumes: the path of the installed libgit2.so (pkg-config's libdir). Produces: on
# standard output, the options (the loader's paths of those libraries, as the installed
# libgit2 finds them, within --no-as-needed), or nothing when libgit2 loads none of them
# or its dependencies cannot be listed. The set of loaded libraries never changes (a
# library libgit2 does not load is never named); only their order does.
# tests/cli/speed-start2.sh compares the set with a program linked without these options.
set -u
LC_ALL=C
export LC_ALL
deps=$(ldd "$1" 2>/dev/null) || exit 0
first=
for stem in libcrypto libmbedcrypto; do
	path=$(printf '%s\n' "$deps" | awk -v s="$stem" '
		$2 == "=>" && index($1, s ".so.") == 1 && $3 ~ /^\// { print $3; exit }')
	[ -n "$path" ] && first="$first $path"
done
[ -n "$first" ] && printf '%s\n' "-Wl,--push-state,--no-as-needed$first -lm -lc -Wl,--pop-state"
exit 0

#!/bin/sh
# gen/libs_shared.sh LIBGIT2_SO -lNAME... - the shared libraries that libgit2 calls and
# eragen's link does not take from a static archive: their full paths, for the link line.
#
# eragen links libgit2 and the libraries it uses from Debian's static archives (the
# Makefile's -lNAME options, from pkg-config). libgit2.a also calls libraries Debian
# ships no archive of: GSSAPI (libgssapi_krb5.so.2, for Negotiate authentication over
# HTTP), which libgit2's .pc does not list either. They are the libraries in the
# installed libgit2.so's own list of needed libraries that no -lNAME stands for, libc and
# libm aside (linked as always). Each is named by the full path the dynamic loader finds
# for libgit2.so (ldd), so no -dev package is needed to link it; what it loads in turn
# comes with it. tests/cli/speed-start2.sh checks that eragen maps these, their own
# dependencies, ld.so, libc, libm and libcjson, and nothing else.
#
# Consumes: the path of the installed libgit2.so (pkg-config's libdir) and the -l options
# linked statically. Produces: on standard output, the paths on one line (or an empty
# line); on standard error, a message and exit 1 when a needed library cannot be found.
set -u
LC_ALL=C
export LC_ALL
so=$1
shift
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
if [ -z "$needed" ]; then
	echo "gen/libs_shared.sh: cannot list the libraries $so needs" >&2
	exit 1
fi
deps=$(ldd "$so") || { echo "gen/libs_shared.sh: ldd $so failed" >&2 && exit 1; }
out=
for lib in $needed; do
	stem=${lib%%.so*}
	case $stem in libc | libm | ld-linux*) continue ;; esac
	static=
	for opt in "$@"; do
		[ "$opt" = "-l${stem#lib}" ] && static=1
	done
	[ -n "$static" ] && continue
	path=$(printf '%s\n' "$deps" | awk -v n="$lib" '$1 == n && $2 == "=>" && $3 ~ /^\// { print $3; exit }')
	[ -n "$path" ] || { echo "gen/libs_shared.sh: $so needs $lib, which ldd does not find" >&2 && exit 1; }
	out="$out $path"
done
printf '%s\n' "${out# }"

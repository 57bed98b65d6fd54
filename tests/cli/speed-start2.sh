#!/bin/sh
# Start-up and front-end shortcuts of a lint, second round: the answers are the full path's.
# - eragen links libgit2 and the libraries it uses, libyaml and PCRE2 from Debian's static
#   archives (Makefile): the shared objects the dynamic loader maps for it are exactly
#   libc, libm, libcjson and the libraries Debian ships no archive of that libgit2 calls
#   (gen/libs_shared.sh: GSSAPI) with what they load in turn, ld.so aside (the kernel
#   maps it, as the program's interpreter); no libgit2, libssh2, OpenSSL, mbedTLS,
#   http-parser, zlib, libyaml or PCRE2 shared object. A unit program maps the same (every
#   program of the tree links the same way). The libgit2 in the binary is the installed
#   libgit2-dev's version (pkg-config), so a stale or foreign archive is caught.
# - A repository file none of whose components is a symbolic link is opened without a
#   readlink of each component (srcfile.c: openat2 with RESOLVE_NO_SYMLINKS); a link
#   anywhere on the way is judged as before: a file or a directory linked inside the
#   repository is read, one leading out or into .git is SPEC012, and so is a root
#   reached through a link.
# Environment: ERAGEN, UNIT_DIR (utf8_test: a unit program), SANITIZE (the sanitizers'
# runtimes are then mapped too).
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
: "${UNIT_DIR:?set UNIT_DIR to the built unit programs}"
unit="$UNIT_DIR/utf8_test"

# objects PROGRAM ARG...: the shared objects the dynamic loader maps for PROGRAM, one a
# line, sorted (the vDSO, ld.so and the program itself aside)
objects() {
	LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*needed by.*/\1/p' |
		sort -u
}
# closure LIBRARY_PATH...: each library's name (its SONAME, as the loader lists it) and
# those of the libraries it loads (ldd), one a line
closure() {
	for lib in "$@"; do
		readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p'
		ldd "$lib" | awk '$2 == "=>" { print $1 }'
	done
}

# 1. what eragen maps
libdir=$(pkg-config --variable=libdir libgit2)
# shellcheck disable=SC2046 # the -l options are words
shared=$(sh "$top/gen/libs_shared.sh" "$libdir/libgit2.so" $(pkg-config --static --libs-only-l libgit2)) ||
	fail "gen/libs_shared.sh failed"
# a sanitized build (SANITIZE) also maps the sanitizers' runtimes, and what they load
san=
[ -n "${SANITIZE:-}" ] && san=$(ldd "$ERAGEN" | awk '$1 ~ /^lib(a|ub|l|t|hwa)san\.so/ && $2 == "=>" { print $3 }')
# shellcheck disable=SC2086 # the paths are words
closure "$libdir/libcjson.so" $shared $san >expected.all
printf '%s\n' libc.so.6 libm.so.6 >>expected.all
grep -v '^ld-linux' expected.all | sort -u >expected
objects "$ERAGEN" --version >objects.eragen
n=$(wc -l <objects.eragen)
[ "$n" -ge 3 ] && grep -qx 'libc.so.6' objects.eragen &&
	ok "the loader lists the $n shared objects eragen maps" ||
	fail "LD_DEBUG=files lists no libraries for $ERAGEN: $(head -c 300 objects.eragen)"
cmp -s expected objects.eragen &&
	ok "eragen maps libc, libm, libcjson and the closure of '${shared:-nothing}', and no other" ||
	fail "eragen maps other objects (< expected, > mapped): $(diff expected objects.eragen | grep '^[<>]' | tr '\n' ' ')"
bad=$(grep -E '^lib(git2|ssh2|crypto|ssl|mbed(tls|x509|crypto)|http_parser|z|yaml|pcre2)[-.]' objects.eragen | tr '\n' ' ')
[ -z "$bad" ] && ok "no libgit2, libssh2, OpenSSL, mbedTLS, http-parser, zlib, libyaml or PCRE2 shared object" ||
	fail "shared objects of libraries linked statically: $bad"
if [ ! -x "$unit" ]; then
	fail "$unit is not built (make $unit)"
else
	objects "$unit" >objects.unit
	cmp -s objects.eragen objects.unit && ok "a unit program maps the same shared objects" ||
		fail "utf8_test maps other objects: $(diff objects.eragen objects.unit | grep '^[<>]' | tr '\n' ' ')"
fi

# 2. the libgit2 in the binary (`eragen --version` asks it: git_libgit2_version()) is
# the installed libgit2-dev's, so that a stale or foreign archive is caught
want=$(pkg-config --modversion libgit2)
got=$("$ERAGEN" --version | sed -n 's/^libgit2 \([0-9.]*\),.*/\1/p')
[ -n "$got" ] && [ "$got" = "$want" ] && ok "the binary's libgit2 is $got, the installed libgit2-dev's" ||
	fail "eragen --version names libgit2 '${got:-(nothing)}', the installed libgit2-dev is $want"

# 3. symbolic links under the root (and the root through one), as they always were
rm -rf r out.* && mkdir -p r/environments/alpha r/keep/beta
cp "$top/tests/check/_base/environments/_defaults.yaml" r/environments/
cat >r/keep/alpha.yaml <<'YAML'
eragen: 1
name: alpha
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci", plan_role_arn: "arn:aws:iam::123456789012:role/ci"}
names: {cluster_role: ok-role, node_role: ok-role}
YAML
sed 's/alpha/beta/; s/10.20/10.30/; s/ephemeral/bogus/' r/keep/alpha.yaml >r/keep/beta/env.yaml
cp r/keep/alpha.yaml r/environments/alpha/env.yaml
(cd r && git_ init -q . && git_ add -A && git_ commit -qm init)
run_in r 0 "plain files: lint" lint --all
run_in r 0 "plain files: show" show alpha
cp out out.plain
[ -s out.plain ] && ok "alpha shown" || fail "show printed nothing"
if command -v strace >/dev/null 2>&1; then
	(cd r && strace -f -e trace=readlink,openat2 -o ../trace "$ERAGEN" lint --all >/dev/null 2>&1)
	grep -q 'openat2(.*environments/alpha/env.yaml.*RESOLVE_NO_SYMLINKS' trace &&
		ok "env.yaml opened with RESOLVE_NO_SYMLINKS" || { fail "no openat2 of env.yaml:"; cat trace; }
	hasnt 'readlink(".*/environments/alpha' "no readlink of its components" trace
else
	fail "strace is missing (.ci/deps test installs it)"
fi
ln -sf ../../keep/alpha.yaml r/environments/alpha/env.yaml
run_in r 0 "env.yaml a link inside the repository: lint" lint --all
run_in r 0 "env.yaml a link inside the repository: show" show alpha
cmp -s out out.plain && ok "the same output as the plain file" || { fail "output differs:"; diff out.plain out; }
ln -s ../keep/beta r/environments/beta
run_in r 1 "a linked directory inside the repository: read" lint --all
has '^environments/beta/env.yaml:3:7: error\[SPEC' "its finding (tier: bogus) reported" err
rm r/environments/beta
printf 'eragen: 1\n' >outside.yaml
ln -sf "$PWD/outside.yaml" r/environments/alpha/env.yaml
run_in r 1 "env.yaml a link out of the repository" lint --all
has "'environments/alpha/env.yaml' is a symbolic link that leads out of the repository" \
	"SPEC012: leads out" err
ln -sf ../../.git/config r/environments/alpha/env.yaml
run_in r 1 "env.yaml a link into .git" lint --all
has "'environments/alpha/env.yaml' is a symbolic link that leads into a .git directory" \
	"SPEC012: into .git" err
cp r/keep/alpha.yaml r/environments/alpha/env.yaml.new && mv r/environments/alpha/env.yaml.new r/environments/alpha/env.yaml
ln -sfn r rlink
run_in . 0 "the root reached through a link (-C): lint" -C rlink lint --all
run_in . 0 "the root reached through a link (-C): show" -C rlink show alpha
cmp -s out out.plain && ok "the same output as from the root" || { fail "output differs:"; diff out.plain out; }

summary speed-start2

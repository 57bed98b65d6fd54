#!/bin/sh
# Start-up and front-end shortcuts of a lint, second round: the answers are the full path's.
# - eragen names first the libraries libgit2 loads anyway whose own symbols are most of the
#   dynamic linker's work (gen/libs_first.sh): the dynamic loader maps exactly the shared
#   objects it maps for a program linked with the four pkg-config libraries only (a unit
#   program), and every symbol of every library binds to the same definition.
# - A repository file none of whose components is a symbolic link is opened without a
#   readlink of each component (srcfile.c: openat2 with RESOLVE_NO_SYMLINKS); a link
#   anywhere on the way is judged as before: a file or a directory linked inside the
#   repository is read, one leading out or into .git is SPEC012, and so is a root
#   reached through a link.
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

# 2. symbolic links under the root (and the root through one), as they always were
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

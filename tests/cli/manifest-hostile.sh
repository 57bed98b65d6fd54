#!/bin/sh
# out/.eragen-manifest is committed, so a pull request can edit it, and CI runs eragen on
# the pull request: every path it names is untrusted. Here a hostile manifest names files
# eragen never generated (.git/HEAD, .git/config, a spec, a hand-written workflow, a path
# with '..', a control character, an empty component...), files reached through symbolic
# links, directories, eragen's own files; it is a FIFO, larger than 8 MiB, written with
# CRLF, lists a path twice or twice but for case. Nothing it names outside what eragen
# generates is read, printed, deleted or unstaged; each bad line is SPEC012 at the
# manifest's file:line:col; an orphan edited by hand survives `build --prune`, an intact
# one goes. Then the lock: two builds at once give one success and one clean wait (or exit
# 3, "another eragen build is running"), never a broken tree; a stale lock file does not
# block; the lock file never stays behind.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

# same WHAT FILE SUM: FILE still has the sha1sum SUM (it was neither deleted nor changed)
same() {
	if [ -f "$2" ] && [ "$(sha1sum <"$2")" = "$3" ]; then ok "$1"; else fail "$1: '$2' was deleted or changed"; fi
}

# env DIR NAME CIDR: environments/NAME/env.yaml under DIR
env() {
	mkdir -p "$1/environments/$2"
	cat >"$1/environments/$2/env.yaml" <<YAML
eragen: 1
name: $2
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: $3}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
}

# the template: two environments, built and committed, with a hand-written workflow
tpl=$PWD/tpl
rm -rf "$tpl" && mkdir -p "$tpl/environments" "$tpl/.github/workflows"
cp "$top/tests/check/_base/environments/_defaults.yaml" "$tpl/environments/"
env "$tpl" demo 10.20.0.0/16
env "$tpl" other 10.30.0.0/16
printf 'name: ci\non: push\njobs: {}\n' >"$tpl/.github/workflows/ci.yml"
echo "# the project" >"$tpl/README.md"
(cd "$tpl" && git_ init -q . && "$ERAGEN" build >/dev/null 2>&1 && git_ add -A &&
	git_ commit -qm base) || { fail "setup: the template does not build"; exit 1; }

# fresh NAME: a copy of the template in ./NAME, $r its path
fresh() { r=$PWD/$1; rm -rf "$r" && cp -a "$tpl" "$r"; }
# entry PATH [BLOB]: a manifest line for PATH (BLOB: git's blob ID of PATH, or zeros)
entry() {
	b=${2:-$( (cd "$r" && git hash-object "$1" 2>/dev/null) || echo 0000000000000000000000000000000000000000)}
	printf '%s  %s\n' "$b" "$1" >>"$r/out/.eragen-manifest"
}
mline() { grep -n -F -- "  $1" "$r/out/.eragen-manifest" | head -n 1 | cut -d: -f1; }

# ---- paths outside what eragen generates ------------------------------------------------

# each with its true digest, so that only the path check can stop it
for target in .git/HEAD .git/config environments/demo/env.yaml .github/workflows/ci.yml \
	README.md; do
	name=$(echo "$target" | tr './' '__')
	fresh "$name"
	sum=$(sha1sum <"$r/$target")
	entry "$target"
	n=$(mline "$target")
	case $target in	# a word of the file, never in check's output otherwise
	.git/HEAD) marker=refs/heads ;; .git/config) marker=repositoryformatversion ;;
	*.yaml) marker=vpc_cidr ;; *.yml) marker='jobs: {}' ;; *) marker='the project' ;;
	esac
	run_in "$r" 1 "check: '$target' in the manifest" check
	has "out/.eragen-manifest:$n:43: error\[SPEC012\]: '$target' is not a path eragen generates" \
		"check: '$target'" err
	hasnt "a/$target" "check: '$target' not diffed" out
	hasnt "$marker" "check: '$target' not printed" out
	run_in "$r" 1 "build --prune: '$target' in the manifest" build --prune
	has "out/.eragen-manifest:$n:43: error\[SPEC012\]" "build --prune: '$target'" err
	same "build --prune: '$target'" "$r/$target" "$sum"
done

# --stage: a path deleted by hand is never removed from the index on the manifest's word
fresh stage-readme
rm "$r/README.md"
entry README.md "$(cd "$r" && git rev-parse HEAD:README.md)"
run_in "$r" 1 "build --stage: README.md in the manifest" build --stage --prune
(cd "$r" && git ls-files --error-unmatch README.md >/dev/null 2>&1) ||
	fail "build --stage: README.md was removed from the index"
# check --staged: the index's copy of a spec is never printed either
fresh staged-spec
entry environments/demo/env.yaml
(cd "$r" && git_ add out/.eragen-manifest)
run_in "$r" 1 "check --staged: a spec in the staged manifest" check --staged
has "out/.eragen-manifest:$(mline environments/demo/env.yaml):43: error\[SPEC012\]" "check --staged" err
hasnt "vpc_cidr" "check --staged: the spec not printed" out

# ---- malformed lines: each is SPEC012 at its line and column ---------------------------

# malformed LABEL COL TEXT LINE: the manifest gains LINE (printf format); check must say
# SPEC012 at that line and column, and TEXT
malformed() {
	fresh "bad-$1"
	printf "$4\n" >>"$r/out/.eragen-manifest"
	n=$(wc -l <"$r/out/.eragen-manifest")
	run_in "$r" 1 "check: $1" check
	has "out/.eragen-manifest:$n:$2: error\[SPEC012\]: $3" "check: $1" err
	run_in "$r" 1 "build --prune: $1" build --prune
	has "out/.eragen-manifest:$n:$2: error\[SPEC012\]" "build --prune: $1" err
}
z=0000000000000000000000000000000000000000
malformed dotdot 47 "the path has a '.' or '..' component" "$z  out/../environments/demo/env.yaml"
malformed dot 47 "the path has a '.' or '..' component" "$z  out/./demo/env.mk"
malformed absolute 43 "the path is absolute" "$z  /etc/passwd"
malformed empty-component 47 "the path has an empty component" "$z  out//demo/env.mk"
malformed trailing-slash 59 "the path has an empty component" "$z  out/demo/env.mk/"
malformed empty-path 43 "the path is empty" "$z  "
malformed control 51 "the path contains a control character" "$z  out/demo\033]0;x\007.mk"
malformed bad-digest 3 "expected '<blob ID>  <path>'" "00X0000000000000000000000000000000000000  out/demo/env.mk"
malformed upper-digest 1 "expected '<blob ID>  <path>'" "A000000000000000000000000000000000000000  out/demo/env.mk"
malformed short-digest 5 "expected '<blob ID>  <path>'" "0000  out/demo/env.mk"
malformed one-space 41 "expected two spaces" "$z out/demo/env.mk"
malformed own-journal 43 "'out/.eragen-journal' is one of eragen's own files" "$z  out/.eragen-journal"
malformed own-lock 43 "'out/.eragen-lock' is one of eragen's own files" "$z  out/.eragen-lock"
malformed temp-file 43 "'out/demo/.env.mk.eragen-tmp' is one of eragen's own files" "$z  out/demo/.env.mk.eragen-tmp"
malformed not-generated 43 "'out/notes.txt' is not a path eragen generates" "$z  out/notes.txt"
long=$(head -c 2000 /dev/zero | tr '\0' a)
malformed long-line 1067 "the line is longer than 1066 bytes" "$z  out/demo/infra/$long.tf"
# listed twice, or twice but for case: neither line is believed
fresh dup
l=$(grep '  out/demo/env.mk$' "$r/out/.eragen-manifest")
echo "$l" >>"$r/out/.eragen-manifest"
n=$(wc -l <"$r/out/.eragen-manifest")
run_in "$r" 1 "check: a path listed twice" check
has "out/.eragen-manifest:$n:43: error\[SPEC012\]: 'out/demo/env.mk' is listed twice" "check: twice" err
fresh dup-case
sum=$(sha1sum <"$r/out/demo/env.mk")
echo "$(cd "$r" && git hash-object out/demo/env.mk)  out/Demo/env.mk" >>"$r/out/.eragen-manifest"
n=$(wc -l <"$r/out/.eragen-manifest")
run_in "$r" 1 "check: a path listed twice but for case" check
has "out/.eragen-manifest:$n:43: error\[SPEC012\]: 'out/Demo/env.mk' differs from 'out/demo/env.mk' only by case" \
	"check: case" err
run_in "$r" 1 "build --prune: a path listed twice but for case" build --prune
same "build --prune: case" "$r/out/demo/env.mk" "$sum"
# NUL bytes: the manifest is not text, and none of its lines is believed
fresh nul
printf '%s  .git/HEAD\n\000\n' "$(cd "$r" && git hash-object .git/HEAD)" >>"$r/out/.eragen-manifest"
run_in "$r" 1 "check: a NUL byte in the manifest" check
has "out/.eragen-manifest:[0-9]*:1: error\[SPEC012\]: 'out/.eragen-manifest' contains a NUL byte" "check: NUL" err
run_in "$r" 1 "build --prune: a NUL byte" build --prune
[ -f "$r/.git/HEAD" ] || fail "build --prune: a NUL byte: .git/HEAD deleted"

# CRLF line ends (a checkout that converted them): the entries are read as they are meant
# (a removed environment's files are still its orphans), and the next build writes LF
fresh crlf
sed -i 's/$/\r/' "$r/out/.eragen-manifest"
rm -r "$r/environments/other"
run_in "$r" 1 "check: a CRLF manifest" check
hasnt "DRIFT005\|SPEC012" "check: CRLF" err
has "out/other/env.mk: orphaned" "check: CRLF" out
run_in "$r" 0 "build --prune: a CRLF manifest" build --prune
[ ! -e "$r/out/other" ] || fail "build --prune: CRLF: the orphans are still there"
run_in "$r" 0 "check: clean after" check
! grep -q "$(printf '\r')" "$r/out/.eragen-manifest" || fail "build: the manifest kept its CRs"

# a FIFO in place of the manifest: refused, never waited on
fresh fifo
rm "$r/out/.eragen-manifest" && mkfifo "$r/out/.eragen-manifest"
(cd "$r" && timeout 10 "$ERAGEN" check) >out 2>err
rc=$?
[ "$rc" = 1 ] && grep -q "error\[SPEC012\]: 'out/.eragen-manifest' is not a regular file" err &&
	ok "check: a FIFO manifest" || { fail "check: a FIFO manifest: exit $rc"; cat err; }
# larger than 8 MiB: not believed at all (not taken for a missing one either)
fresh huge
{ cat "$r/out/.eragen-manifest"; head -c 9000000 /dev/zero | tr '\0' '\n'; } >huge.tmp &&
	mv huge.tmp "$r/out/.eragen-manifest"
run_in "$r" 1 "check: a manifest over 8 MiB" check
has "error\[SPEC012\]: 'out/.eragen-manifest' is too large" "check: huge" err
run_in "$r" 1 "build: a manifest over 8 MiB" build
has "nothing written" "build: huge" err

# ---- symbolic links, directories, other names for generated files ----------------------

# a symbolic link inside out/ to .git/config, listed with the digest of what it points to
fresh link-file
ln -s ../../../.git/config "$r/out/demo/infra/link.tf"
sum=$(sha1sum <"$r/.git/config")
entry out/demo/infra/link.tf "$(cd "$r" && git hash-object .git/config)"
n=$(mline out/demo/infra/link.tf)
run_in "$r" 1 "check: a symlink to .git/config in the manifest" check
has "out/.eragen-manifest:$n:43: error\[SPEC012\]: 'out/demo/infra/link.tf' is not a regular file reached without a symbolic link" \
	"check: symlink" err
hasnt "repositoryformatversion" "check: .git/config not printed" out
run_in "$r" 1 "build --prune: a symlink to .git/config" build --prune
same "build --prune: symlink" "$r/.git/config" "$sum"
[ -L "$r/out/demo/infra/link.tf" ] || fail "build --prune: the symlink was deleted"
# a directory of out/ that is a symbolic link into environments/
fresh link-dir
mkdir -p "$r/out/gone" && ln -s ../../environments/demo "$r/out/gone/infra"
sum=$(sha1sum <"$r/environments/demo/env.yaml")
entry out/gone/infra/env.yaml "$(cd "$r" && git hash-object environments/demo/env.yaml)"
n=$(mline out/gone/infra/env.yaml)
run_in "$r" 1 "check: a path through a symlinked directory" check
has "out/.eragen-manifest:$n:43: error\[SPEC012\]" "check: symlinked dir" err
hasnt "vpc_cidr" "check: the spec not printed" out
run_in "$r" 1 "build --prune: a path through a symlinked directory" build --prune
same "build --prune: symlinked dir" "$r/environments/demo/env.yaml" "$sum"
# a directory where the manifest names a file
fresh dir-entry
mkdir -p "$r/out/demo/infra/sub.tf"
entry out/demo/infra/sub.tf
run_in "$r" 1 "check: an entry naming a directory" check
has "out/.eragen-manifest:$(mline out/demo/infra/sub.tf):43: error\[SPEC012\]" "check: directory" err
[ -d "$r/out/demo/infra/sub.tf" ] || fail "check: the directory is gone"
# a generated file that is a symbolic link (inside the repository) is not read either
fresh link-generated
rm "$r/out/demo/env.mk" && ln -s ../../.git/config "$r/out/demo/env.mk"
run_in "$r" 1 "check: a generated file that is a symlink to .git/config" check
has "error\[SPEC012\]: 'out/demo/env.mk' is a symbolic link" "check: generated symlink" err
hasnt "repositoryformatversion" "check: .git/config not printed" out
# a hard link to a generated file, listed as an orphan: one of the generated files
fresh hardlink
ln "$r/out/demo/env.mk" "$r/out/demo/infra/alias.tf"
entry out/demo/infra/alias.tf
run_in "$r" 1 "build --prune: a hard link to a generated file" build --prune
has "'out/demo/infra/alias.tf' is one of the generated files under another name" "build: hard link" err
[ -f "$r/out/demo/infra/alias.tf" ] || fail "build --prune: the alias was deleted"

# ---- orphans: an intact one is pruned, an edited one is kept -----------------------------

fresh orphans
rm -r "$r/environments/other"
echo "# kept: a note of mine" >>"$r/out/other/env.mk"
run_in "$r" 1 "check: an edited orphan" check
has "error\[DRIFT005\]: orphaned file 'out/other/env.mk' was edited by hand" "check: edited orphan" err
has "out/other/env.mk: orphaned and edited by hand" "check: edited orphan" out
has "out/other/helm/values.yaml: orphaned (no input" "check: intact orphan" out
run_in "$r" 0 "build --prune: orphans" build --prune
has "note: 'out/other/env.mk' is no longer generated, and edited by hand" "build --prune" err
grep -q "a note of mine" "$r/out/other/env.mk" 2>/dev/null ||
	fail "build --prune: the edited orphan was deleted"
[ ! -e "$r/out/other/helm/values.yaml" ] || fail "build --prune: an intact orphan was kept"
[ ! -e "$r/out/other/infra" ] || fail "build --prune: out/other/infra/ is still there"
grep -q '  out/other/env.mk$' "$r/out/.eragen-manifest" ||
	fail "build --prune: the edited orphan left the manifest"
run_in "$r" 1 "check: the edited orphan is still reported" check
has "error\[DRIFT005\]" "check: after --prune" err
rm "$r/out/other/env.mk"
run_in "$r" 0 "build --prune: once deleted by hand" build --prune
run_in "$r" 0 "check: clean" check

# ---- extra files whose names the manifest could not hold --------------------------------

fresh extra-control
mkdir -p "$r/environments/demo/extra/infra"
echo 'locals {}' >"$r/environments/demo/extra/infra/$(printf 'a\nb').tf"
run_in "$r" 1 "build: an extra file with a newline in its name" build
has "error\[SPEC012\]: its name cannot be copied into out/: the path contains a control character" \
	"build: extra newline" err
fresh extra-case
mkdir -p "$r/environments/demo/extra/infra"
echo 'locals {}' >"$r/environments/demo/extra/infra/Eks.tf"
run_in "$r" 1 "build: an extra file named like a generated one but for case" build
has "'Eks.tf' has the name of a generated file of the infra stack but for case" "build: extra case" err

# ---- inputs: never read through a symbolic link into .git ------------------------------

# an extra .tf file linked to .git/config would be copied into out/ and shown by check
fresh extra-git
mkdir -p "$r/environments/demo/extra/infra"
ln -s ../../../../.git/config "$r/environments/demo/extra/infra/x.tf"
run_in "$r" 1 "build: an extra file linked to .git/config" build
has "error\[SPEC012\]: 'environments/demo/extra/infra/x.tf' is a symbolic link that leads into a .git directory" \
	"build: extra into .git" err
[ ! -e "$r/out/demo/infra/x.tf" ] || fail "build: .git/config was copied into out/"
run_in "$r" 1 "check: an extra file linked to .git/config" check
hasnt "repositoryformatversion" "check: .git/config not printed" out

# ---- the lock -----------------------------------------------------------------------------

# held by another process: wait, then exit 3; nothing written
fresh lock-held
sed -i 's|10.20.0.0/16|10.21.0.0/16|' "$r/environments/demo/env.yaml"
flock "$r/out/.eragen-lock" sleep 4 &
holder=$!
sleep 0.5
before=$(cd "$r" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs sha1sum)
export ERAGEN_LOCK_TIMEOUT=1
run_in "$r" 3 "build: the lock is held" build
has "another eragen build is running" "build: lock held" err
after=$(cd "$r" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs sha1sum)
[ "$before" = "$after" ] || fail "build: wrote while another build held the lock"
# check needs no lock
run_in "$r" 1 "check: while the lock is held" check
has "out/demo/infra/locals.tf: stale" "check: lock held" out
wait "$holder"
# released while waiting: the build goes on, and leaves no lock file behind
flock "$r/out/.eragen-lock" sleep 1 &
holder=$!
sleep 0.3
ERAGEN_LOCK_TIMEOUT=20
run_in "$r" 0 "build: waits for the lock" build
has "waiting for it" "build: waits" err
wait "$holder"
[ ! -e "$r/out/.eragen-lock" ] || fail "build: left out/.eragen-lock behind"
# a stale lock file (its process is gone) does not block, and does not stay
fresh lock-stale
: >"$r/out/.eragen-lock"
sed -i 's|10.20.0.0/16|10.22.0.0/16|' "$r/environments/demo/env.yaml"
ERAGEN_LOCK_TIMEOUT=0
run_in "$r" 0 "build: a stale lock file" build
unset ERAGEN_LOCK_TIMEOUT
[ -z "$(cd "$r" && git status --porcelain --untracked-files=all | grep '^??')" ] ||
	{ fail "build: a stale lock: files left untracked"; (cd "$r" && git status --short); }
# not a regular file: SPEC012, nothing written
fresh lock-dir
mkdir "$r/out/.eragen-lock"
sed -i 's|10.20.0.0/16|10.22.0.0/16|' "$r/environments/demo/env.yaml"
run_in "$r" 1 "build: out/.eragen-lock is a directory" build
has "error\[SPEC012\]: 'out/.eragen-lock' is not a regular file" "build: lock dir" err

# two (then four) builds at once from an empty out/, on 40 environments: each exits 0 or
# waits and exits 3 with the message, at least one succeeds, and the tree is then exactly
# what one build writes (check is clean, no temp or lock file is left)
here=$PWD big=$PWD/big
rm -rf "$big" && mkdir -p "$big/environments"
cp "$top/tests/check/_base/environments/_defaults.yaml" "$big/environments/"
i=1
while [ $i -le 40 ]; do env "$big" "e$i" "10.$i.0.0/16"; i=$((i + 1)); done
(cd "$big" && git_ init -q .)
for round in 1 2 3; do
	for n in 2 4; do
		rm -rf "$big/out" "$big/.github" "$big/.gitattributes"
		k=1
		while [ $k -le $n ]; do
			(cd "$big" && ERAGEN_LOCK_TIMEOUT=30 "$ERAGEN" build >"$here/par$k.out" 2>&1
			 echo $? >"$here/par$k.rc") &
			k=$((k + 1))
		done
		wait
		good=0 k=1
		while [ $k -le $n ]; do
			rc=$(cat "par$k.rc")
			case $rc in
			0) good=$((good + 1)) ;;
			3) grep -q "another eragen build is running" "par$k.out" ||
				{ fail "parallel $round/$n: exit 3 without the message"; cat "par$k.out"; } ;;
			*) fail "parallel $round/$n: a build exited $rc"; cat "par$k.out" ;;
			esac
			k=$((k + 1))
		done
		[ "$good" -ge 1 ] || fail "parallel $round/$n: no build succeeded"
		(cd "$big" && "$ERAGEN" check >/dev/null 2>&1) ||
			fail "parallel $round/$n: check is not clean afterwards"
		left=$(find "$big" -path "$big/.git" -prune -o \( -name '*.eragen-tmp' -o -name .eragen-lock -o -name .eragen-journal \) -print)
		[ -z "$left" ] || fail "parallel $round/$n: left behind: $left"
	done
done
ok "parallel builds: 3 rounds of 2 and 4"

summary manifest-hostile

#!/bin/sh
# The git index as eragen reads it for --staged (gen/repo_index_file.c) against libgit2,
# which read it before and still reads what that reader declines:
#   1. indexes real git made in many shapes (versions 2, 3 and 4; intent-to-add and
#      skip-worktree entries; conflicts; symbolic links, a submodule, executables; a
#      path of 4,200 bytes; byte-order edge names and non-ASCII ones; the extensions
#      TREE, REUC, UNTR, EOIE and IEOT; GIT_INDEX_FILE; an index that is a symbolic
#      link): the unit program (index_test) holds every entry and answer against
#      libgit2's, ERAGEN_TEST_INDEX_LOG says the reader loaded it, and `lint --staged`
#      and `check --staged` print the same bytes and exit alike with the reader and with
#      libgit2 forced (ERAGEN_TEST_INDEX=libgit2), in every --format;
#   2. what the reader leaves to libgit2, with the same output both ways: a split index,
#      a sparse index, core.ignorecase, version 5, and hostile indexes (a name of 0xFFF
#      bytes without its NUL, a version 4 strip past the previous path, entries out of
#      order or repeated, an extension past the end, a huge entry count, truncations);
#   3. the one difference, on purpose: a wrong trailing SHA-1 (libgit2 refuses the
#      index, git and the reader read it);
#   4. 200,000 entries (a 20 MB index): read in linear time.
# Every case fails when the reader answers otherwise than libgit2, or is not the one
# that loaded an index it must load.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

git_home
unset ERAGEN_TEST_INDEX ERAGEN_TEST_INDEX_LOG
: "${ERAGEN_DATADIR:=$top}"
export ERAGEN_DATADIR
: "${UNIT_DIR:?set UNIT_DIR to the built unit programs}"
it=$UNIT_DIR/index_test
work=$PWD

# reader DIR: which reader loaded DIR's index for lint --staged ("file", "libgit2: why")
reader() {
	rm -f "$work/ilog"
	(cd "$1" && ERAGEN_TEST_INDEX_LOG=$work/ilog "$ERAGEN" lint --staged >/dev/null 2>&1)
	cat "$work/ilog" 2>/dev/null
}

# loaded_by DIR WANT WHAT: DIR's index was loaded by WANT (a prefix of what reader says)
loaded_by() {
	got=$(reader "$1")
	case "$got" in
	"$2"*) ok "$3: loaded by $2" ;;
	*) fail "$3: loaded by '$got', want '$2'" ;;
	esac
}

# same DIR WHAT ARGS...: eragen ARGS in DIR with the reader and with libgit2 forced:
# the same stdout, stderr and exit status; never a crash
same() {
	s_dir=$1 s_what=$2
	shift 2
	(cd "$s_dir" && "$ERAGEN" "$@") >"$work/s.out1" 2>"$work/s.err1"
	s_rc1=$?
	(cd "$s_dir" && ERAGEN_TEST_INDEX=libgit2 "$ERAGEN" "$@") >"$work/s.out2" 2>"$work/s.err2"
	s_rc2=$?
	if [ "$s_rc1" -ge 70 ] || [ "$s_rc2" -ge 70 ]; then
		fail "$s_what: crashed (exit $s_rc1, $s_rc2)"; cat "$work/s.err1" "$work/s.err2"
	elif [ "$s_rc1" -ne "$s_rc2" ] || ! cmp -s "$work/s.out1" "$work/s.out2" ||
		! cmp -s "$work/s.err1" "$work/s.err2"; then
		fail "$s_what: the reader's run (exit $s_rc1) differs from libgit2's (exit $s_rc2)"
		diff "$work/s.out1" "$work/s.out2" | head -20
		diff "$work/s.err1" "$work/s.err2" | head -20
	else
		ok "$s_what (exit $s_rc1)"
	fi
}

# unit FILE WANT WHAT: index_test compares FILE with libgit2 and says which reader reads it
unit() {
	if "$it" --expect "$2" "$1" >"$work/it.out" 2>&1; then
		ok "$3: index_test ($(tail -n 1 "$work/it.out" | sed 's/.*: //'))"
	else
		fail "$3: index_test"; head -20 "$work/it.out"
	fi
}

# shape DIR WANT WHAT [FORMATS]: all of the above for DIR's index, loaded by WANT ("file",
# "libgit2: why"); index_test, which knows no configuration, reads core.ignorecase's
shape() {
	case "$2" in
	"libgit2: core.ignorecase" | file) unit "$1/.git/index" file "$3" ;;
	*) unit "$1/.git/index" libgit2 "$3" ;;
	esac
	loaded_by "$1" "$2" "$3"
	for f in ${4:-text}; do
		same "$1" "$3: lint --staged --format $f" lint --staged --format "$f"
		same "$1" "$3: check --staged --format $f" check --staged --format "$f"
	done
}

version() { # version DIR: the version in DIR's index header
	od -An -tu1 -j7 -N1 "$1/.git/index" | tr -d ' '
}
has_ext() { # has_ext DIR SIG: DIR's index holds the signature SIG
	LC_ALL=C grep -aq "$2" "$1/.git/index"
}

# patch DIR PYTHON: DIR's index as bytearray b, edited by PYTHON, its SHA-1 made right
patch() {
	python3 - "$1/.git/index" "$2" <<'PY'
import hashlib, struct, sys
path, code = sys.argv[1], sys.argv[2]
b = bytearray(open(path, 'rb').read()[:-20])
exec(code)
open(path, 'wb').write(bytes(b) + hashlib.sha1(bytes(b)).digest())
PY
}

# ---- 1. shapes real git makes ----
small_repo r alpha beta
(cd r && "$ERAGEN" build --quiet >/dev/null 2>&1 && git_ add -A && git_ commit -qm built) ||
	fail "r: cannot build"
blob=$(cd r && echo hello | git hash-object -w --stdin)
# byte-order neighbours, an executable, a symbolic link, non-ASCII names, a submodule
(cd r && mkdir -p x y "$(printf 'caf\303\251')" && for n in a a-b a.b a0; do echo "$n" >"x/$n"; done &&
	for n in a-b a.b a0; do echo "$n" >"y/$n"; done && mkdir -p y/a && echo b >y/a/b &&
	printf '#!/bin/sh\n' >run.sh && chmod +x run.sh && ln -s run.sh link &&
	echo x >"$(printf 'caf\303\251')/$(printf '\303\251t\303\251')" && echo ff >"$(printf '\377')" &&
	git_ add -A &&
	git_ update-index --add --cacheinfo "160000,$(git rev-parse HEAD),sub" &&
	git_ commit -qm shapes) || fail "r: cannot add the shapes"
[ "$(version r)" = 2 ] && has_ext r TREE && ok "r: version 2 with TREE" || fail "r: not version 2 with TREE"
shape r file "version 2" "text json sarif github"
# a path of 4,200 bytes (21 directories of 200), in the index only; in version 4 libgit2
# refuses it (a path of 4,096 bytes or more), and so does the reader
rm -rf rl && cp -R r rl
long=$(python3 -c "print('/'.join(['d%03d' % i + 'x' * 196 for i in range(21)]))")
(cd rl && git_ update-index --add --cacheinfo "100644,$blob,$long") || fail "rl: cannot add the long path"
shape rl file "a path of 4,200 bytes" "text json"
(cd rl && git_ update-index --index-version 4) || fail "rl: cannot make version 4"
shape rl "libgit2: a version 4 path does not fit" "a path of 4,200 bytes, version 4"
# GIT_INDEX_FILE: another index file, read by the reader too
cp r/.git/index alt-index
GIT_INDEX_FILE=$work/alt-index loaded_by r file "GIT_INDEX_FILE"
GIT_INDEX_FILE=$work/alt-index same r "GIT_INDEX_FILE: check --staged" check --staged
# an index that is a symbolic link to one
mv r/.git/index r/.git/index.real && ln -s index.real r/.git/index
shape r file "a symbolic link"
rm r/.git/index && mv r/.git/index.real r/.git/index

# version 3: intent-to-add and skip-worktree entries
rm -rf r3 && cp -R r r3
(cd r3 && echo new >new.txt && git_ add -N new.txt &&
	git_ update-index --skip-worktree environments/beta/env.yaml) || fail "r3: cannot set up"
[ "$(version r3)" = 3 ] && ok "r3: version 3" || fail "r3: version $(version r3), want 3"
shape r3 file "version 3" "text json"

# version 4: prefix-compressed paths
rm -rf r4 && cp -R r r4
(cd r4 && git_ update-index --index-version 4) || fail "r4: cannot set up"
[ "$(version r4)" = 4 ] && ok "r4: version 4" || fail "r4: version $(version r4), want 4"
shape r4 file "version 4" "text json sarif github"

# a merge conflict (stages 1-3), then resolved (REUC)
rm -rf rc && cp -R r rc
(cd rc && git_ checkout -qb other && sed -i 's/10.20.0.0/10.90.0.0/' environments/alpha/env.yaml &&
	git_ commit -qam other && git_ checkout -q main &&
	sed -i 's/10.20.0.0/10.80.0.0/' environments/alpha/env.yaml && git_ commit -qam main &&
	git_ merge -q other) >/dev/null 2>&1
[ -n "$(cd rc && git ls-files -u)" ] && ok "rc: conflicted" || fail "rc: the merge did not conflict"
shape rc file "a conflict" "text json"
run_in rc 1 "a conflict: lint --staged" lint --staged
has "unresolved merge conflict" "a conflict: reported" err
(cd rc && git_ checkout -q --theirs environments/alpha/env.yaml && git_ add environments/alpha/env.yaml)
has_ext rc REUC && ok "rc: REUC" || fail "rc: no REUC extension"
shape rc file "resolved (REUC)" "text json"

# the untracked cache (UNTR)
rm -rf ru && cp -R r ru
(cd ru && git_ update-index --untracked-cache && echo u >untracked.txt && git status >/dev/null) ||
	fail "ru: cannot set up"
has_ext ru UNTR && ok "ru: UNTR" || fail "ru: no UNTR extension"
shape ru file "untracked cache (UNTR)"

# the end of index entries and the offset table (EOIE, IEOT): written with threads
rm -rf rt && cp -R r rt
(cd rt && mkdir many && i=0 && while [ "$i" -lt 1200 ]; do echo "$i" >"many/f$i"; i=$((i + 1)); done &&
	git_ -c index.threads=2 -c index.recordEndOfIndexEntries=true \
		-c index.recordOffsetTable=true add -A) || fail "rt: cannot set up"
has_ext rt EOIE && has_ext rt IEOT && ok "rt: EOIE and IEOT" || fail "rt: no EOIE or IEOT"
shape rt file "EOIE and IEOT" "text json"

# the shipped environments (eragen's own repository), when this is a checkout of it
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	loaded_by "$top" file "eragen's repository"
	for f in text json sarif github; do
		same "$top" "eragen's repository: check --staged --format $f" check --staged --format "$f"
	done
	same "$top" "eragen's repository: lint --staged" lint --staged
fi

# ---- 2. left to libgit2, with the same output ----
rm -rf rs && cp -R r rs
(cd rs && git_ update-index --split-index) || fail "rs: cannot split the index"
has_ext rs link && ok "rs: a split index" || fail "rs: no link extension"
# (the reason is the first thing the reader meets: the "link" extension or, before it, an
# entry with an empty name: git strips the name of an entry that replaces one of the
# shared index, and whether the split writes such an entry depends on timing; seen
# under load)
shape rs "libgit2: a " "a split index"
has "unsupported mandatory extension: 'link'" "a split index: libgit2's message" "$work/s.err1"

rm -rf rp && cp -R r rp
(cd rp && git_ sparse-checkout init --cone --sparse-index && git_ sparse-checkout set environments) \
	>/dev/null 2>&1 || fail "rp: cannot make a sparse index"
if has_ext rp sdir; then
	shape rp "libgit2: a required extension" "a sparse index"
else
	fail "rp: git made no sparse index (no sdir extension)"
fi

rm -rf ri && cp -R r ri
git -C ri config core.ignorecase true
shape ri "libgit2: core.ignorecase" "core.ignorecase"
GIT_INDEX_FILE=$work/alt-index loaded_by ri file "core.ignorecase, GIT_INDEX_FILE (compared exactly)"
git -C ri config core.ignorecase maybe
shape ri "libgit2: core.ignorecase" "core.ignorecase invalid"

# hostile indexes, from a small one
hostile() { # hostile NAME PYTHON: rh's index edited, left to libgit2, the same output
	rm -rf rh && cp -R r0 rh
	patch rh "$2"
	shape rh "libgit2" "$1"
}
small_repo r0 demo
(cd r0 && mkdir -p a && echo 1 >a/b && echo 2 >a.b && echo 3 >a0 && git_ add -A) || fail "r0"
# the first entry starts at 12; its flags at 72-73, its name at 74
hostile "version 5" 'b[4:8] = struct.pack(">I", 5)'
hostile "a name of 0xFFF without its NUL" '
b[72] |= 0x0F; b[73] = 0xFF
for i in range(74, len(b)): b[i] = 0x61'
hostile "entries out of order" '
def entry(b, n):
    o = 12
    for _ in range(n):
        size = (62 + (struct.unpack(">H", b[o+60:o+62])[0] & 0xFFF) + 8) & ~7
        o += size
    return o
s1, s2, s3 = entry(b, 0), entry(b, 1), entry(b, 2)
b[s1:s3] = b[s2:s3] + b[s1:s2]'
hostile "a repeated entry" '
o = 12
size = (62 + (struct.unpack(">H", b[o+60:o+62])[0] & 0xFFF) + 8) & ~7
b[o:o] = b[o:o+size]
b[8:12] = struct.pack(">I", struct.unpack(">I", b[8:12])[0] + 1)'
hostile "an extension past the end" 'b += b"UNTR" + struct.pack(">I", 1000) + b"x"'
hostile "a huge entry count" 'b[8:12] = struct.pack(">I", 0xFFFFFFFF)'
rm -rf r0v4 && cp -R r0 r0v4 && (cd r0v4 && git_ update-index --index-version 4)
rm -rf rh && cp -R r0v4 rh
# the second entry's strip: after the first entry (62 + 1 + its suffix and NUL)
patch rh '
first = b.index(0, 12 + 63) + 1
b[first + 62] = 0x7F'
shape rh "libgit2" "version 4: a strip past the previous path"
# truncations of the small index: the same output both ways, or the reader reads a
# truncation that is still a whole index (its last 20 bytes taken for the SHA-1)
size=$(wc -c <r0/.git/index)
k=0
while [ "$k" -lt "$size" ]; do
	rm -rf rh && cp -R r0 rh && head -c "$k" r0/.git/index >rh/.git/index
	(cd rh && "$ERAGEN" lint --staged) >t.out1 2>t.err1
	rc1=$?
	(cd rh && ERAGEN_TEST_INDEX=libgit2 "$ERAGEN" lint --staged) >t.out2 2>t.err2
	rc2=$?
	if [ "$rc1" -ge 70 ] || [ "$rc2" -ge 70 ]; then
		fail "truncated at $k: crashed ($rc1, $rc2)"; cat t.err1 t.err2
	elif [ "$rc1" -eq "$rc2" ] && cmp -s t.out1 t.out2 && cmp -s t.err1 t.err2; then
		ok "truncated at $k: the same (exit $rc1)"
	elif grep -q "calculated checksum does not match expected" t.err2 && [ "$rc1" -ne 3 ]; then
		ok "truncated at $k: still an index, but for its SHA-1"
	else
		fail "truncated at $k: differs (exit $rc1, $rc2)"; cat t.err1 t.err2
	fi
	# every byte of the header, the first entry and the end, a sample between
	if [ "$k" -lt 100 ] || [ "$k" -ge $((size - 60)) ]; then
		k=$((k + 1))
	else
		k=$((k + 11))
	fi
done

# ---- 3. a wrong SHA-1: read (as git reads it), where libgit2 refuses ----
rm -rf rx && cp -R r0 rx
python3 - rx/.git/index <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[-1] ^= 1; open(p, 'wb').write(b)
PY
run_in rx 0 "a wrong SHA-1: the reader reads the index" lint --staged
(cd rx && git ls-files --stage >/dev/null 2>&1) && ok "a wrong SHA-1: git reads it too" ||
	fail "a wrong SHA-1: git refuses it"
(cd rx && ERAGEN_TEST_INDEX=libgit2 "$ERAGEN" lint --staged) >out 2>err
[ $? -eq 3 ] && grep -q "calculated checksum does not match expected" err &&
	ok "a wrong SHA-1: libgit2 refuses it" || { fail "a wrong SHA-1: libgit2 read it"; cat err; }

# ---- 4. 200,000 entries, 20 MB: linear ----
rm -rf rb && cp -R r0 rb
python3 - rb/.git/index "$blob" <<'PY'
import hashlib, struct, sys
path, blob = sys.argv[1], bytes.fromhex(sys.argv[2])
old = open(path, 'rb').read()
n, o, entries = struct.unpack(">I", old[8:12])[0], 12, []
for _ in range(n):
    size = (62 + (struct.unpack(">H", old[o+60:o+62])[0] & 0xFFF) + 8) & ~7
    name = old[o+62:old.index(b"\0", o+62)]
    entries.append((name, old[o:o+size]))
    o += size
for i in range(200000):
    name = b"bulk/d%04d/%s-%06d.yaml" % (i // 100, b"x" * 40, i)
    e = bytes(24) + struct.pack(">I", 0o100644) + bytes(8) + struct.pack(">I", 6) + blob
    e += struct.pack(">H", len(name)) + name
    e += bytes(((62 + len(name) + 8) & ~7) - len(e))
    entries.append((name, e))
entries.sort()
b = b"DIRC" + struct.pack(">II", 2, len(entries)) + b"".join(e for _, e in entries)
open(path, 'wb').write(b + hashlib.sha1(b).digest())
PY
mb=$(($(wc -c <rb/.git/index) / 1000000))
[ "$mb" -ge 20 ] && ok "200,000 entries: $mb MB" || fail "200,000 entries: only $mb MB"
loaded_by rb file "200,000 entries"
t0=$(date +%s%N)
run_in rb 0 "200,000 entries: lint --staged" lint --staged
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "200,000 entries: lint --staged in $ms ms"
# linear: about 100 ns of parsing an entry; 10 s allows a sanitizer build on a busy machine
[ "$ms" -lt 10000 ] && ok "200,000 entries: $ms ms" || fail "200,000 entries: $ms ms"
same rb "200,000 entries" lint --staged

summary staged-index 150

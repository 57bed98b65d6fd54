#!/bin/sh
# The render cache (gen/out_cache.c, gen/inputs.c): a build or check whose inputs are
# those of the last render that found every generated file unchanged skips the render,
# and answers exactly as the render would. Differential: two copies of one repository
# get the same edits; after each, the same commands run in both, one with the cache and
# one without it (ERAGEN_TEST_NO_RENDER_CACHE, which only the test suite sets), and
# their stdout, stderr, exit status, work tree and index must be the same. The edits:
# an env spec, _defaults.yaml, a parent layer, a SOPS file, a template, a data table
# read by the render, extra/ files added, edited and removed (with DRIFT006, which reads
# them, on and off), .eragen.yaml, a new environment, generated files edited with the
# mtime restored, deleted, replaced, an orphan, edits in the same second as the build,
# the index and the work tree apart, a damaged cache, a forged one, another build's and
# another user's. ERAGEN_TEST_RENDER_CACHE logs whether each run used the cache: the
# render is skipped where it should be, not just answered the same.
# shellcheck disable=SC2015 # "A && ok || fail": ok never fails
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"

here=$(pwd)
rm -rf a b && mkdir a b
r=a/r
mkdir -p "$r"
cp -R "$top/environments" "$top/templates" "$top/schemas" "$r/"
(cd "$r" && git_ init -q . && "$ERAGEN" build >/dev/null 2>&1; git_ add -A && git_ commit -qm init) ||
	{ fail "cannot set up the repository"; summary speed-cache; }
cp -R a/r b/
log=$here/cache.log

# both 'SHELL SNIPPET': the same edit in both copies
both() {
	(cd a/r && eval "$1") && (cd b/r && eval "$1") || fail "the edit failed: $1"
}

# tree DIR: every file but .git's, with its content's digest; then the index
tree() {
	(cd "$1" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs sha1sum &&
		git ls-files -s)
}

# same WHAT ARGS...: eragen ARGS in both, with and without the cache: the same answers
same() {
	what=$1
	shift
	(cd a/r && ERAGEN_TEST_RENDER_CACHE=$log "$ERAGEN" "$@") >a.out 2>a.err
	arc=$?
	(cd b/r && ERAGEN_TEST_NO_RENDER_CACHE=1 "$ERAGEN" "$@") >b.out 2>b.err
	brc=$?
	if [ "$arc" -ge 70 ] || grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' a.err b.err; then
		fail "$what: $*: a crash or a sanitizer report (exit $arc, $brc)"
		cat a.err b.err
	elif [ "$arc" -ne "$brc" ] || ! cmp -s a.out b.out || ! cmp -s a.err b.err; then
		fail "$what: $*: the answers differ (exit $arc with the cache, $brc without)"
		diff a.out b.out | head -20
		diff a.err b.err | head -20
	elif ! tree a/r >a.tree 2>&1 || ! tree b/r >b.tree 2>&1 || ! cmp -s a.tree b.tree; then
		fail "$what: $*: the trees differ"
		diff a.tree b.tree | head -20
	else
		ok "$what: $* (exit $arc)"
	fi
}

# round WHAT: the commands, each in both copies
round() {
	same "$1" check
	same "$1" check --staged
	same "$1" check --diff
	same "$1" build --verbose
	same "$1" check
	same "$1" build
	same "$1" check --staged --stat
	same "$1" check --format json
}

# used WHAT N: the last N runs with the cache used it (uses: how many runs did)
used() {
	n=$(tail -n "$2" "$log" | grep -c '^used' || :)
	[ "$n" -eq "$2" ] && ok "$1: the render was skipped ($n of $2)" ||
		{ fail "$1: the render ran in $(($2 - n)) of the last $2 runs"; tail -n "$2" "$log"; }
}

# unused WHAT: the last run with the cache rendered
unused() {
	[ "$(tail -n 1 "$log")" = "not used" ] && ok "$1: rendered" ||
		fail "$1: the cache was used"
}

settle() { sleep 1.1; }

: >"$log"
# 0. nothing changed: a first build fills the cache, the next ones use it
settle
round "as committed"
settle
same "settled" build
same "settled" check
same "settled" check --diff
same "settled" build --verbose
same "settled" check --staged
same "settled" check --staged
used "nothing changed" 5

# 1. each input, edited: answered as a render answers
both 'sed -i "s/    max: 10/    max: 11/" environments/cae-dev/env.yaml'
same "an env spec edited" check
unused "an env spec edited"
round "an env spec edited"
both 'sed -i "s/Application: jupyterhub/Application: jupyterhub-2/" environments/_defaults.yaml'
round "_defaults.yaml edited"
both 'mkdir -p environments/_team && printf "eragen: 1\nowner: {email: team@example.org, cost_center: team}\n" >environments/_team/env.yaml &&
	sed -i "s/^tier: development/tier: development\nextends: _team/" environments/cae-dev/env.yaml'
round "a parent layer added"
both 'sed -i "s/cost_center: team}/cost_center: team-2}/" environments/_team/env.yaml'
round "a parent layer edited"
both 'sed -i "s/tag:Wlz72/tag:Wlz73/" environments/cae-dev/secrets.yaml'
round "a SOPS file edited"
both 'printf "# a comment\n" >>templates/tofu/infra/eks.tf.mustache'
round "a template edited"
both 'sed -i "s/v4.2.2/v4.2.3/" schemas/actions.json'
round "a data table edited"
both 'sed -i "s/\"type\": \"object\"/\"type\":  \"object\"/" schemas/environment.schema.json'
round "the schema edited"
settle
same "settled" build
both 'cp schemas/eks-addons.json ../addons && printf "\377" >>schemas/eks-addons.json'
round "a data table read by the render alone, not UTF-8"
both 'cp ../addons schemas/eks-addons.json'

# 2. extra/ files, read by DRIFT006 and by the render alone
both 'mkdir -p environments/cae-dev/extra/infra && printf "resource \"null_resource\" \"x\" {}\n" >environments/cae-dev/extra/infra/custom.tf'
round "an extra file added"
settle
same "settled" build
same "settled" check
used "an extra file, nothing changed" 2
both 'printf "rules: {DRIFT006: \"off\"}\n" >.eragen.yaml'
round ".eragen.yaml added"
settle
same "settled" build
used ".eragen.yaml, nothing changed" 1
both 'mv environments/cae-dev/extra/infra/custom.tf ../custom.tf &&
	ln -s /etc/hostname environments/cae-dev/extra/infra/custom.tf'
same "an extra file read by the render alone, a link leading out" check
unused "an extra file read by the render alone, a link leading out"
round "an extra file read by the render alone, a link leading out"
both 'rm environments/cae-dev/extra/infra/custom.tf && mv ../custom.tf environments/cae-dev/extra/infra/'
both 'printf "resource \"null_resource\" \"y\" {}\n" >environments/cae-dev/extra/infra/custom.tf'
same "an extra file edited, DRIFT006 off" check
unused "an extra file edited, DRIFT006 off"
round "an extra file edited, DRIFT006 off"
both 'printf "resource \"null_resource\" \"z\" {}\n" >environments/cae-dev/extra/infra/other.tf'
round "a second extra file, DRIFT006 off"
both 'rm environments/cae-dev/extra/infra/other.tf'
round "an extra file removed (an orphan)"
same "the orphan" build --prune
both 'printf "rules: {DRIFT006: \"off\", AUTH008: warning}\n" >.eragen.yaml'
round ".eragen.yaml edited"

# 3. a new environment
both 'cp -R environments/cae-testing environments/cae-qa &&
	sed -i "s/^name: cae-testing/name: cae-qa/; s/10\.[0-9]*\.0\.0\/16/10.99.0.0\/16/" environments/cae-qa/env.yaml'
round "a new environment"
both 'git add -A && git -c user.name=t -c user.email=t@example.org commit -qm edits'
settle
round "committed"
settle
same "settled" build
used "committed, nothing changed" 1

# 4. the generated files themselves
gen=out/cae-dev/infra/eks.tf
both "cp -p $gen ../ref && sed -i 's/resource/RESOURCE/' $gen && touch -r ../ref $gen"
same "a generated file edited, mtime restored" check
unused "a generated file edited, mtime restored"
round "a generated file edited, mtime restored"
both "cp -p $gen ../ref && sed -i 's/resource/RESOURCE/' $gen && touch -r ../ref $gen"
round "edited again"
same "--force" build --force
settle
same "settled" build
both "rm $gen"
same "a generated file deleted" check
unused "a generated file deleted"
round "a generated file deleted"
settle
same "settled" build
both "cp -p $gen ../repl && sed -i 's/resource/RESOURCE/' ../repl && touch -r $gen ../repl && mv ../repl $gen"
round "a generated file replaced, same size and mtime"
same "--force" build --force
settle
same "settled" build
both 'touch out/.eragen-lock'
round "a lock left by a killed build"
both 'printf "x\n" >out/cae-dev/infra/stray.tf'
round "a stray file in out/"
both 'rm out/cae-dev/infra/stray.tf'

# 5. edits in the second of the build
settle
same "settled" build
both "sed -i 's/resource/RESOURCE/' $gen"
round "a generated file edited in the second of the build"
same "--force" build --force
both "sed -i 's/    max: 11/    max: 12/' environments/cae-dev/env.yaml"
same "an input edited in the second of the build" check
round "an input edited in the second of the build"

# 6. the index and the work tree apart
both 'git add -A && sed -i "s/    max: 12/    max: 13/" environments/cae-dev/env.yaml'
round "the work tree ahead of the index"
both 'git add environments'
round "the index ahead of the work tree's outputs"
both 'git add -A'
round "all staged"

# 7. the cache itself: damaged, forged, another build's, another user's
settle
same "settled" build
same "settled" check
same "settled" check --staged
same "settled" check --staged
used "a fresh cache" 3
cache=$(cd a/r && git rev-parse --absolute-git-dir)/eragen-render
[ -f "$cache" ] && ok "the cache is in the git directory" || fail "no $cache"
hasnt 'eragen-render' "the cache is not in the work tree" a.tree
cp "$cache" saved
head -c 300 saved >"$cache"
same "a cut cache" check
unused "a cut cache"
sed '0,/^o [0-9a-f]/s/^o [0-9a-f]/o 0/' saved >"$cache"
same "a forged blob ID in the cache" check
unused "a forged blob ID in the cache"
both "sed -i 's/resource/RESOURCE/' $gen"
sed '1s/^eragen-render 1 [0-9a-f]*/eragen-render 1 0123456789abcdef0123456789abcdef01234567/' saved >"$cache"
same "another build's cache, a file edited" check
unused "another build's cache"
cp saved "$cache"
same "the right cache, a file edited" check
unused "the right cache, a file edited"
same "--force" build --force
settle
same "settled" build
cp "$cache" saved
if [ "$(id -u)" -eq 0 ] && chown nobody "$cache" 2>/dev/null; then
	same "another user's cache" check
	unused "another user's cache"
fi
rm -f "$cache"
printf 'garbage\n' >"$cache"
same "a cache of garbage" check
rm -f "$cache"
same "no cache" check
unused "no cache"
cp saved "$cache"
same "restored" check
used "restored" 1

summary speed-cache 150

# tests/cli/lib/common.sh - what the CLI test scripts share. Sourced after they set
# `top`; never run alone (tests/run runs tests/cli/*.sh, not this folder).
fails=0
checks=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; checks=$((checks + 1)); }

# git without the user's identity, signing, branch or advice settings
git_() { git -c user.name=eragen -c user.email=eragen@example.org -c commit.gpgsign=false \
	-c init.defaultBranch=main -c advice.detachedHead=false "$@"; }

# run_in DIR WANT_RC DESCRIPTION ARGS...: eragen in DIR, stdout to ./out and stderr to
# ./err, $rc its exit status; a crash (70 and above: a BUG, a sanitizer, a signal) or a
# sanitizer report is never a finding. With RUN_TIMEOUT=S set, a run still going after S
# seconds is stopped: a hang, never a finding either.
run_in() {
	dir=$1 want=$2 what=$3
	shift 3
	(cd "$dir" && ${RUN_TIMEOUT:+timeout "$RUN_TIMEOUT"} "$ERAGEN" "$@") >out 2>err
	rc=$?
	if [ -n "${RUN_TIMEOUT:-}" ] && [ "$rc" -eq 124 ]; then
		fail "$what: hung (stopped after $RUN_TIMEOUT s)"
	elif [ "$rc" -ge 70 ]; then
		fail "$what: crashed (exit $rc)"; cat out err
	elif grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' err; then
		fail "$what: a sanitizer report (exit $rc)"; cat err
	elif [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, want $want"; cat out err
	else
		ok "$what"
	fi
}

# has PATTERN DESCRIPTION FILE: a line of FILE matches PATTERN (grep); hasnt: none does
has() {
	if grep -q -- "$1" "$3"; then ok "$2"; else fail "$2: no '$1' in $3:"; cat "$3"; fi
}
hasnt() {
	if ! grep -q -- "$1" "$3"; then ok "$2"; else fail "$2: unexpected '$1' in $3:"; cat "$3"; fi
}

# quiet DESCRIPTION: the last run printed nothing (./out and ./err are empty)
quiet() {
	if [ ! -s out ] && [ ! -s err ]; then ok "$1"; else fail "$1: output where none was expected:"; cat out err; fi
}

# oneline DESCRIPTION: the last run's stderr (./err) is one line
oneline() {
	if [ "$(wc -l <err)" -eq 1 ]; then ok "$1"; else fail "$1: not a one-line message:"; cat err; fi
}

# commit_all DIR MESSAGE: everything in DIR added and committed
commit_all() { (cd "$1" && git_ add -A && git_ commit -qm "$2"); }

# summary NAME [MIN]: the last line ("NAME: N checks, M failed"), then exit: 1 when a
# check failed or fewer than MIN (default 1) checks passed, else 0
summary() {
	echo "$1: $checks checks, $fails failed"
	if [ "$checks" -lt "${2:-1}" ]; then
		echo "FAIL $1: $checks checks passed, want at least ${2:-1}"
		exit 1
	fi
	[ "$fails" -eq 0 ] || exit 1
	exit 0
}

# small_repo DIR ENV...: a committed git repository with the golden tests' defaults and
# each ENV an ephemeral environment of its own /16 (10.20, 10.30, ... in the order given)
small_repo() {
	sr_d=$1
	shift
	rm -rf "$sr_d" && mkdir -p "$sr_d/environments"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$sr_d/environments/"
	sr_n=20
	for sr_e in "$@"; do
		mkdir -p "$sr_d/environments/$sr_e"
		cat >"$sr_d/environments/$sr_e/env.yaml" <<YAML
eragen: 1
name: $sr_e
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.$sr_n.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}
YAML
		sr_n=$((sr_n + 10))
	done
	(cd "$sr_d" && git_ init -q . && git_ add -A && git_ commit -qm init)
}

# git_home [KEY=VALUE...]: a hermetic git for the script: HOME a fresh directory of its
# own (no user or system configuration: a global core.hooksPath, safe.directory or
# signing setting would change what is tested), no GIT_* variable from outside, and the
# global identity and defaults commits need; each KEY=VALUE is set globally too
git_home() {
	HOME=$PWD/home
	rm -rf "$HOME" && mkdir -p "$HOME"
	export HOME GIT_CONFIG_NOSYSTEM=1
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CONFIG_GLOBAL \
		XDG_CONFIG_HOME
	git config --global user.name eragen
	git config --global user.email eragen@example.org
	git config --global commit.gpgsign false
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
	for gh_kv in "$@"; do
		git config --global "${gh_kv%%=*}" "${gh_kv#*=}"
	done
}

# build_variant NAME: `make NAME-eragen` (build/NAME/eragen: crash, oom), or the script
# fails with make's output and exits
build_variant() {
	make -C "$top" -s "$1-eragen" >make.log 2>&1 && return 0
	fail "make $1-eragen:"
	cat make.log
	exit 1
}

# generated DIR: "sha1  path" of every generated file (and temp file) under DIR
generated() {
	(cd "$1" && find out .github .gitattributes -type f -exec sha1sum {} + 2>/dev/null |
		LC_ALL=C sort -k2)
}

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
# ./err, $rc its exit status; a crash (70 and above: a BUG, a sanitizer, a signal) is
# never a finding
run_in() {
	dir=$1 want=$2 what=$3
	shift 3
	(cd "$dir" && "$ERAGEN" "$@") >out 2>err
	rc=$?
	if [ "$rc" -ge 70 ]; then
		fail "$what: crashed (exit $rc)"; cat out err
	elif [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, want $want"; cat out err
	else
		ok "$what"
	fi
}

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

#!/bin/sh
# Diagnostics stay linear in the input, and no secret is ever printed.
#
# Linear: each shape below is built at 1x and 8x its size, and for every output format
# (text, json, sarif, github) the bytes printed and the peak RSS of the 8x run are at most
# 12x those of the 1x run; output quadratic in the input would be 64x. Shapes: one line
# listing many instance types (a finding each, each snippet of that line), a long value
# every finding quotes (cluster.name, in each node group's derived name), many profiles
# each landing on many tainted groups (a note per taint), many duplicate keys on one flow
# line, a SOPS file of many clear-text values on one line. No wall-clock bound: figures
# are printed for the record. A run is limited (ulimit -v, or ASan's hard_rss_limit_mb)
# so that a quadratic build fails here instead of exhausting the machine.
#
# Secrets: the value of every key marked "x-eragen-secret" in the schema, on the line of
# a YAML syntax error (block and flow style, quoted, SPEC001), duplicated (SPEC002),
# tagged (SPEC009), in an abstract parent that every child overrides, and the values of a
# SOPS file with a syntax error or a duplicate key: none appears in any format's output,
# nor in `show` or `diff`.
# shellcheck disable=SC2317 # the shapes are called by name ("shape_$1")
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
[ -x /usr/bin/time ] || { fail "/usr/bin/time is missing (.ci/deps test installs 'time')"; exit 1; }

export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=99:detect_leaks=1:abort_on_error=0}"
if ASAN_OPTIONS=help=1 "$ERAGEN" --version 2>&1 | grep -q 'flags for AddressSanitizer'; then
	ASAN_OPTIONS="$ASAN_OPTIONS:hard_rss_limit_mb=1024"
	limit=:	# ulimit -v and ASan do not mix
else
	limit='ulimit -v 2097152'
fi

head_env() { # head_env NAME: the first lines of a valid spec
	printf 'eragen: 1\nname: %s\ntier: ephemeral\naws: {account_id: "123456789012"}\n' "$1"
	printf 'network: {vpc_cidr: 10.%s.0.0/16}\n' "${2:-20}"
	printf 'ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}\n'
}
mkrepo() { # mkrepo DIR: a repository with the golden tests' defaults
	rm -rf "$1" && mkdir -p "$1/environments/demo"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
}

# ---- the shapes, at size N ------------------------------------------------------------

shape_types() { # one flow line of N unknown instance types
	mkrepo "$1"
	{ head_env demo; printf 'node_groups:\n  system:\n    instance_types: ['
	  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%sq%d.large", i ? ", " : "", i }'
	  printf ']\n'; } >"$1/environments/demo/env.yaml"
}

shape_value() { # a cluster name of 25N characters that N node groups' names derive from
	mkrepo "$1"
	{ head_env demo
	  awk -v n="$2" 'BEGIN { printf "cluster: {name: c"; for (i = 0; i < 25 * n; i++) printf "c"
		print "}"; print "node_groups:"
		for (i = 0; i < n; i++) printf "  g%d: {instance_types: [m5.large], min: 0, max: 1, labels: {role: dask-worker}}\n", i }'
	} >"$1/environments/demo/env.yaml"
}

shape_notes() { # N/4 groups with a taint each, N/4 profiles that select them all
	mkrepo "$1"
	{ head_env demo
	  awk -v n="$(($2 / 4))" 'BEGIN { print "node_groups:"
		for (i = 0; i < n; i++) printf "  w%d: {instance_types: [m5.large], min: 0, max: 1, labels: {role: w}, taints: [{key: t%d, value: v, effect: NoSchedule}]}\n", i, i
		print "hub:\n  profiles:"
		for (i = 0; i < n; i++) printf "    - {slug: p%d, display_name: P, cpu: {guarantee: 0.5, limit: 1}, memory: {guarantee: 1G, limit: 2G}, node_selector: {role: w}}\n", i }'
	} >"$1/environments/demo/env.yaml"
}

shape_dupkeys() { # one flow line of N duplicate keys
	mkrepo "$1"
	{ head_env demo; printf 'tags: {'
	  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%sTeam: platform", i ? ", " : "" }'
	  printf '}\n'; } >"$1/environments/demo/env.yaml"
}

shape_sops() { # a SOPS file of N clear-text values on one line
	mkrepo "$1"
	head_env demo >"$1/environments/demo/env.yaml"
	{ printf 'dummy: {'
	  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%sk%d: v%d", i ? ", " : "", i, i }'
	  printf '}\nsops:\n    mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n'
	} >"$1/environments/demo/secrets.yaml"
}

# measure DIR FORMAT: "BYTES KB" of `eragen lint --format FORMAT` in DIR
measure() {
	bytes=$( (eval "$limit"; /usr/bin/time -f '%M' -o rss timeout 120 \
		"$ERAGEN" -C "$1" lint --all --format "$2" 2>&1) | wc -c)
	kb=$(tail -n 1 rss)
	case "$kb" in '' | *[!0-9]*) kb=999999999 ;; esac	# killed: no figure
	echo "$bytes $kb"
}

linear() { # linear SHAPE N
	"shape_$1" "$1-1x" "$2"
	"shape_$1" "$1-8x" "$(($2 * 8))"
	in1=$(cat "$1-1x"/environments/demo/* | wc -c)
	in8=$(cat "$1-8x"/environments/demo/* | wc -c)
	for fmt in text json sarif github; do
		set -- "$1" "$2" $(measure "$1-1x" "$fmt") $(measure "$1-8x" "$fmt")
		b1=$3 k1=$4 b8=$5 k8=$6
		what="$1 ($in1 -> $in8 bytes in), $fmt: output $b1 -> $b8 bytes, peak RSS $k1 -> $k8 KB"
		if [ "$b8" -le $((b1 * 12)) ] && [ "$k8" -le $((k1 * 12)) ]; then
			ok "$what"
		else
			fail "$what: more than 12x for 8x the input"
		fi
	done
	rm -rf "$1-1x" "$1-8x"
}

linear types 375
linear value 100
linear notes 80
linear dupkeys 250
linear sops 125

# ---- secrets ------------------------------------------------------------------------------

# The secret-bearing keys, from the schema: "auth.dummy.password" ...
paths=$(python3 - "$top/schemas/environment.schema.json" <<'PY'
import json, sys
def walk(s, path):
    if isinstance(s, dict):
        if s.get("x-eragen-secret") is True:
            print(".".join(path))
        for k, v in (s.get("properties") or {}).items():
            walk(v, path + [k])
walk(json.load(open(sys.argv[1])), [])
PY
)
[ -n "$paths" ] || fail "no x-eragen-secret key found in the schema"

n=0
# leaks DIR WHAT SECRET ARGS...: no output of eragen ARGS in DIR, in any format, holds SECRET
leaks() {
	dir=$1 what=$2 secret=$3
	shift 3
	for fmt in text json sarif github; do
		(cd "$dir" && "$ERAGEN" "$@" --format "$fmt") >out 2>&1
		rc=$?
		if [ "$rc" -ne 1 ]; then
			fail "$what, $*, $fmt: exit $rc, want 1 (the findings)"; cat out
		elif grep -qF -- "$secret" out; then
			fail "$what, $*, $fmt: the secret is printed:"; grep -F -- "$secret" out | head -n 3
		else
			ok "$what, $*, $fmt: not printed (exit $rc)"
		fi
	done
}
# secret_case DIR WHAT SECRET: every command that shows the repository
secret_case() {
	leaks "$1" "$2" "$3" lint --all
	leaks "$1" "$2" "$3" check --all
	for a in "show demo" "show demo --origin" "show demo --json" "diff demo other"; do
		# shellcheck disable=SC2086 # $a is the command
		(cd "$1" && "$ERAGEN" $a) >out 2>&1
		if grep -qF -- "$3" out; then fail "$2, $a: the secret is printed"; else ok "$2, $a: not printed"; fi
	done
}
other() { head_env other 30 >"$1/environments/other/env.yaml"; }

for p in $paths; do
	leaf=${p##*.} parent=${p%.*}
	parent=${parent##*.}
	for style in block flow quoted dup tag; do
		n=$((n + 1))
		s="Zq${n}x7SecretValue"
		d=sec$n
		mkrepo "$d" && mkdir -p "$d/environments/other" && other "$d"
		{ head_env demo
		  case $style in
		  block) printf 'auth:\n  %s:\n    %s: %s extra: words\n' "$parent" "$leaf" "$s" ;;
		  flow) printf 'auth: {mode: dummy, %s: {%s: %s tail: x}}\n' "$parent" "$leaf" "$s" ;;
		  quoted) printf 'auth: {%s: {%s: "%s" more}}\n' "$parent" "$leaf" "$s" ;;
		  dup) printf 'auth:\n  %s:\n    %s: "sops:a.b"\n    %s: %s\n' "$parent" "$leaf" "$leaf" "$s" ;;
		  tag) printf 'auth:\n  %s:\n    %s: !!binary %s\n' "$parent" "$leaf" "$s" ;;
		  esac
		} >"$d/environments/demo/env.yaml"
		secret_case "$d" "$p ($style)" "$s"
		rm -rf "$d"
	done
done

# the SOPS file: a syntax error, a duplicate key, on the line of a value
for style in syntax dup flow; do
	n=$((n + 1))
	s="Zq${n}x7SecretValue"
	d=sops$n
	mkrepo "$d" && mkdir -p "$d/environments/other" && other "$d"
	{ head_env demo; printf 'auth: {mode: dummy, admins: [admin], dummy: {password: "sops:dummy.password"}}\n'; } \
		>"$d/environments/demo/env.yaml"
	case $style in
	syntax) printf 'dummy:\n    password: %s: x\n' "$s" ;;
	dup) printf 'dummy:\n    password: ENC[AES256_GCM,data:x,type:str]\n    password: %s\n' "$s" ;;
	flow) printf 'dummy: {password: %s, other: [%s}\n' "$s" "$s" ;;
	esac >"$d/environments/demo/secrets.yaml"
	secret_case "$d" "secrets.yaml ($style)" "$s"
	rm -rf "$d"
done

# an abstract parent's secret, overridden by its child, on the line of a finding
s=Zq0x7SecretValue
mkrepo par && mkdir -p par/environments/_shared par/environments/other && other par
printf 'eragen: 1\nname: _shared\nauth: {mode: dummy, admins: [admin], dummy: {password: %s, pasword: x}}\n' "$s" \
	>par/environments/_shared/env.yaml
{ head_env demo; printf 'extends: _shared\nauth: {dummy: {password: "sops:dummy.password"}}\n'; } \
	>par/environments/demo/env.yaml
secret_case par "an abstract parent's password" "$s"

summary diag-bounds

#!/bin/sh
# Hostile inputs: each gives a diagnostic and exit 1 (or 2) within a time bound, never a
# crash or a hang. Every case is its own repository with one environment.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
n=0

# case NAME EXPECTED_RULE: runs eragen lint in ./NAME (prepared by the caller)
check() {
	name=$1 rule=$2
	n=$((n + 1))
	start=$(date +%s%N)
	timeout 20 "$ERAGEN" -C "$name" lint --all >"$name.out" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
		echo "FAIL $name: exit $rc (want 1 or 2)"; cat "$name.out"; fails=$((fails + 1)); return
	fi
	if ! grep -q "\[$rule\]" "$name.out"; then
		echo "FAIL $name: no $rule diagnostic"; cat "$name.out"; fails=$((fails + 1)); return
	fi
	if [ "$ms" -gt 5000 ]; then
		echo "FAIL $name: took ${ms} ms"; fails=$((fails + 1)); return
	fi
	echo "ok   $name: $rule, exit $rc, ${ms} ms"
}

mkrepo() { # mkrepo NAME: a repository with environments/demo/ and the shared defaults
	mkdir -p "$1/environments/demo"
	cp "$top/tests/check/_base/environments/_defaults.yaml" "$1/environments/"
}
head_env='eragen: 1
name: demo
tier: ephemeral
aws: {account_id: "123456789012"}
network: {vpc_cidr: 10.20.0.0/16}
ci: {role_arn: "arn:aws:iam::123456789012:role/ci"}'

mkrepo laughs
{
	echo "$head_env"
	echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
	i=1
	while [ $i -le 12 ]; do
		echo "a$i: &a$i [*a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1))]"
		i=$((i + 1))
	done
} >laughs/environments/demo/env.yaml
check laughs SPEC009

mkrepo deep
{ printf 'x: '; head -c 200000 /dev/zero | tr '\0' '['; } >deep/environments/demo/env.yaml
check deep SPEC012

mkrepo deepmap
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%*sk:\n", i, "" }' >deepmap/environments/demo/env.yaml
check deepmap SPEC012

mkrepo huge
{ echo "$head_env"; head -c 100000000 /dev/zero | tr '\0' '#'; } >huge/environments/demo/env.yaml
check huge SPEC012

mkrepo badutf8
{ echo "$head_env"; printf 'description: "\303\050"\n'; } >badutf8/environments/demo/env.yaml
check badutf8 SPEC012

mkrepo utf16
printf '\377\376e\000r\000a\000' >utf16/environments/demo/env.yaml
check utf16 SPEC012

mkrepo nul
{ echo "$head_env"; printf 'description: a\000b\n'; } >nul/environments/demo/env.yaml
check nul SPEC012

mkrepo dupkeys
{ echo "$head_env"; echo 'tier: production'; } >dupkeys/environments/demo/env.yaml
check dupkeys SPEC002

mkrepo traversal
{ echo "$head_env"; echo 'extends: ../../../etc/passwd'; } >traversal/environments/demo/env.yaml
check traversal SPEC008

mkrepo symlink
ln -s /etc/passwd symlink/environments/demo/env.yaml
check symlink SPEC012

mkrepo notafile
mkdir notafile/environments/demo/env.yaml
check notafile SPEC012

mkrepo manydocs
{ echo "$head_env"; i=0; while [ $i -lt 1000 ]; do echo '---'; echo 'a: 1'; i=$((i + 1)); done; } \
	>manydocs/environments/demo/env.yaml
check manydocs SPEC009

# CRLF and a BOM are fine: no diagnostic, exit 0
mkrepo crlf
{ printf '\357\273\277'; echo "$head_env" | sed 's/$/\r/'; } >crlf/environments/demo/env.yaml
n=$((n + 1))
if "$ERAGEN" -C crlf lint --all >crlf.out 2>&1 && [ ! -s crlf.out ]; then
	echo "ok   crlf: BOM and CRLF accepted"
else
	echo "FAIL crlf: BOM and CRLF not accepted"; cat crlf.out; fails=$((fails + 1))
fi

echo "hostile: $n cases, $fails failed"
[ "$fails" -eq 0 ]

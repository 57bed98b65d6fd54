#!/bin/sh
# tests/cli/make-validate.sh - the generated Makefile fragments (out/<env>/env.mk,
# out/eragen.mk) parse with GNU make and their recipes pass shellcheck:
#   - `make -n -f out/eragen.mk TARGET` exits 0 for every target (each environment's
#     init plan apply destroy kubeconfig output, and lint check build bootstrap), and
#     `make -n ... | shellcheck -s sh -` passes; each env.mk also stands alone;
#   - stacks run in order (infra then platform; destroy platform then infra);
#   - OpenTofu only: no `terraform` anywhere, and no AWS CLI call but read-only ones
#     (eks update-kubeconfig and describe-cluster, ec2 describe-*: the drain's waits);
#   - destroy of production is refused with a clear message, before any tofu command;
#   - a missing tofu binary is a clear error naming OpenTofu and where to get it;
#   - spec values with `$`, `#`, quotes and blanks reach the recipes unchanged.
# The repository is a temp copy of the shipped environments built with eragen.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
here=$PWD

[ -n "${ERAGEN:-}" ] || { fail "set ERAGEN to the eragen binary"; exit 1; }
command -v shellcheck >/dev/null 2>&1 || { fail "shellcheck is not installed"; exit 1; }
command -v make >/dev/null 2>&1 || { fail "make is not installed"; exit 1; }

repo=$here/repo
rm -rf "$repo" && mkdir -p "$repo" || { fail "cannot create $repo"; exit 1; }
(cd "$top" && cp -R environments schemas templates "$repo/") || { fail "cannot copy the inputs"; exit 1; }
(cd "$repo" && git_ init -q && git_ add -A && git_ commit -qm inputs) || { fail "git init failed"; exit 1; }
run_in "$repo" 0 "eragen build" build
[ "$rc" = 0 ] || exit 1
cd "$repo" || { fail "cannot enter $repo"; exit 1; }

envs="cae cae-dev cae-testing"
for f in out/eragen.mk out/cae/env.mk out/cae-dev/env.mk out/cae-testing/env.mk; do
	[ -f "$f" ] && ok "$f generated" || { fail "$f was not generated"; exit 1; }
done

# check MAKEFILE TARGET: make -n parses and expands it, shellcheck accepts the recipe
checked=0
check() {
	before=$fails
	make -n -f "$1" "$2" >"$here/recipe.sh" 2>"$here/make.err"
	rc=$?
	[ "$rc" = 0 ] || { cat "$here/make.err"; fail "make -n -f $1 $2 exited $rc"; }
	[ -s "$here/make.err" ] && { cat "$here/make.err"; fail "make -n -f $1 $2 warned"; }
	[ -s "$here/recipe.sh" ] || fail "make -n -f $1 $2 printed no recipe"
	shellcheck -s sh - <"$here/recipe.sh" || { cat "$here/recipe.sh"; fail "shellcheck: $1 $2"; }
	if grep -i terraform "$here/recipe.sh"; then
		fail "$1 $2 runs terraform"
	fi
	# an AWS CLI command: `aws` at the start of a command, other than a read-only one
	if grep -E '(^|[;&|({]|then|do|\$\()[[:space:]]*aws[[:space:]]' "$here/recipe.sh" |
		grep -vE '(^|[;&|({]|then|do|\$\()[[:space:]]*aws (eks update-kubeconfig|eks describe-cluster|ec2 describe-[a-z-]+) '; then
		fail "$1 $2 calls the AWS CLI for more than reading"
	fi
	[ "$fails" = "$before" ] && ok "$1 $2: make -n expands it, shellcheck accepts it, OpenTofu only"
	cat "$here/recipe.sh" >>"$here/all-recipes.sh"
	checked=$((checked + 1))
}

: >"$here/all-recipes.sh"
for t in lint check build bootstrap eragen-help; do
	check out/eragen.mk "$t"
done
for e in $envs; do
	for t in init plan apply destroy kubeconfig output; do
		check out/eragen.mk "$e-$t"
		check "out/$e/env.mk" "$e-$t"
	done
done
[ "$checked" = 41 ] && ok "41 recipes checked" || fail "checked $checked recipes, expected 41"
grep -qi terraform out/eragen.mk out/*/env.mk && fail "a fragment mentions terraform" ||
	ok "no fragment mentions terraform"

# order of the stacks
# (the first command of each stack and kind: an apply recipe holds two, plan file or not)
make -n -f out/eragen.mk cae-dev-apply | grep -- '-chdir=' | sed 's/.*-chdir=\([^ ]*\) \([a-z]*\).*/\1 \2/' |
	grep -v ' output$' | awk '!seen[$0]++' >"$here/order"
printf '%s\n' "out/cae-dev/infra init" "out/cae-dev/platform init" \
	"out/cae-dev/infra apply" "out/cae-dev/platform apply" | diff -u - "$here/order" &&
	ok "apply order: infra, then platform" || fail "apply order"
make -n -f out/eragen.mk cae-dev-destroy | grep -- ' destroy ' | sed 's/.*-chdir=\([^ ]*\) .*/\1/' >"$here/order"
printf '%s\n' out/cae-dev/platform out/cae-dev/infra | diff -u - "$here/order" &&
	ok "destroy order: platform, then infra" || fail "destroy order"
has '^aws eks update-kubeconfig --region .us-west-2. --name .jupyterhub-cae-testing.' \
	"kubeconfig of cae-testing" "$here/all-recipes.sh"
has "out/_bootstrap/390197508439-us-west-2' init" "bootstrap of cae's account" "$here/all-recipes.sh"
has "out/_bootstrap/992398409787-us-west-2' apply" "bootstrap of cae-dev's account" "$here/all-recipes.sh"

# production: destroy refused before anything runs (TOFU points at a file that fails)
rm -f "$here/tofu.log"
printf '#!/bin/sh\necho "tofu ran: $*" >>%s/tofu.log\n' "$here" >"$here/fake-tofu"
chmod +x "$here/fake-tofu"
out=$(make -f out/eragen.mk cae-destroy TOFU="$here/fake-tofu" 2>&1)
rc=$?
[ "$rc" != 0 ] && ok "destroy of production refused" || fail "destroy of production succeeded"
printf '%s\n' "$out" | grep -q "eragen: refusing to destroy 'cae': it is a production environment" &&
	ok "destroy of production: a clear message" ||
	fail "no clear message for destroy of production: $out"
[ -f "$here/tofu.log" ] && fail "tofu ran for a refused destroy" || ok "no tofu for a refused destroy"
# a non-production destroy runs tofu (the fake) in the right order
# (the drain between the stacks checks the AWS CLI and kubectl are there; with no infra
# output it drains nothing: fakes that would fail stand in for them, on any machine)
for t in aws kubectl; do
	printf '#!/bin/sh\necho "%s ran: $*" >>%s/tofu.log\nexit 1\n' "$t" "$here" >"$here/fake-$t"
	chmod +x "$here/fake-$t"
done
make -s -f out/eragen.mk cae-testing-destroy TOFU="$here/fake-tofu" AWS="$here/fake-aws" \
	KUBECTL="$here/fake-kubectl" >/dev/null 2>&1 &&
	ok "destroy of cae-testing runs" || fail "destroy of cae-testing with a working tofu failed"
grep -c 'destroy' "$here/tofu.log" | grep -qx 2 && ok "cae-testing-destroy destroys both stacks" ||
	fail "cae-testing-destroy did not destroy both stacks"

# tofu missing: a clear error, no fallback
out=$(make -f out/eragen.mk cae-testing-plan TOFU=eragen-no-such-tofu 2>&1)
rc=$?
[ "$rc" != 0 ] && ok "plan without tofu fails" || fail "plan without tofu succeeded"
printf '%s\n' "$out" | grep -qF "eragen: 'eragen-no-such-tofu' is not installed (OpenTofu >= 1.8.5): https://opentofu.org/docs/intro/install/" &&
	ok "tofu missing: a clear message" || fail "unclear message when tofu is missing: $out"

# hostile values reach the recipe as they are: cluster name and region are checked by the
# schema, so exercise the quoting with the version, the one free-form string in recipes
cd "$here" || { fail "cd"; exit 1; }
rm -rf hostile && mkdir hostile && cp -R "$repo/environments" "$repo/schemas" "$repo/templates" hostile/ &&
	cd hostile && git_ init -q || { fail "hostile repo"; exit 1; }
/usr/bin/python3 - environments/_defaults.yaml <<'EOF' || { fail "could not edit _defaults.yaml"; exit 1; }
import sys
p = sys.argv[1]
s = open(p).read()
# YAML single-quoted; the value is: 1.8.5 $(id) #x \# "q" 's \
s = s.replace('  tofu_version: "1.8.5"', "  tofu_version: '1.8.5 $(id) #x \\# \"q\" ''s \\'  # eragen:ignore DRIFT002 testing how make and sh quote it")
open(p, "w").write(s)
EOF
grep -q '^  tofu_version:.*\$(id)' environments/_defaults.yaml || { fail "could not set the hostile version"; exit 1; }
"$ERAGEN" build >"$here/build.log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	want=$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["ci"]["tofu_version"])' environments/_defaults.yaml)
	out=$(make -f out/eragen.mk cae-testing-init TOFU=eragen-no-such-tofu 2>&1)
	printf '%s\n' "$out" | grep -qF "(OpenTofu >= $want)" &&
		ok "a version holding \$( # \\# quotes and a final backslash survives make and sh" ||
		fail "hostile version changed: want '$want', got: $out"
	# shellcheck's info-level notes (SC2016 "$( in single quotes", SC1003) are what the
	# test wants here: literal text. Warnings and errors still fail.
	make -n -f out/eragen.mk cae-testing-init | shellcheck -s sh -S warning - &&
		ok "shellcheck accepts the hostile recipe" || fail "shellcheck on the hostile recipe"
else
	# a version that is not x.y.z may be refused by the checks: then nothing is written
	grep -q 'tofu_version' "$here/build.log" && ok "the hostile version was refused by the checks (exit $rc)" ||
		{ cat "$here/build.log"; fail "hostile build: exit $rc"; }
fi

summary make-validate

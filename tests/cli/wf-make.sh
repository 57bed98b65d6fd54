#!/bin/sh
# The make targets in a repository made by `eragen init` (DESIGN 8.1 "Make"):
#   - init writes a root Makefile including out/eragen.mk and a .gitignore of OpenTofu's
#     working files and plan files; neither is written over an existing file;
#   - before the first build, make says to run `eragen build`; after it, `make -n ENV-plan`
#     works from the root, with make -C from elsewhere and with make -f REPO/Makefile (the
#     paths follow the Makefile's place);
#   - run with a fake tofu, aws and kubectl (each logs its arguments): ENV-plan writes a
#     plan file per stack (`plan -out=tfplan`), kept by make and ignored by git; while the
#     infra stack has no outputs the platform plan is skipped with a note (a ::notice::
#     in GitHub Actions) and the target succeeds; ENV-apply applies the plan files, and
#     plans anew when a stack's .tf file is newer than its plan file;
#   - ENV-destroy runs platform destroy, then the drain (load balancer services, volume
#     claims, the EBS volumes' and the load balancers' network interfaces' waits), then
#     infra destroy; network interfaces that stay make it fail before infra destroy.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib/common.sh"
here=$PWD

[ -n "${ERAGEN:-}" ] || { fail "set ERAGEN to the eragen binary"; exit 1; }
command -v make >/dev/null 2>&1 || { fail "make is not installed"; exit 1; }

r=$here/repo
rm -rf "$r" && mkdir -p "$r" && (cd "$r" && git_ init -q) || { fail "cannot create $r"; exit 1; }

# ---- init writes the Makefile and .gitignore -------------------------------------------
run_in "$r" 0 "init dev" init dev
has '^created Makefile' "init says it wrote the Makefile" out
[ -f "$r/Makefile" ] && ok "a root Makefile exists" || fail "no root Makefile"
has 'include $(eragen_mk)' "the Makefile includes out/eragen.mk" "$r/Makefile"
has '^tfplan$' ".gitignore ignores plan files" "$r/.gitignore"
has '^\.terraform/$' ".gitignore ignores .terraform/" "$r/.gitignore"
cp "$r/Makefile" "$here/Makefile.first"
echo "# mine" >>"$r/Makefile"
run_in "$r" 0 "init other (a Makefile exists)" init other
hasnt 'created Makefile' "an existing Makefile is not written again" out
has '^# mine$' "the existing Makefile is kept as it was" "$r/Makefile"
rm -rf "$r/environments/other"
cp "$here/Makefile.first" "$r/Makefile"

(cd "$r" && make -n dev-plan) >make.out 2>make.err
[ $? != 0 ] && ok "before a build, make dev-plan fails" || fail "make dev-plan ran before a build"
has "run 'eragen build' first" "before a build, make says to run eragen build" make.err

run_in "$r" 0 "build" build

# ---- make -n from the root, with -C and with -f ---------------------------------------
(cd "$r" && make -n dev-plan) >make.out 2>make.err
[ $? = 0 ] && ok "make -n dev-plan from the root" || { cat make.err; fail "make -n dev-plan from the root"; }
has '^tofu -chdir=out/dev/infra plan -input=false -out=tfplan$' "infra plan into a plan file" make.out
has 'tofu -chdir=out/dev/platform plan -input=false -out=tfplan' "platform plan into a plan file" make.out
[ -s make.err ] && { cat make.err; fail "make -n dev-plan warned"; }
(cd / && make -n -C "$r" dev-plan) >make.out 2>make.err
[ $? = 0 ] && ok "make -n -C REPO dev-plan" || { cat make.err; fail "make -n -C REPO dev-plan"; }
has '^tofu -chdir=out/dev/infra plan' "make -C: paths from the repository" make.out
(cd / && make -n -f "$r/Makefile" dev-plan) >make.out 2>make.err
[ $? = 0 ] && ok "make -n -f REPO/Makefile dev-plan" || { cat make.err; fail "make -n -f REPO/Makefile dev-plan"; }
has "^tofu -chdir=$r/out/dev/infra plan" "make -f: paths follow the Makefile's place" make.out
for t in init apply destroy drain kubeconfig output plan-infra plan-platform apply-infra \
	apply-platform destroy-platform destroy-infra; do
	(cd "$r" && make -n "dev-$t") >/dev/null 2>make.err &&
		ok "make -n dev-$t from the root" || { cat make.err; fail "make -n dev-$t"; }
done
(cd "$r" && make -n lint check build bootstrap) >make.out 2>make.err &&
	ok "make -n lint check build bootstrap from the root" || { cat make.err; fail "repository targets"; }

# ---- fakes: tofu, aws, kubectl log their arguments ------------------------------------
bin=$here/bin
log=$here/calls.log
mkdir -p "$bin"
cat >"$bin/tofu" <<'EOF'
#!/bin/sh
# -chdir=DIR first; output -json prints $FAKE_OUTPUTS; output -raw vpc_id prints $FAKE_VPC;
# plan -out=F writes DIR/F
dir=${1#-chdir=}
shift
echo "tofu $dir $*" >>"$FAKE_LOG"
case "$*" in
"output -json") printf '%s\n' "${FAKE_OUTPUTS:-{\}}" ;;
"output -raw vpc_id") printf '%s' "${FAKE_VPC:-}" ;;
plan*-out=tfplan*) echo plan >"$dir/tfplan" ;;
esac
exit 0
EOF
cat >"$bin/aws" <<'EOF'
#!/bin/sh
echo "aws $*" >>"$FAKE_LOG"
case "$*" in
"ec2 describe-volumes"*) exit 255 ;;	# gone
"ec2 describe-network-interfaces"*) echo "${FAKE_ENIS:-0}" ;;
esac
exit 0
EOF
cat >"$bin/kubectl" <<'EOF'
#!/bin/sh
echo "kubectl $*" >>"$FAKE_LOG"
case "$*" in
"get svc"*) echo "hub proxy-public" ;;
"get pv"*) echo "ebs.csi.aws.com Delete vol-0123"; echo "ebs.csi.aws.com Retain vol-kept" ;;
esac
exit 0
EOF
chmod +x "$bin/tofu" "$bin/aws" "$bin/kubectl"
export FAKE_LOG="$log"
fmake() { (cd "$r" && make -s TOFU="$bin/tofu" AWS="$bin/aws" KUBECTL="$bin/kubectl" \
	ERAGEN_DRAIN_TRIES=2 "$@") >make.out 2>make.err; }
inf=$r/out/dev/infra
plat=$r/out/dev/platform

# a new environment: infra never applied
: >"$log"
GITHUB_ACTIONS=true FAKE_OUTPUTS='{}' fmake dev-plan &&
	ok "dev-plan of a new environment succeeds" || { cat make.out make.err; fail "dev-plan of a new environment failed"; }
has "^::notice::eragen: the platform plan of 'dev' is skipped" "the skipped platform plan is a ::notice::" make.out
hasnt "out/dev/platform plan" "no platform plan while infra has no outputs" "$log"
[ -f "$inf/tfplan" ] && ok "infra/tfplan kept" || fail "no infra/tfplan"
[ -f "$plat/tfplan" ] && fail "a platform/tfplan without a platform plan" || ok "no platform/tfplan"
FAKE_OUTPUTS='{}' fmake dev-plan
hasnt "::notice::" "outside GitHub Actions the note is plain" make.out

# infra applied: both stacks planned, plan files kept and ignored by git
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' fmake dev-plan &&
	ok "dev-plan with infra outputs" || { cat make.err; fail "dev-plan with infra outputs"; }
has "out/dev/platform plan -input=false -out=tfplan" "platform planned into a plan file" "$log"
[ -f "$plat/tfplan" ] && [ -f "$plat/tfplan.infra-outputs" ] && ok "platform/tfplan kept, with its infra outputs' checksum" ||
	fail "platform plan files missing"
(cd "$r" && git status --porcelain --ignored=no) | grep -q tfplan &&
	fail "git sees a plan file" || ok "git ignores the plan files"

# apply: the plan files, then (none left, or one older than a .tf file) a new plan
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' fmake dev-apply &&
	ok "dev-apply" || { cat make.err; fail "dev-apply"; }
has "out/dev/infra apply -input=false tfplan$" "infra applies its plan file" "$log"
has "out/dev/platform apply -input=false tfplan$" "platform applies its plan file" "$log"
[ -f "$inf/tfplan" ] || [ -f "$plat/tfplan" ] && fail "a plan file applied twice would be kept" ||
	ok "applied plan files are removed"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' fmake dev-plan
sleep 1
touch "$inf/eks.tf"
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' fmake dev-apply
has "out/dev/infra apply -input=false$" "a stale infra plan file is not applied" "$log"
has "out/dev/platform apply -input=false tfplan$" "the fresh platform plan file is" "$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' fmake dev-plan
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-2"}}' fmake dev-apply
has "out/dev/platform apply -input=false$" "a platform plan made against other infra outputs is not applied" "$log"

# destroy without kubectl: refused before anything is destroyed
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' FAKE_VPC=vpc-1 fmake dev-destroy KUBECTL=eragen-no-such-kubectl
[ $? != 0 ] && ok "destroy without kubectl fails" || fail "destroy without kubectl succeeded"
has "'eragen-no-such-kubectl' is not installed: dev-drain needs kubectl" "a clear message about kubectl" make.err
hasnt " destroy" "without kubectl nothing is destroyed" "$log"

# destroy: platform, drain, infra
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' FAKE_VPC=vpc-1 fmake dev-destroy TOFU_DESTROY_FLAGS=-auto-approve &&
	ok "dev-destroy" || { cat make.out make.err; fail "dev-destroy"; }
grep -nE 'destroy|delete svc|delete pvc|describe-volumes|describe-network-interfaces' "$log" |
	sed 's/^\([0-9]*\):\(tofu [^ ]*\|kubectl\|aws\) *\([a-z0-9-]* [a-z0-9-]*\).*/\2 \3/' >order
cat >want <<EOF
tofu $r/out/dev/platform destroy -auto-approve
kubectl delete svc
kubectl delete pvc
aws ec2 describe-volumes
aws ec2 describe-network-interfaces
tofu $r/out/dev/infra destroy -auto-approve
EOF
sed "s|$r/||" want >want2
sed "s|$r/||" order | diff -u want2 - && ok "destroy: platform, drain (services, claims, volumes, ENIs), infra" ||
	fail "destroy order"
has "kubectl delete svc proxy-public -n hub" "the load balancer service is deleted" "$log"
has "describe-volumes --region us-west-2 --volume-ids vol-0123" "a reclaim-Delete volume is waited for" "$log"
hasnt "vol-kept" "a retained volume is not waited for" "$log"
has "Name=vpc-id,Values=vpc-1" "the ENIs of the environment's VPC" "$log"
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' FAKE_VPC=vpc-1 KEEP_USER_VOLUMES=1 fmake dev-drain
hasnt "delete pvc" "KEEP_USER_VOLUMES=1 keeps the claims" "$log"
: >"$log"
FAKE_OUTPUTS='{"vpc_id":{"value":"vpc-1"}}' FAKE_VPC=vpc-1 FAKE_ENIS=3 fmake dev-destroy TOFU_DESTROY_FLAGS=-auto-approve
[ $? != 0 ] && ok "ENIs that stay fail the destroy" || fail "destroy succeeded with ENIs left"
has "load balancer network interfaces are still in vpc-1" "a clear message about the ENIs" make.err
hasnt "out/dev/infra destroy" "infra is not destroyed while ENIs stay" "$log"

summary wf-make 40

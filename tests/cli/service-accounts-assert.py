#!/usr/bin/python3
"""service-accounts-assert.py OUT_DIR INFRA.json PLATFORM.json: every service account the
Helm values of one environment (OUT_DIR = out/<env>) run pods as exists in its stacks,
read with real parsers (PyYAML; HashiCorp's HCL parser through hcl-check.js --json, one
merged document per stack):

- each serviceAccountName in helm/values.yaml is a kubernetes_service_account_v1 of the
  platform stack in the daskhub release's namespace, and an EKS Pod Identity association
  (infra or platform stack) binds that namespace and name to a role of its stack, which
  grants what the real deployment's user role did (s3:ListAllMyBuckets; the scratch
  bucket's objects, object versions and multipart uploads)
- helm/kubecost.yaml exactly when the platform stack installs Kubecost; then the chart
  does not create its service account (serviceAccount.create false) and the one it names
  is created in the release's namespace, bound to the role '<cluster>-kubecost' (trusted
  by pods.eks.amazonaws.com; Cost Explorer, pricing and EC2 inventory, as the real
  deployment), and the release waits for both (depends_on)
References between resources (`${TYPE.NAME.metadata[0].name}`) are followed to their
literal. Prints one summary line; exit 1 with the failures listed.
"""
import json
import os
import re
import sys

import yaml

fails = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fails.append(msg)


out, infra_json, platform_json = sys.argv[1:4]
stacks = {"infra": json.load(open(infra_json)), "platform": json.load(open(platform_json))}


def block(stack, kind, rtype, name):
    """The body of one resource or data block, or None."""
    bodies = stacks[stack].get(kind, {}).get(rtype, {}).get(name)
    return bodies[0] if bodies else None


REF = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[a-z_]+|\[\d+\])*)\}$")


def resolve(stack, value):
    """A literal, the literal a reference leads to, or ('ref', TYPE, NAME, PATH) when the
    reference ends at an attribute known only after apply (an ARN, an id); None when the
    referenced block does not exist."""
    for _ in range(8):
        m = REF.match(value) if isinstance(value, str) else None
        if not m:
            return value
        kind = "data" if m.group(1) else "resource"
        rtype, name, path = m.group(2), m.group(3), m.group(4)
        if rtype == "local":
            return ("ref", "local", name, path)
        body = block(stack, kind, rtype, name)
        if body is None:
            return None
        cur = body
        for step in re.findall(r"\.([a-z_]+)|\[(\d+)\]", path):
            if step[0]:
                if not isinstance(cur, dict) or step[0] not in cur:
                    return ("ref", rtype, name, path)
                cur = cur[step[0]]
            else:
                if not isinstance(cur, list) or int(step[1]) >= len(cur):
                    return None
                cur = cur[int(step[1])]
        value = cur
    return None


def walk(node, key):
    """Every value of `key` anywhere in a YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, key)


def service_accounts():
    """(namespace, name) -> resource name of every kubernetes_service_account_v1."""
    found = {}
    for rname, bodies in stacks["platform"].get("resource", {}).get(
            "kubernetes_service_account_v1", {}).items():
        meta = bodies[0]["metadata"][0]
        found[(resolve("platform", meta["namespace"]), resolve("platform", meta["name"]))] = rname
    return found


def associations():
    """(namespace, name) -> (stack, role resource name) of every Pod Identity association."""
    found = {}
    for stack in stacks:
        for body in (b[0] for b in stacks[stack].get("resource", {}).get(
                "aws_eks_pod_identity_association", {}).values()):
            role = resolve(stack, body["role_arn"])
            ns = resolve(stack, body["namespace"])
            sa = resolve(stack, body["service_account"])
            if isinstance(role, tuple) and role[1] == "aws_iam_role" and role[3] == ".arn":
                found[(ns, sa)] = (stack, role[2])
            else:
                found[(ns, sa)] = (stack, None)
    return found


def role_grants(stack, role):
    """resources -> actions the inline policies of aws_iam_role.ROLE allow."""
    grants = {}
    for body in (b[0] for b in stacks[stack].get("resource", {}).get("aws_iam_role_policy", {}).values()):
        if resolve(stack, body["role"]) != ("ref", "aws_iam_role", role, ".id"):
            continue
        ref = resolve(stack, body["policy"])
        doc = block(stack, "data", "aws_iam_policy_document", ref[2]) if isinstance(ref, tuple) else None
        for st in (doc or {}).get("statement", []):
            res = tuple(st["resources"])
            grants[res] = grants.get(res, set()) | set(st["actions"])
    return grants


def release(name):
    return block("platform", "resource", "helm_release", name)


sas, pias = service_accounts(), associations()


def bound(ns, sa, what):
    check((ns, sa) in sas, f"{what}: no service account '{sa}' in namespace '{ns}' in the platform stack")
    stack, role = pias.get((ns, sa), (None, None))
    check(role is not None and block(stack, "resource", "aws_iam_role", role) is not None,
          f"{what}: no Pod Identity association of '{ns}/{sa}' to a role of its stack")
    return role and block(stack, "resource", "aws_iam_role", role)


# ---- the daskhub release ----
values = yaml.safe_load(open(os.path.join(out, "helm", "values.yaml")))
hub_ns = resolve("platform", release("daskhub")["namespace"])
names = set(walk(values, "serviceAccountName"))
check(len(names) > 0, "no serviceAccountName in helm/values.yaml")
for sa in sorted(names):
    bound(hub_ns, sa, f"serviceAccountName '{sa}'")
    stack, role = pias.get((hub_ns, sa), (None, None))
    if role:
        # the real deployment's user role: the account's bucket list, object versions and
        # multipart uploads of the scratch bucket
        check(role_grants(stack, role) == {
            ("*",): {"s3:ListAllMyBuckets", "s3:GetBucketLocation"},
            ("${local.scratch_bucket_arn}",): {"s3:ListBucket", "s3:ListBucketMultipartUploads",
                                               "s3:GetBucketLocation"},
            ("${local.scratch_bucket_arn}/*",): {
                "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
                "s3:DeleteObjectVersion", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"},
        }, f"'{sa}' role grants {role_grants(stack, role)}")

# ---- Kubecost ----
kc_path = os.path.join(out, "helm", "kubecost.yaml")
kc = release("kubecost")
check(os.path.exists(kc_path) == (kc is not None), "helm/kubecost.yaml exactly when the release is installed")
cluster = resolve("infra", "${local.cluster_name}")
for body in stacks["infra"].get("locals", []):
    cluster = body.get("cluster_name", cluster)
if kc is not None and os.path.exists(kc_path):
    kv = yaml.safe_load(open(kc_path))
    sa = kv.get("serviceAccount", {})
    check(sa.get("create") is False, "kubecost serviceAccount.create is not false")
    ns = resolve("platform", kc["namespace"])
    check(kc.get("create_namespace") is False, "the kubecost release creates its namespace itself")
    role = bound(ns, sa.get("name"), f"kubecost serviceAccount '{sa.get('name')}'")
    if role:
        check(role.get("name") == f"{cluster}-kubecost", f"kubecost role name {role.get('name')}")
        trust = resolve("platform", role["assume_role_policy"])
        tdoc = block("platform", "data", "aws_iam_policy_document", trust[2]) if isinstance(trust, tuple) else None
        st = tdoc and tdoc["statement"][0]
        check(bool(st) and st["principals"][0]["identifiers"] == ["pods.eks.amazonaws.com"]
              and set(st["actions"]) == {"sts:AssumeRole", "sts:TagSession"}, "kubecost role trust")
        actions = set().union(*role_grants("platform", pias[(ns, sa.get("name"))][1]).values())
        want = {"ce:GetCostAndUsage", "ce:GetCostForecast", "ce:GetReservationUtilization",
                "ce:GetSavingsPlansUtilization", "pricing:GetProducts", "ec2:DescribeInstances",
                "ec2:DescribeVolumes", "ec2:DescribeRegions"}
        check(actions == want, f"kubecost role actions {sorted(actions)}")
    deps = set(kc.get("depends_on", []))
    sa_res = sas.get((ns, sa.get("name")))
    check(f"${{kubernetes_service_account_v1.{sa_res}}}" in deps, "the kubecost release does not wait for its service account")
    check("${aws_eks_pod_identity_association.kubecost}" in deps, "the kubecost release does not wait for its role binding")
else:
    res = stacks["platform"].get("resource", {})
    check("kubecost" not in res.get("aws_iam_role", {}), "a kubecost role without Kubecost")
    check(not any(ns == "kubecost" for ns, _ in sas), "a kubecost service account without Kubecost")

if fails:
    print("\n".join(f"  {f}" for f in fails))
    print(f"{len(fails)} of {checks} assertions failed")
    sys.exit(1)
print(f"{checks} service account assertions hold")

#!/usr/bin/python3
"""stack-names.py DIR ENV...: every name the Helm values and the releases refer to is
created or read by the environment's stacks (DESIGN 8.1).

DIR as for https-assert.py (files.txt, parsed.json, spec-ENV.json); the values are
out/ENV/helm/values.yaml. For each ENV:

- service accounts: every serviceAccountName in the values is a kubernetes_service_account_v1
  of the platform stack, in the namespace of the release (kubernetes_namespace_v1.hub);
  the infra stack binds it (aws_eks_pod_identity_association, same namespace and name) to
  a role it creates; the autoscaler release's service account likewise in kube-system;
  every pod identity association's role is an aws_iam_role of the infra stack
- storage classes: every storageClass / storageClassName in the values is a
  kubernetes_storage_class_v1 of the platform stack
- secrets: every set_sensitive of the release reads data.sops_file.secrets, whose file
  is environments/ENV/<secrets.file> and holds the key
- certificate: the ssl-cert annotation of the values is the infra output
  acm_certificate_arn; the release's set of it reads that output; the output's value is a
  certificate of the infra stack (created, or the ARN of tls: existing)
- what the values file lists as set by the platform stack is set (set, set_sensitive)
- outputs: every data.terraform_remote_state.infra.outputs.X of the platform stack is an
  output of the infra stack, and every resource or data source an output names exists
Prints one summary line; exit 1 with the failures listed.
"""
import json
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


def load_stacks(d):
    files = [f for f in open(f"{d}/files.txt").read().split("\n") if f]
    docs = [json.loads(s) for s in re.split(r"\n(?=\{\n)", open(f"{d}/parsed.json").read())
            if s.strip()]
    if len(docs) != len(files):
        sys.exit(f"{len(docs)} documents for {len(files)} files")
    stacks = {}
    for f, doc in zip(files, docs):
        st = stacks.setdefault(f.rsplit("/", 1)[0], {"resource": {}, "data": {}, "output": {},
                                                      "raw": ""})
        st["raw"] += json.dumps(doc) + "\n"
        for kind in ("resource", "data"):
            for typ, byname in doc.get(kind, {}).items():
                for name, body in byname.items():
                    st[kind].setdefault(typ, {})[name] = body[0]
        for name, body in doc.get("output", {}).items():
            st["output"][name] = body[0]
    return stacks


def walk(v, keys, found, path="$"):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in keys and isinstance(x, str):
                found.append((path + "." + k, x))
            walk(x, keys, found, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, keys, found, f"{path}[{i}]")


def meta(body):
    m = (body or {}).get("metadata") or [{}]
    return m[0]


REF = re.compile(r"\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)")


def refs_exist(env, st, expr, what):
    """Each resource or data source expr names (type.name, data.type.name) is in st."""
    for ref in REF.findall(expr):
        parts = ref.split(".")
        if parts[0] in ("local", "each", "var", "path", "module", "count", "self", "o", "r", "rt", "az"):
            continue
        kind, typ, name = ("data", parts[1], parts[2]) if parts[0] == "data" and len(parts) > 2 \
            else ("resource", parts[0], parts[1])
        if kind == "data" and typ == "terraform_remote_state":
            continue
        check(name in st[kind].get(typ, {}), f"{env}: {what} names {ref}, not in the stack")


def env_case(env, spec, infra, platform):
    values = yaml.safe_load(open(f"out/{env}/helm/values.yaml"))
    ns_body = platform["resource"].get("kubernetes_namespace_v1", {}).get("hub")
    ns = meta(ns_body).get("name")
    rel = platform["resource"].get("helm_release", {}).get("daskhub", {})
    check(rel.get("namespace") == "${kubernetes_namespace_v1.hub.metadata[0].name}" and ns,
          f"{env}: the release is in the stack's namespace")
    sas = {(meta(b).get("namespace"), meta(b).get("name"))
           for b in platform["resource"].get("kubernetes_service_account_v1", {}).values()}
    sas = {(ns if n == "${kubernetes_namespace_v1.hub.metadata[0].name}" else n, s) for n, s in sas}
    pias = {(b.get("namespace"), b.get("service_account")): b.get("role_arn", "")
            for b in infra["resource"].get("aws_eks_pod_identity_association", {}).values()}
    roles = infra["resource"].get("aws_iam_role", {})
    for (pns, psa), role in pias.items():
        m = re.fullmatch(r"\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.arn\}", role)
        check(m and m.group(1) in roles, f"{env}: pod identity {pns}/{psa}: role {role} not created")

    found = []
    walk(values, {"serviceAccountName"}, found)
    check(found, f"{env}: the values name no service account")
    for path, sa in found:
        check((ns, sa) in sas, f"{env}: {path} = {sa!r}: no such service account in {ns!r} "
              f"(platform creates {sorted(sas)})")
        check((ns, sa) in pias, f"{env}: {path} = {sa!r}: not bound to a role by the infra stack")

    ca = platform["resource"].get("helm_release", {}).get("cluster_autoscaler")
    if ca:
        m = re.search(r'serviceAccount\s*=\s*\{\s*name\s*=\s*"([^"]+)"', "".join(ca.get("values", [])))
        check(m and (ca.get("namespace"), m.group(1)) in pias,
              f"{env}: autoscaler service account {m and m.group(1)} bound by the infra stack")

    classes = {meta(b).get("name") for b in platform["resource"].get("kubernetes_storage_class_v1", {}).values()}
    found = []
    walk(values, {"storageClass", "storageClassName"}, found)
    check(found, f"{env}: the values name no storage class")
    for path, sc in found:
        check(sc in classes, f"{env}: {path} = {sc!r}: not created (platform: {sorted(classes)})")

    secrets_file = f"environments/{env}/{spec.get('secrets', {}).get('file', 'secrets.yaml')}"
    sops = platform["data"].get("sops_file", {}).get("secrets")
    sens = rel.get("set_sensitive", [])
    if sens:
        check(sops and sops.get("source_file", "").endswith("/environments/" + env + "/"
              + spec.get("secrets", {}).get("file", "secrets.yaml")), f"{env}: sops_file source {sops}")
        data = yaml.safe_load(open(secrets_file))
    for s in sens:
        m = re.fullmatch(r'\$\{data\.sops_file\.secrets\.data\["([^"]+)"\]\}', s.get("value", ""))
        check(m, f"{env}: set_sensitive {s.get('name')} from {s.get('value')}")
        if not m:
            continue
        node = data
        for part in m.group(1).split("."):
            node = node.get(part) if isinstance(node, dict) else None
        check(isinstance(node, str), f"{env}: {secrets_file} has no key {m.group(1)!r}")

    # what the values file says the platform stack sets is set by the release
    text = open(f"out/{env}/helm/values.yaml").read()
    listed = re.findall(r"^#   (\S+)  \(", text, re.M)
    sets = {x.get("name", "").replace("\\.", ".") for x in rel.get("set", []) + sens}
    for path in listed:
        check(path in sets, f"{env}: the values say the platform stack sets {path}; the release does not")

    out = infra["output"]
    ann = values["jupyterhub"]["proxy"]["service"].get("annotations", {})
    cert = ann.get("service.beta.kubernetes.io/aws-load-balancer-ssl-cert")
    if cert is not None:
        check(out.get("acm_certificate_arn", {}).get("value") == cert,
              f"{env}: ssl-cert {cert!r} is not the infra stack's certificate")
    for s in rel.get("set", []):
        if s.get("name", "").endswith("aws-load-balancer-ssl-cert"):
            check(s.get("value") == "${data.terraform_remote_state.infra.outputs.acm_certificate_arn}",
                  f"{env}: the release's ssl-cert from {s.get('value')}")
            v = out.get("acm_certificate_arn", {}).get("value", "")
            check(re.fullmatch(r"\$\{aws_acm_certificate(_validation)?\.hub\.(certificate_)?arn\}", v),
                  f"{env}: acm_certificate_arn is not a certificate of the stack: {v}")

    for name in set(re.findall(r"data\.terraform_remote_state\.infra\.outputs\.([A-Za-z0-9_]+)", platform["raw"])):
        check(name in out, f"{env}: the platform stack reads infra output {name!r}, which does not exist")
    for name, o in out.items():
        refs_exist(env, infra, json.dumps(o.get("value", "")), f"output {name}")


def main():
    d, envs = sys.argv[1], sys.argv[2:]
    stacks = load_stacks(d)
    for env in envs:
        spec = json.load(open(f"{d}/spec-{env}.json"))
        infra, platform = stacks.get(f"out/{env}/infra"), stacks.get(f"out/{env}/platform")
        if not infra or not platform:
            check(False, f"{env}: stacks missing")
            continue
        env_case(env, spec, infra, platform)
    print(f"stack-names: {checks} checks over {len(envs)} environments, {len(fails)} failed")
    for f in fails:
        print("  " + f)
    sys.exit(1 if fails or not envs else 0)


main()

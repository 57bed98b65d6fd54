#!/usr/bin/python3
"""https-assert.py DIR ENV...: HTTPS, provider authentication and the S3 endpoint of each
environment's generated stacks and values (DESIGN 8.1), judged against its resolved spec.

DIR holds files.txt (the .tf files, one a line), parsed.json (`hcl-check.js --json` of
them, one document per file in that order) and spec-ENV.json (`eragen show ENV --json`).
For each ENV, with the hub's name N, zone Z and tls T:

- T acm: infra aws_acm_certificate.hub for N, DNS validation, create_before_destroy; with
  Z: data aws_route53_zone.hub of Z, aws_route53_record.acm_validation over the
  certificate's domain_validation_options (ttl 60, allow_overwrite), and
  aws_acm_certificate_validation.hub waiting on their fqdns, output acm_certificate_arn
  from that resource; without Z: no records, no validation resource, the output from the
  certificate and acm_validation_records. Platform: helm_release.daskhub sets the
  ssl-cert annotation from the infra output; the values have no ssl-cert of their own.
- T existing: no certificate resource; output acm_certificate_arn = the ARN; the values'
  ssl-cert annotation is the ARN; no set of it in the platform stack.
- acm or existing: the values' proxy.https is {enabled: true, type: offload}, annotations
  nlb, ssl-ports https, backend-protocol tcp. T none (or no N): no https key, no ssl or
  backend annotation, no certificate anywhere.
- Z and N: the platform's aws_route53_record.hub for N in data aws_route53_zone.hub (Z), a
  CNAME with ttl 300 to the proxy-public service's hostname (an alias A record when N is
  Z), read after the release; none without Z.
- Providers kubernetes and helm: exec `aws eks get-token --cluster-name <cluster> --region
  <aws.region>`, no token attribute, no aws_eks_cluster_auth.
- network.s3_endpoint: aws_vpc_endpoint.s3, Gateway, com.amazonaws.<region>.s3, on the
  public and every private route table; absent when false.
- network.subnets: the infra locals public_subnets / private_subnets map each AZ of
  aws.azs to its given CIDR, in order; without it they are derived with cidrsubnet().
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
                                                      "provider": {}, "locals": {}})
        for kind in ("resource", "data"):
            for typ, byname in doc.get(kind, {}).items():
                for name, body in byname.items():
                    st[kind].setdefault(typ, {})[name] = body[0]
        for name, body in doc.get("output", {}).items():
            st["output"][name] = body[0]
        for name, body in doc.get("provider", {}).items():
            st["provider"][name] = body[0]
        for block in doc.get("locals", []):
            st["locals"].update(block)
    return stacks


def res(st, typ, name, kind="resource"):
    return st[kind].get(typ, {}).get(name)


def block(b, key):
    v = (b or {}).get(key)
    return v[0] if isinstance(v, list) and v and isinstance(v[0], dict) else None


ANN = "service.beta.kubernetes.io/"
SET = "jupyterhub.proxy.service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-ssl-cert"


def values_of(env):
    with open(f"out/{env}/helm/values.yaml") as f:
        return yaml.safe_load(f)


def https_case(env, spec, infra, platform):
    dom = spec.get("domain", {})
    name, zone, tls = dom.get("name", ""), dom.get("route53_zone", ""), dom.get("tls", "none")
    https = bool(name) and tls in ("acm", "existing")
    acm = https and tls == "acm"
    cert = res(infra, "aws_acm_certificate", "hub")
    val = res(infra, "aws_acm_certificate_validation", "hub")
    recs = res(infra, "aws_route53_record", "acm_validation")
    out = infra["output"].get("acm_certificate_arn")
    if acm:
        check(cert and cert.get("domain_name") == name, f"{env}: certificate for {name!r}: {cert}")
        check(cert and cert.get("validation_method") == "DNS", f"{env}: DNS validation")
        check(block(cert, "lifecycle") and block(cert, "lifecycle").get("create_before_destroy")
              is True, f"{env}: certificate create_before_destroy")
    else:
        check(cert is None, f"{env}: tls {tls}: no certificate resource")
    if acm and zone:
        z = res(infra, "aws_route53_zone", "hub", "data")
        check(z and z.get("name") == zone and z.get("private_zone") is False,
              f"{env}: infra reads the public zone {zone!r}: {z}")
        check(recs and "aws_acm_certificate.hub.domain_validation_options" in recs.get("for_each", ""),
              f"{env}: validation records over domain_validation_options: {recs}")
        check(recs and recs.get("zone_id") == "${data.aws_route53_zone.hub.zone_id}"
              and recs.get("ttl") == 60 and recs.get("allow_overwrite") is True
              and recs.get("records") == ["${each.value.resource_record_value}"],
              f"{env}: validation record fields: {recs}")
        check(val and val.get("certificate_arn") == "${aws_acm_certificate.hub.arn}"
              and "aws_route53_record.acm_validation" in str(val.get("validation_record_fqdns")),
              f"{env}: validation waits on the records: {val}")
        check(out and out.get("value") == "${aws_acm_certificate_validation.hub.certificate_arn}",
              f"{env}: output from the validated certificate: {out}")
    else:
        check(val is None and recs is None, f"{env}: no validation without zone/acm")
    if acm and not zone:
        check(out and out.get("value") == "${aws_acm_certificate.hub.arn}",
              f"{env}: output from the certificate: {out}")
        check("acm_validation_records" in infra["output"], f"{env}: acm_validation_records output")
    if tls == "existing" and https:
        check(out and out.get("value") == dom.get("certificate_arn"), f"{env}: existing ARN output: {out}")
    if not https:
        check(out is None, f"{env}: no certificate output without https")

    rel = res(platform, "helm_release", "daskhub") or {}
    sets = rel.get("set", [])
    cert_sets = [s for s in sets if s.get("name") == SET]
    if acm:
        check(len(cert_sets) == 1 and cert_sets[0].get("value")
              == "${data.terraform_remote_state.infra.outputs.acm_certificate_arn}",
              f"{env}: release sets ssl-cert from the infra output: {sets}")
    else:
        check(not cert_sets, f"{env}: no ssl-cert set for tls {tls}")

    v = values_of(env)
    proxy = v["jupyterhub"]["proxy"]
    ann = proxy["service"]["annotations"]
    check(proxy["service"].get("type") == "LoadBalancer", f"{env}: LoadBalancer service")
    check(ann.get(ANN + "aws-load-balancer-type") == "nlb", f"{env}: nlb annotation")
    if https:
        check(proxy.get("https") == {"enabled": True, "type": "offload"},
              f"{env}: proxy.https offload: {proxy.get('https')}")
        check(ann.get(ANN + "aws-load-balancer-ssl-ports") == "https", f"{env}: ssl-ports https")
        check(ann.get(ANN + "aws-load-balancer-backend-protocol") == "tcp", f"{env}: backend tcp")
        want = dom.get("certificate_arn") if tls == "existing" else None
        check(ann.get(ANN + "aws-load-balancer-ssl-cert") == want,
              f"{env}: ssl-cert in the values {ann.get(ANN + 'aws-load-balancer-ssl-cert')!r}, want {want!r}")
    else:
        check("https" not in proxy, f"{env}: no proxy.https with tls {tls}")
        check(set(ann) == {ANN + "aws-load-balancer-type"}, f"{env}: only the nlb annotation: {ann}")

    rec = res(platform, "aws_route53_record", "hub")
    svc = res(platform, "kubernetes_service_v1", "proxy_public", "data")
    check(svc and block(svc, "metadata").get("name") == "proxy-public"
          and "${helm_release.daskhub}" in svc.get("depends_on", []),
          f"{env}: proxy-public read after the release: {svc}")
    host = "${local.load_balancer_hostname}"
    check(platform["locals"].get("load_balancer_hostname", "").startswith(
        "${data.kubernetes_service_v1.proxy_public.status[0].load_balancer[0].ingress[0].hostname"),
        f"{env}: load balancer hostname from proxy-public")
    if name and zone:
        pz = res(platform, "aws_route53_zone", "hub", "data")
        check(pz and pz.get("name") == zone, f"{env}: platform reads zone {zone!r}")
        check(rec and rec.get("name") == name and rec.get("zone_id")
              == "${data.aws_route53_zone.hub.zone_id}", f"{env}: record for {name!r}: {rec}")
        if name.rstrip(".").lower() == zone.rstrip(".").lower():
            al = block(rec, "alias") or {}
            check(rec and rec.get("type") == "A" and al.get("name") == host,
                  f"{env}: apex alias A record: {rec}")
        else:
            check(rec and rec.get("type") == "CNAME" and rec.get("ttl") == 300
                  and rec.get("records") == [host], f"{env}: CNAME to the load balancer: {rec}")
    else:
        check(rec is None, f"{env}: no record without a zone and a name")
    want_url = f"{'https' if https else 'http'}://{name}" if name else "http://${local.load_balancer_hostname}"
    check(platform["output"].get("hub_url", {}).get("value") == want_url,
          f"{env}: hub_url {platform['output'].get('hub_url')}, want {want_url}")


def auth_case(env, spec, platform):
    region = spec["aws"]["region"]
    want = ["eks", "get-token", "--cluster-name", "${local.cluster_name}", "--region", region]
    k = platform["provider"].get("kubernetes", {})
    h = block(platform["provider"].get("helm", {}), "kubernetes") or {}
    for what, p in (("kubernetes", k), ("helm", h)):
        ex = block(p, "exec") or {}
        check(ex.get("command") == "aws" and ex.get("args") == want
              and ex.get("api_version") == "client.authentication.k8s.io/v1beta1",
              f"{env}: {what} provider exec {ex}")
        check("token" not in p, f"{env}: {what} provider has a static token")
    check("aws_eks_cluster_auth" not in platform["data"], f"{env}: aws_eks_cluster_auth read")
    check(platform["locals"].get("cluster_name") == "${data.terraform_remote_state.infra.outputs.cluster_name}",
          f"{env}: cluster name from the infra stack")


def s3_case(env, spec, infra):
    ep = res(infra, "aws_vpc_endpoint", "s3")
    if spec.get("network", {}).get("s3_endpoint", True):
        region = spec["aws"]["region"]
        rts = (ep or {}).get("route_table_ids", "")
        check(ep and ep.get("service_name") == f"com.amazonaws.{region}.s3"
              and ep.get("vpc_endpoint_type") == "Gateway" and ep.get("vpc_id") == "${aws_vpc.this.id}",
              f"{env}: S3 gateway endpoint: {ep}")
        check("aws_route_table.public.id" in rts and "aws_route_table.private" in rts,
              f"{env}: endpoint on the public and private route tables: {rts}")
        check(set(infra["resource"].get("aws_route_table", {})) == {"public", "private"},
              f"{env}: route tables are public and private only")
    else:
        check(ep is None, f"{env}: no S3 endpoint with s3_endpoint: false")


def subnets_case(env, spec, infra):
    net = spec.get("network", {})
    loc = infra["locals"]
    if "subnets" in net:
        azs = spec["aws"]["azs"]
        for kind in ("public", "private"):
            want = dict(zip(azs, net["subnets"][kind]))
            check(loc.get(f"{kind}_subnets") == want,
                  f"{env}: {kind}_subnets {loc.get(kind + '_subnets')}, want {want}")
    else:
        check("cidrsubnet(local.vpc_cidr" in str(loc.get("public_subnets")),
              f"{env}: derived public subnets: {loc.get('public_subnets')}")


def main():
    d, envs = sys.argv[1], sys.argv[2:]
    stacks = load_stacks(d)
    for env in envs:
        spec = json.load(open(f"{d}/spec-{env}.json"))
        infra, platform = stacks.get(f"out/{env}/infra"), stacks.get(f"out/{env}/platform")
        if not infra or not platform:
            check(False, f"{env}: stacks missing")
            continue
        https_case(env, spec, infra, platform)
        auth_case(env, spec, platform)
        s3_case(env, spec, infra)
        subnets_case(env, spec, infra)
    print(f"https-assert: {checks} checks over {len(envs)} environments, {len(fails)} failed")
    for f in fails:
        print("  " + f)
    sys.exit(1 if fails or not envs else 0)


main()

#!/usr/bin/python3
"""helm-values-assert.py SPEC.json VALUES.yaml: what the chart schemas cannot check about
out/<env>/helm/values.yaml, judged against the resolved spec (`eragen show ENV --json`).

- no null anywhere (the real deployment crashed on one); mappings only with string keys
- image choices keyed by slug (never by image name), each choice's image and strings as
  the spec says, the default image offered, unlisted_choice exactly when custom_images
- each profile's kubespawner_override: node_selector and tolerations equal to the
  placement matrix (its own fields, else its node group's labels and NoSchedule/NoExecute
  taints, else placement.notebook's), its resources, display strings read back unchanged
- the image pullers: the notebook image only (no profile list images, no extraImages)
- the authenticator settings of auth.mode (the Cognito sign-out URL without a trailing
  slash, as the app clients registered it), and no secret value or secret key in the file
- the dask-gateway options snippet is valid Python whose image default is hub.image
- hub.extra_values deep-merged last: each non-null leaf is there, each null leaf absent
Prints one summary line; exit 1 with the failures listed.
"""
import ast
import json
import re
import sys
import urllib.parse

import yaml


class Loader(yaml.SafeLoader):
    pass


# Helm reads timestamps as strings: so do we (see helm-values.py)
Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

fails = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fails.append(msg)


def walk(v, path="$"):
    if v is None:
        check(False, f"null at {path}")
    elif isinstance(v, dict):
        for k, x in v.items():
            check(isinstance(k, str), f"non-string key {k!r} at {path}")
            walk(x, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, f"{path}[{i}]")


def get(d, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def selector_of(spec, row):
    """The node selector of a placement row (a profile or placement entry)."""
    if "node_selector" in row:
        return row["node_selector"]
    g = row.get("node_group")
    if g:
        return get(spec, "node_groups", g, "labels", default={})
    return {}


def tolerations_of(spec, row):
    if "tolerations" in row:
        out = []
        for t in row["tolerations"]:
            c = {"operator": t.get("operator", "Equal")}
            for k in ("key", "value", "effect", "tolerationSeconds"):
                if t.get(k) not in (None, ""):
                    c[k] = t[k]
            out.append(c)
        return out
    g = row.get("node_group")
    out = []
    for t in get(spec, "node_groups", g, "taints", default=[]) if g else []:
        if t["effect"] in ("NoSchedule", "NoExecute"):
            c = {"key": t["key"], "operator": "Equal", "effect": t["effect"]}
            if t.get("value"):
                c["value"] = t["value"]
            out.append(c)
    return out


def placement_row(spec, prof):
    if any(k in prof for k in ("node_group", "node_selector", "tolerations")):
        return prof
    return spec["placement"]["notebook"]


def main(spec_path, values_path):
    spec = json.load(open(spec_path))
    text = open(values_path).read()
    values = yaml.load(text, Loader=Loader)
    walk(values)
    check(set(values) >= {"rbac", "jupyterhub", "dask-gateway", "dask-kubernetes"},
          f"top-level keys {sorted(values)}")
    check(get(values, "dask-kubernetes", "enabled") is False, "dask-kubernetes not disabled")
    jh = values["jupyterhub"]
    hub = spec["hub"]
    extra = hub.get("extra_values", {})

    # ---- singleuser, profiles and image choices ----
    su = jh["singleuser"]
    image = hub["image"]
    name, tag = su["image"]["name"], su["image"]["tag"]
    check((f"{name}:{tag}" if tag else name) == image, f"singleuser.image {name}:{tag} != {image}")
    check(su.get("defaultUrl") == hub.get("default_url", "/lab"), "defaultUrl")
    choices = hub.get("image_choices", [])
    slugs = [c["slug"] for c in choices]
    custom = hub.get("custom_images", False)
    profiles = hub.get("profiles") or []
    plist = su.get("profileList", [])
    if profiles:
        check(len(plist) == len(profiles), f"{len(plist)} profiles, spec has {len(profiles)}")
    else:
        check(len(plist) == (1 if choices or custom else 0), "profileList without profiles")
    for i, (p, sp) in enumerate(zip(plist, profiles or [{}] * len(plist))):
        where = f"profileList[{i}]"
        ko = p.get("kubespawner_override", {})
        row = placement_row(spec, sp) if profiles else spec["placement"]["notebook"]
        check(ko.get("node_selector") == selector_of(spec, row),
              f"{where}: node_selector {ko.get('node_selector')} != matrix {selector_of(spec, row)}")
        check(ko.get("tolerations") == tolerations_of(spec, row),
              f"{where}: tolerations {ko.get('tolerations')} != matrix {tolerations_of(spec, row)}")
        if profiles:
            for k in ("display_name", "description", "slug"):
                check(p.get(k) == sp.get(k), f"{where}.{k}: {p.get(k)!r} != {sp.get(k)!r}")
            check(p.get("default", False) == sp.get("default", False), f"{where}.default")
            for k, path in (("cpu_guarantee", ("cpu", "guarantee")), ("cpu_limit", ("cpu", "limit")),
                            ("mem_guarantee", ("memory", "guarantee")), ("mem_limit", ("memory", "limit"))):
                check(ko.get(k) == get(sp, *path), f"{where}: {k} {ko.get(k)!r} != {get(sp, *path)!r}")
            check(ko.get("image") == sp.get("image"), f"{where}: image")
        opt = get(p, "profile_options", "image")
        if not choices and not custom:
            check(opt is None, f"{where}: image option without choices")
            continue
        ch = opt["choices"]
        for key in ch:
            check(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", key) is not None,
                  f"{where}: choice key {key!r} is not a slug")
            check(":" not in key and "/" not in key, f"{where}: choice keyed by an image {key!r}")
        for c in choices:
            got = ch.get(c["slug"])
            check(got is not None, f"{where}: choice {c['slug']} missing")
            if got:
                check(get(got, "kubespawner_override", "image") == c["image"], f"{where}: {c['slug']} image")
                check(got.get("display_name") == c["display_name"], f"{where}: {c['slug']} display_name")
                check(got.get("description") == c.get("description"), f"{where}: {c['slug']} description")
        own = (sp.get("image") if profiles else None) or image
        offered = [get(v, "kubespawner_override", "image") for v in ch.values()]
        check(own in offered, f"{where}: default image {own} not offered")
        check(sum(1 for v in ch.values() if v.get("default")) == 1, f"{where}: not one default choice")
        check(("unlisted_choice" in opt) == custom, f"{where}: unlisted_choice vs custom_images")
        if custom:
            check(get(opt, "unlisted_choice", "enabled") is True, f"{where}: unlisted_choice.enabled")

    # ---- authentication, secrets ----
    cfg = jh["hub"]["config"]
    mode = spec["auth"]["mode"]
    cls = {"dummy": "dummy", "github": "github", "cognito": "generic-oauth"}[mode]
    check(get(cfg, "JupyterHub", "authenticator_class") == cls, "authenticator_class")
    au = cfg.get("Authenticator", {})
    check(au.get("admin_users", []) == spec["auth"].get("admins", []), "admin_users")
    check(au.get("allowed_users", []) == spec["auth"].get("allowed_users", []), "allowed_users")
    check(au.get("allow_all") == spec["auth"].get("allow_all_users", False), "allow_all")
    dom = get(spec, "domain", "name")
    https = bool(dom) and get(spec, "domain", "tls") == "acm"
    if mode == "cognito":
        g = cfg["GenericOAuthenticator"]
        d = spec["auth"]["cognito"]["domain"]
        check(g["authorize_url"] == f"https://{d}/oauth2/authorize", "authorize_url")
        check(g["token_url"] == f"https://{d}/oauth2/token", "token_url")
        check(g["userdata_url"] == f"https://{d}/oauth2/userInfo", "userdata_url")
        check(g["oauth_callback_url"] == f"https://{dom}/hub/oauth_callback", "oauth_callback_url")
        check(g["username_claim"] == "email", "username_claim")
        check(g["client_id"] == spec["auth"]["cognito"]["client_id"], "client_id")
        # the sign-out URL exactly as registered on the app client: no trailing slash
        lo = urllib.parse.urlsplit(g["logout_redirect_url"])
        q = urllib.parse.parse_qs(lo.query, strict_parsing=True)
        check((lo.scheme, lo.netloc, lo.path) == ("https", d, "/logout"), "logout_redirect_url")
        check(q == {"client_id": [spec["auth"]["cognito"]["client_id"]],
                    "logout_uri": [f"https://{dom}"]}, f"logout_redirect_url query {q}")
    if mode == "github":
        g = cfg["GitHubOAuthenticator"]
        org = get(spec, "auth", "github", "org")
        check(g.get("allowed_organizations") == ([org] if org else None), "allowed_organizations")
        if dom:
            scheme = "https" if https else "http"
            check(g.get("oauth_callback_url") == f"{scheme}://{dom}/hub/oauth_callback", "callback")
    for secret_key in ("client_secret", "password"):
        check(re.search(rf"^\s*{secret_key}\s*:", text, re.M) is None, f"a '{secret_key}' key in the file")
    check("client_id" not in get(cfg, "GitHubOAuthenticator", default={}), "GitHub client_id in the file")
    check("sops:" not in text, "a sops: reference in the file")

    # ---- proxy ----
    ann = get(jh, "proxy", "service", "annotations", default={})
    check(get(jh, "proxy", "service", "type") == "LoadBalancer", "proxy service type")
    check(ann.get("service.beta.kubernetes.io/aws-load-balancer-type") == "nlb", "nlb annotation")
    check(("service.beta.kubernetes.io/aws-load-balancer-ssl-ports" in ann) == https, "ssl-ports vs tls")
    check((get(jh, "proxy", "https", "type") == "offload") == https, "https offload vs tls")
    check("service.beta.kubernetes.io/aws-load-balancer-ssl-cert" not in ann, "certificate ARN in the file")

    # ---- culling, storage, prepull ----
    cul = hub.get("culling", {})
    idle = cul.get("server_idle_s", 3600)
    check(get(jh, "cull", "enabled") == (idle > 0), "cull.enabled")
    if idle > 0:
        check(get(jh, "cull", "timeout") == idle, "cull.timeout")
    args = get(cfg, "KubeSpawner", "args", default=[])
    kidle = cul.get("kernel_idle_s", 1200)
    check((f"--MappingKernelManager.cull_idle_timeout={kidle}" in args) == (kidle > 0), "kernel culling")
    st = spec.get("storage", {})
    check(get(su, "storage", "capacity") == f"{st.get('home_gb', 10)}Gi", "storage capacity")
    if get(extra, "jupyterhub", "singleuser", "storage", default={}).get("dynamic", 0) != None:
        check(get(su, "storage", "dynamic", "storageClass") == st.get("class", "gp3"), "storageClass")
    pre = hub.get("prepull", True)
    check(get(jh, "prePuller", "hook", "enabled") == pre, "prePuller.hook")
    check(get(jh, "prePuller", "continuous", "enabled") == pre, "prePuller.continuous")
    # the notebook image only (every choice on every node filled small nodes' disks)
    check(get(jh, "prePuller", "pullProfileListImages") ==
          get(extra, "jupyterhub", "prePuller", "pullProfileListImages", default=False),
          "prePuller.pullProfileListImages")
    check(get(jh, "prePuller", "extraImages") ==
          get(extra, "jupyterhub", "prePuller", "extraImages"), "prePuller.extraImages")

    # ---- dask-gateway ----
    dg = values["dask-gateway"]
    for key, wl in (("scheduler", "dask_scheduler"), ("worker", "dask_worker")):
        pod = get(dg, "gateway", "backend", key, "extraPodConfig", default={})
        row = spec["placement"][wl]
        check(pod.get("nodeSelector", {}) == selector_of(spec, row), f"{key} nodeSelector")
        check(pod.get("tolerations", []) == tolerations_of(spec, row), f"{key} tolerations")
    code = get(dg, "gateway", "extraConfig", "eragen-cluster-options")
    check(isinstance(code, str), "no cluster options snippet")
    if isinstance(code, str):
        tree = ast.parse(code)
        defaults, names = {}, {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                names[node.targets[0].id] = node.value
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Float", "String"):
                kw = {k.arg: ast.literal_eval(names.get(getattr(k.value, "id", None), k.value))
                      for k in node.keywords}
                defaults[ast.literal_eval(node.args[0])] = kw
        check(get(defaults, "image", "default") == image, f"options image {get(defaults, 'image', 'default')!r}")
        d = spec.get("dask", {})
        if "worker_cores_max" in d:
            check(get(defaults, "worker_cores", "max") == d["worker_cores_max"], "worker_cores max")
        if "worker_memory_max_gb" in d:
            check(get(defaults, "worker_memory", "max") == d["worker_memory_max_gb"], "worker_memory max")
        check(f"idle_timeout = {float(d.get('idle_timeout_s', 1800))}" in code, "idle_timeout")

    # ---- extra_values deep-merged last ----
    def leaves(v, path):
        if isinstance(v, dict) and v:
            for k, x in v.items():
                yield from leaves(x, path + [k])
        else:
            yield path, v

    for path, v in leaves(extra, []):
        got = get(values, *path, default=KeyError)
        if v is None:
            check(got is KeyError, f"extra_values null at {'.'.join(path)} still present")
        else:
            check(got == v, f"extra_values {'.'.join(path)}: {got!r} != {v!r}")

    if fails:
        for f in fails:
            print("  " + f)
        print(f"{len(fails)} of {checks} assertions failed")
        return 1
    print(f"{checks} structural assertions hold")
    return 0


sys.exit(main(*sys.argv[1:]))

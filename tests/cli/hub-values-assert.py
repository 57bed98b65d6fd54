#!/usr/bin/python3
"""hub-values-assert.py SPEC.json OUT_DIR: the notebook-server, culling, dask and Kubecost
settings of one environment's generated output (OUT_DIR = out/<env>), read with a YAML
parser and judged against the resolved spec (`eragen show ENV --json`):

- singleuser uid, fsGid, allowPrivilegeEscalation, startTimeout, extraEnv (the spec's,
  SCRATCH_BUCKET derived unless set, the dask image variable with worker_image notebook),
  lifecycleHooks.postStart.exec.command equal to hub.singleuser.post_start; the primary
  group in hub.config.KubeSpawner.gid; hub.shutdownOnLogout
- kernel culling arguments (cull_connected, cull_busy), cull.every, users and named
  servers never removed
- dask-gateway: scheduler resources; the options snippet run against stand-ins of
  dask_gateway_server: defaults at the maxima (or dask.*_default), the image and
  environment options as configured, the user limit, and the handler's pod labels a
  valid Kubernetes label value for hostile user names
- out/<env>/helm/kubecost.yaml exactly when features.kubecost: Grafana off, Prometheus
  volume and retention, placement (placement.kubecost, else the hub's); the platform
  stack installs the chart version kubecost.chart_version with that file
Prints one summary line; exit 1 with the failures listed.
"""
import json
import os
import re
import sys
import types

import yaml

fails = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fails.append(msg)


def get(d, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def placement_of(spec, wl):
    """nodeSelector and tolerations a workload's placement entry gives (as helm writes)."""
    row = get(spec, "placement", wl)
    if row is None:
        return None
    sel = row.get("node_selector")
    if sel is None and row.get("node_group"):
        sel = get(spec, "node_groups", row["node_group"], "labels", default={})
    tols = row.get("tolerations")
    if tols is None and row.get("node_group"):
        tols = [{"key": t["key"], "operator": "Equal", "value": t.get("value", ""),
                 "effect": t["effect"]}
                for t in get(spec, "node_groups", row["node_group"], "taints", default=[])]
    out = []
    for t in tols or []:
        c = {"key": t.get("key"), "operator": t.get("operator", "Equal")}
        if t.get("value"):
            c["value"] = t["value"]
        if t.get("effect"):
            c["effect"] = t["effect"]
        out.append({k: v for k, v in c.items() if v is not None})
    return sel or {}, out


def singleuser(spec, values):
    jh = values["jupyterhub"]
    su = jh["singleuser"]
    hub = spec["hub"]
    s = hub.get("singleuser", {})
    for key, vkey in (("uid", "uid"), ("fs_gid", "fsGid"),
                      ("allow_privilege_escalation", "allowPrivilegeEscalation"),
                      ("start_timeout_s", "startTimeout")):
        check(su.get(vkey) == s.get(key), f"singleuser.{vkey} {su.get(vkey)!r} != {s.get(key)!r}")
    check(get(jh, "hub", "config", "KubeSpawner", "gid") == s.get("gid"), "KubeSpawner.gid")
    check(get(jh, "hub", "shutdownOnLogout") == hub.get("shutdown_on_logout"), "shutdownOnLogout")
    env = su.get("extraEnv", {})
    own = s.get("extra_env", {})
    for k, v in own.items():
        check(env.get(k) == v, f"extraEnv {k} {env.get(k)!r} != {v!r}")
    bucket = spec["scratch_bucket"]["name"]
    want = own.get("SCRATCH_BUCKET", f"s3://{bucket}/$(JUPYTERHUB_USER)")
    check(env.get("SCRATCH_BUCKET") == want, f"SCRATCH_BUCKET {env.get('SCRATCH_BUCKET')!r} != {want!r}")
    notebook = spec["dask"].get("worker_image", "notebook") == "notebook"
    img = env.get("DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE")
    check(img == ("{{JUPYTER_IMAGE_SPEC}}" if notebook else None), f"dask image variable {img!r}")
    check(all(isinstance(v, str) for v in env.values()), "an extraEnv value is not a string")
    cmd = get(su, "lifecycleHooks", "postStart", "exec", "command")
    check(cmd == s.get("post_start"), "postStart command differs from hub.singleuser.post_start")


def culling(spec, values):
    jh = values["jupyterhub"]
    c = spec["hub"]["culling"]
    args = get(jh, "hub", "config", "KubeSpawner", "args", default=[])
    if c["kernel_idle_s"] > 0:
        for trait, key in (("cull_connected", "kernel_cull_connected"), ("cull_busy", "kernel_cull_busy")):
            want = f"--MappingKernelManager.{trait}={c[key]}"
            check(want in args, f"kernel culling: {want} not in {args}")
    if c["server_idle_s"] > 0:
        check(get(jh, "cull", "every") == c["server_interval_s"], "cull.every")
        check(get(jh, "cull", "users") is False, "cull.users")
        check(get(jh, "cull", "removeNamedServers") is False, "cull.removeNamedServers")


class Cfg:
    """A traitlets config stand-in: c.A.b = v records {A: {b: v}}."""

    def __init__(self):
        self.__dict__["v"] = {}

    def __getattr__(self, name):
        return self.v.setdefault(name, types.SimpleNamespace())


def run_snippet(code):
    opts = types.ModuleType("dask_gateway_server.options")

    class Field:
        def __init__(self, kind, name, default=None, **kw):
            self.kind, self.name, self.default, self.kw = kind, name, default, kw

    opts.Float = lambda name, default=None, **kw: Field("Float", name, default, **kw)
    opts.String = lambda name, default=None, **kw: Field("String", name, default, **kw)
    opts.Mapping = lambda name, default=None, **kw: Field("Mapping", name, default, **kw)

    class Options:
        def __init__(self, *fields, handler=None):
            self.fields, self.handler = fields, handler

    opts.Options = Options
    sys.modules["dask_gateway_server"] = types.ModuleType("dask_gateway_server")
    sys.modules["dask_gateway_server.options"] = opts
    c = Cfg()
    exec(compile(code, "eragen-cluster-options", "exec"), {"c": c})
    return c


def dask(spec, values):
    d = spec["dask"]
    gw = get(values, "dask-gateway", "gateway")
    sched = get(gw, "backend", "scheduler", default={})
    check(get(sched, "cores", "request") == d["scheduler_cores"] == get(sched, "cores", "limit"),
          "scheduler cores")
    mem = get(sched, "memory", "request")
    check(isinstance(mem, str) and re.fullmatch(r"[0-9]+[MG]", mem) and mem == get(sched, "memory", "limit"),
          f"scheduler memory {mem!r}")
    if isinstance(mem, str) and mem:
        gib = int(mem[:-1]) / (1 if mem[-1] == "G" else 1024)
        check(abs(gib - d["scheduler_memory_gb"]) < 1 / 1024, "scheduler memory value")
    c = run_snippet(get(gw, "extraConfig", "eragen-cluster-options"))
    o = c.v["Backend"].cluster_options
    fields = {f.name: f for f in o.fields}
    cores_max = d.get("worker_cores_max", 4)
    mem_max = d.get("worker_memory_max_gb", 16)
    check(fields["worker_cores"].kw["max"] == cores_max, "worker_cores max")
    want = min(cores_max, max(min(cores_max, 1), d.get("worker_cores_default", cores_max)))
    check(fields["worker_cores"].default == want, f"worker_cores default {fields['worker_cores'].default} != {want}")
    want = min(mem_max, max(min(mem_max, 1), d.get("worker_memory_default_gb", mem_max)))
    check(fields["worker_memory"].default == want, f"worker_memory default {fields['worker_memory'].default} != {want}")
    notebook = d.get("worker_image", "notebook") == "notebook"
    check(("image" in fields) == notebook, "image option vs worker_image")
    if notebook:
        check(fields["image"].default == spec["hub"]["image"], "image option default")
    else:
        check(getattr(c.v["KubeClusterConfig"], "image", None) == spec["hub"]["image"],
              "KubeClusterConfig.image")
    env_opt = d.get("environment_option", True)
    check(("environment" in fields) == env_opt, "environment option vs environment_option")
    check(c.v["UserLimits"].max_clusters == d["max_clusters"], "UserLimits.max_clusters")
    label = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
    for name in ("jane.doe+lab@example.org", "-._" * 40, "Ünïcödé user", "a" * 100, "admin"):
        opt = types.SimpleNamespace(worker_cores=1.0, worker_memory=2.0, image="x/y:1",
                                    environment={"A": "b"})
        r = o.handler(opt, types.SimpleNamespace(name=name))
        v = r["worker_extra_pod_labels"]["hub.jupyter.org/username"]
        check(len(v) <= 63 and label.match(v), f"label value {v!r} for user {name!r}")
        check(r["scheduler_extra_pod_labels"] == r["worker_extra_pod_labels"], "scheduler labels")
        check(r["worker_memory"] == 2 * 2**30, "worker_memory in bytes")
        check(("image" in r) == notebook and ("environment" in r) == env_opt, "handler keys")
        if env_opt:
            check(r["environment"] == {"A": "b"}, "environment passed to the cluster")


def kubecost(spec, out):
    path = os.path.join(out, "helm", "kubecost.yaml")
    on = spec["features"]["kubecost"]
    check(os.path.exists(path) == on, f"kubecost.yaml exists: {os.path.exists(path)}, kubecost: {on}")
    hub_tf = open(os.path.join(out, "platform", "hub.tf")).read()
    check(('resource "helm_release" "kubecost"' in hub_tf) == on, "kubecost release vs feature")
    if not on:
        return
    v = load(path)
    k = spec["kubecost"]
    check(get(v, "global", "grafana", "enabled") is False, "grafana on")
    check(get(v, "prometheus", "server", "persistentVolume", "size") == f"{k['storage_gb']}Gi", "volume size")
    check(get(v, "prometheus", "server", "retention") == f"{k['retention_days']}d", "retention")
    sel, tols = placement_of(spec, "kubecost") or placement_of(spec, "hub")
    for where in (v, get(v, "prometheus", "server")):
        check(where.get("nodeSelector", {}) == sel, f"kubecost nodeSelector {where.get('nodeSelector')}")
        check(where.get("tolerations", []) == tols, f"kubecost tolerations {where.get('tolerations')}")
    m = re.search(r'resource "helm_release" "kubecost" \{(.*?)\n\}', hub_tf, re.S)
    body = m.group(1) if m else ""
    if "chart_version" in k:
        check(f'version          = "{k["chart_version"]}"' in body, "kubecost chart version")
    check('values = [file("${path.module}/../helm/kubecost.yaml")]' in body, "kubecost values file")


def main(spec_path, out):
    spec = json.load(open(spec_path))
    values = load(os.path.join(out, "helm", "values.yaml"))
    singleuser(spec, values)
    culling(spec, values)
    dask(spec, values)
    kubecost(spec, out)
    if fails:
        for f in fails:
            print("  " + f)
        print(f"{len(fails)} of {checks} assertions failed")
        return 1
    print(f"{checks} assertions hold")
    return 0


sys.exit(main(*sys.argv[1:]))

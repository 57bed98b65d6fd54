#!/usr/bin/python3
"""End-to-end injection property test helper (issue 4 item 9), used by injection.sh.

  injection-check.py gen ROUND KIND DIR   write DIR/environments/ (KIND: benign|hostile) and
                                          DIR/fields.json (field -> [benign, hostile])
  injection-check.py compare ROUNDS...    read b<R>/ and h<R>/ (built repositories, with
                                          hcl.json from hcl-check.js --json), parse every
                                          output with the real parsers and check that the
                                          hostile tree, with each hostile string mapped back
                                          to its benign twin, equals the benign tree.

Every field gets a unique benign marker ("bz<R>f<N>q"), so mapping back is exact. A field
whose hostile string reaches no output file fails the test. YAML is read as YAML 1.1 by
PyYAML plus go-yaml v2's extra booleans (y, n), which Helm reads and PyYAML does not.
"""
import json, os, re, sys, unicodedata

import yaml

# ---- the corpus (fixed: the test is deterministic) -----------------------------------
# Single-line strings for free-form fields.
LINE = [
    '"double" and \'single\' quotes', "back\\slash\\", "trailing backslash \\",
    "${var.x}", "%{ if true }x%{ endif }", "$(rm -rf /)", "${{ secrets.AWS }}",
    "$${{ github.token }}", "a # not a comment", "key: value", "- item",
    "  leading and trailing  ", "'", "`id`", "a && b; c | d * e", "*",
    "caf\u00e9 cafe\u0301", "line\u2028sep and para\u2029sep", "emoji \U0001F680\U0001F9EA",
    "yes", "on", "No", "OFF", "y", "~", "null", "010", "1e3", "0x1F", "1_000", "1:20",
    "0o17", ".inf", "-.5", "2001-12-14", "&anchor", "!tag", "{a: 1}", "[1, 2]", "@at",
    "?q", "%percent", "|", ">", "=x", "<script>&amp;</script>",
    "\\u0041 not an escape", "\\n not a newline", "$TOKEN $$ $", "#{ruby}", "{{mustache}}",
    "\u00a0nbsp\u00a0", "end\"", "\\\"", "${", "%{", "${{",
]
# Multi-line strings (description keys and hub.extra_values leaves).
MULTI = [
    "line one\nline two\n", "first\n  indented: x\n- item\n", "no final newline\n# hash",
    "crlf\r\nline", "\n\nleading blank lines", "trailing blanks\n\n\n",
    "${{ github.event }}\n$(id)\n%{ for x in y }", "a\n---\nb: c", "x\n...\ny",
    "  \n  spaces only lines  \n", "tab\n\tindented", "U+2028 \u2028 and NEL \u0085 end",
]
# Kubernetes label values and keys: the schema allows only [-A-Za-z0-9_.], so the
# hostile ones here are the words YAML 1.1 (or 1.2) reads as something else.
LABEL_VALUES = ["yes", "on", "No", "OFF", "y", "n", "Y", "true", "null", "Null", "010",
                "1e3", "0x1F", "1_000", "0b101", "0o17", "1.0", "12", "0", "N", "off"]
LABEL_KEYS = ["yes", "on", "y", "n", "010", "1e3", "0x1F", "example.com/on", "null",
              "true", "Off", "1_0", "0b1"]
# Image references that are valid and YAML-1.1 traps (1:20 is sexagesimal 80).
IMAGES = ["1:20", "yes:010", "on:off", "010:1e3", "example.org/x/y:0x1F", "null:1_000",
          "y:n", "1e3:0o17", "true:2001-12-14"]
# Names the rules check (Kubernetes names, S3 bucket names): valid ones YAML reads as
# something else.
NAMES = ["yes", "no", "on", "off", "y", "n", "null", "true", "false", "010", "1e3", "0x1f",
         "0o17", "123", "1-0"]
BUCKETS = [v for v in NAMES if len(v) >= 3 and v not in ("no", "on", "y", "n")]
# Login names for GitHub / dummy authentication (free-form strings in the spec).
USERS = LINE

# ---- the spec --------------------------------------------------------------------------
def base_spec():
    return {
        "eragen": 1, "name": "inj", "tier": "ephemeral",
        "description": "D",
        "aws": {"account_id": "123456789012", "region": "us-west-2",
                "azs": ["us-west-2a", "us-west-2b"]},
        "owner": {"email": "ops@example.org", "cost_center": "C"},
        "tags": {},
        "network": {"vpc_cidr": "10.20.0.0/16"},
        "cluster": {"kubernetes_version": "1.34", "endpoint_public_cidrs": ["203.0.113.0/24"],
                    "admins": [{"arn": "arn:aws:iam::123456789012:user/a", "username": "U"}]},
        "node_groups": {
            "system": {"capacity": "on_demand", "min": 1, "max": 1, "instance_types": ["m5.large"],
                       "azs": ["us-west-2a"], "labels": {"role": "system"}},
            "user": {"capacity": "on_demand", "min": 0, "max": 3, "instance_types": ["r5.large"],
                     "azs": ["us-west-2a"], "labels": {"role": "user"},
                     "schedule": {"timezone": "UTC", "scale_up": "0 8 * * MON-FRI",
                                  "scale_down": "0 17 * * MON-FRI", "min_during": 1,
                                  "min_after": 0},
                     "taints": [{"key": "hub.jupyter.org/dedicated", "value": "user",
                                 "effect": "NoSchedule"}]},
            "dask": {"capacity": "spot", "min": 0, "max": 5, "instance_types": ["m5.2xlarge"],
                     "labels": {"role": "dask-worker"},
                     "taints": [{"key": "lifecycle", "value": "spot", "effect": "NoExecute"}]},
        },
        "placement": {w: {"node_group": "system"} for w in
                      ("hub", "proxy", "user_scheduler", "gateway", "dask_scheduler")},
        "auth": {"mode": "github", "admins": [], "allowed_users": [], "allow_all_users": False,
                 "github": {"client_id": "sops:github.client_id",
                            "client_secret": "sops:github.client_secret"}},
        "secrets": {"kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/9d4c7e12-5f6a-4b3c-a8d1-e2f4b6c8a035"},
        "hub": {"chart_version": "2024.1.1", "default_url": "/lab",
                "image": "I", "custom_images": True,
                "image_choices": [], "profiles": [],
                "extra_values": {"jupyterhub": {"scheduling": {"userScheduler": {"enabled": False}}}}},
        "dask": {"worker_cores_max": 4, "worker_memory_max_gb": 16, "cluster_max_cores": 20,
                 "idle_timeout_s": 600},
        "scratch_bucket": {"force_destroy": True},
        "features": {"kubecost": False},
        "ci": {"runs_on": "R", "tofu_version": "1.8.5", "auto_apply": False, "dispatch": True,
               "destroy": True, "required_reviewers": 0,
               "role_arn": "arn:aws:iam::123456789012:role/ci"},
    }

# Fields: (name, corpus, setter(spec, value)). Each setter places one string.
def fields():
    F = []
    def add(name, corpus, fn):
        F.append((name, corpus, fn))
    add("description", MULTI + LINE, lambda s, v: s.__setitem__("description", v))
    add("owner.cost_center", LINE, lambda s, v: s["owner"].__setitem__("cost_center", v))
    for i in range(3):
        add("tags.value%d" % i, LINE, lambda s, v, i=i: s["tags"].__setitem__("K%d" % i, v))
    for i in range(3):
        # tag keys: the value stays benign; the key is what is hostile
        add("tags.key%d" % i, LINE, lambda s, v, i=i: s["tags"].__setitem__(v, "tagvalue%d" % i))
    add("cluster.admins.username", LINE,
        lambda s, v: s["cluster"]["admins"][0].__setitem__("username", v))
    for g in ("user", "dask"):
        add("node_groups.%s.labels.value" % g, LABEL_VALUES,
            lambda s, v, g=g: s["node_groups"][g]["labels"].__setitem__("tier", v))
        add("node_groups.%s.labels.key" % g, LABEL_KEYS,
            lambda s, v, g=g: s["node_groups"][g]["labels"].__setitem__(v, "x"))
        add("node_groups.%s.taints.value" % g, LABEL_VALUES,
            lambda s, v, g=g: s["node_groups"][g]["taints"][0].__setitem__("value", v))
    add("hub.image", IMAGES, lambda s, v: s["hub"].__setitem__("image", v))
    for i in range(2):
        add("hub.image_choices[%d].image" % i, IMAGES,
            lambda s, v, i=i: s["hub"]["image_choices"][i].__setitem__("image", v))
        add("hub.image_choices[%d].display_name" % i, LINE,
            lambda s, v, i=i: s["hub"]["image_choices"][i].__setitem__("display_name", v))
        add("hub.image_choices[%d].description" % i, MULTI + LINE,
            lambda s, v, i=i: s["hub"]["image_choices"][i].__setitem__("description", v))
        add("hub.profiles[%d].display_name" % i, LINE,
            lambda s, v, i=i: s["hub"]["profiles"][i].__setitem__("display_name", v))
        add("hub.profiles[%d].description" % i, MULTI + LINE,
            lambda s, v, i=i: s["hub"]["profiles"][i].__setitem__("description", v))
    for i in range(2):
        add("auth.admins[%d]" % i, USERS, lambda s, v, i=i: s["auth"]["admins"].append(v))
        add("auth.allowed_users[%d]" % i, USERS,
            lambda s, v, i=i: s["auth"]["allowed_users"].append(v))
    add("hub.default_url", ["/" + v for v in LINE], lambda s, v: s["hub"].__setitem__("default_url", v))
    add("state.key", LINE, lambda s, v: s.setdefault("state", {}).__setitem__("key", v))
    add("state.bucket", BUCKETS, lambda s, v: s.setdefault("state", {}).__setitem__("bucket", v))
    add("auth.github.org", LINE, lambda s, v: s["auth"]["github"].__setitem__("org", v))
    add("storage.class", LINE, lambda s, v: s.setdefault("storage", {}).__setitem__("class", v))
    add("node_groups.user.schedule.timezone", LINE,
        lambda s, v: s["node_groups"]["user"]["schedule"].__setitem__("timezone", v))
    add("hub.namespace", NAMES, lambda s, v: s["hub"].__setitem__("namespace", v))
    add("hub.release", NAMES, lambda s, v: s["hub"].__setitem__("release", v))
    add("app", NAMES, lambda s, v: s.__setitem__("app", v))
    add("cluster.name", NAMES, lambda s, v: s["cluster"].__setitem__("name", v))
    add("placement.hub.tolerations.value", LABEL_VALUES,
        lambda s, v: s["placement"]["hub"]["tolerations"][0].__setitem__("value", v))
    for i in range(2):
        add("hub.profiles[%d].image" % i, IMAGES,
            lambda s, v, i=i: s["hub"]["profiles"][i].__setitem__("image", v))
        add("hub.image_choices[%d].slug" % i, NAMES,
            lambda s, v, i=i: s["hub"]["image_choices"][i].__setitem__("slug", v))
        add("hub.profiles[%d].slug" % i, NAMES,
            lambda s, v, i=i: s["hub"]["profiles"][i].__setitem__("slug", v))
    add("ci.runs_on", LINE, lambda s, v: s["ci"].__setitem__("runs_on", v))
    for i in range(3):
        add("hub.extra_values.leaf%d" % i, MULTI + LINE,
            lambda s, v, i=i: s["hub"]["extra_values"].setdefault("jupyterhub", {})
            .setdefault("hub", {}).setdefault("extraEnv", {}).__setitem__("E%d" % i, v))
    add("hub.extra_values.list", MULTI + LINE,
        lambda s, v: s["hub"]["extra_values"]["jupyterhub"].setdefault("singleuser", {})
        .setdefault("extraFiles", {}).__setitem__("f", {"mountPath": "/etc/x", "stringData": v}))
    for i in range(2):
        add("hub.extra_values.key%d" % i, LINE,
            lambda s, v, i=i: s["hub"]["extra_values"].setdefault("jupyterhub", {})
            .setdefault("custom", {}).__setitem__(v, "customvalue%d" % i))
    return F

# Fields the shipped templates do not write (they are in `eragen show --view` only).
VIEW_ONLY = {"description"}

def pick(corpus, round_no, idx):
    """A deterministic choice: rounds walk each field through its corpus."""
    return corpus[(idx * 7 + round_no * 13) % len(corpus)]

def marker(round_no, idx, corpus):
    if corpus is IMAGES:   # pinned (else DRIFT001 warns); name and tag are markers too
        return "example.org/bz%df%dq:bz%df%dt" % (round_no, idx, round_no, idx)
    return "bz%df%dq" % (round_no, idx)

def spec_for(round_no, kind):
    s = base_spec()
    s["hub"]["image_choices"] = [
        {"slug": "one", "image": "example.org/one:1", "display_name": "One", "description": "d1"},
        {"slug": "two", "image": "example.org/two:2", "display_name": "Two", "description": "d2"}]
    s["hub"]["profiles"] = [
        {"slug": "small", "display_name": "S", "cpu": {"guarantee": 1, "limit": 2},
         "memory": {"guarantee": "4G", "limit": "8G"}, "default": True, "node_group": "user"},
        {"slug": "big", "display_name": "B", "cpu": {"guarantee": 1.5, "limit": 2},
         "memory": {"guarantee": "8G", "limit": "12G"}, "node_group": "user"}]
    s["placement"]["dask_worker"] = {"node_group": "dask"}
    s["placement"]["hub"] = {"node_group": "system", "tolerations": [
        {"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}]}
    s["placement"]["notebook"] = {"node_group": "user"}
    table = {}
    for idx, (name, corpus, fn) in enumerate(fields()):
        hostile = pick(corpus, round_no, idx)
        benign = marker(round_no, idx, corpus)
        if name == "hub.default_url":
            benign = "/" + benign
        table[name] = [benign, hostile]
        fn(s, hostile if kind == "hostile" else benign)
    return s, table

def yaml_text(obj):
    """JSON is YAML; keep non-ASCII raw but escape what YAML 1.1 reads as line breaks."""
    t = json.dumps(obj, ensure_ascii=False, indent=1)
    for c in ("\u2028", "\u2029", "\u0085"):
        t = t.replace(c, "\\u%04x" % ord(c))
    return t + "\n"

SECRETS = """github:
    client_id: ENC[AES256_GCM,data:PJeLIV7qmnmglBCbA+jWeEKNOzH+t3iK,iv:1ox5ZaPcJjuiJt7thWO9A6vGECjC9ZcKTccH0t1EeZg=,tag:uOvgY7bJ621lus2TcfbvIg==,type:str]
    client_secret: ENC[AES256_GCM,data:PJeLIV7qmnmglBCbA+jWeEKNOzH+t3iK,iv:1ox5ZaPcJjuiJt7thWO9A6vGECjC9ZcKTccH0t1EeZg=,tag:uOvgY7bJ621lus2TcfbvIg==,type:str]
sops:
    kms:
        - arn: arn:aws:kms:us-west-2:123456789012:key/9d4c7e12-5f6a-4b3c-a8d1-e2f4b6c8a035
          created_at: "2024-11-04T21:09:50Z"
          enc: AQICAHjgXRgJIn43Qvesb8eg2k1rgdViklmIlWiVO
          aws_profile: ""
    lastmodified: "2024-11-04T21:09:50Z"
    mac: ENC[AES256_GCM,data:abc,iv:abc,tag:abc,type:str]
    version: 3.9.1
"""

def cmd_gen(round_no, kind, d):
    s, table = spec_for(int(round_no), kind)
    os.makedirs(os.path.join(d, "environments", "inj"), exist_ok=True)
    with open(os.path.join(d, "environments", "inj", "env.yaml"), "w", encoding="utf-8") as f:
        f.write(yaml_text(s))
    with open(os.path.join(d, "environments", "inj", "secrets.yaml"), "w") as f:
        f.write(SECRETS)
    with open(os.path.join(d, "fields.json"), "w", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=False, indent=1)

# ---- reading the outputs with the real parsers -----------------------------------------
class Yaml11(yaml.SafeLoader):
    """PyYAML's YAML 1.1 plus the y/n booleans of the YAML 1.1 spec that go-yaml v2 (Helm)
    implements and PyYAML leaves out."""
Yaml11.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))

def read_yaml(p):
    with open(p, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml11)

def read_make(p, repo):
    """make's own database: every variable's value and every target's prerequisites and
    recipe, as make reads them (make -p on the fragment, from the repository root)."""
    import subprocess
    r = subprocess.run(["make", "-pqrR", "-f", os.path.relpath(p, repo), "--no-print-directory",
                        ".eragen-injection-none"], cwd=repo, capture_output=True)
    text = r.stdout.decode("utf-8", "surrogateescape")
    if "# Variables" not in text:
        raise SystemExit("make -p printed no database for %s: %s" % (p, r.stderr[-400:]))
    db = {"vars": {}, "targets": {}}
    origin, cur = None, None
    for line in text.split("\n"):
        if line.startswith("# makefile (from "):
            origin = "file"
            continue
        if origin == "file" and not line.startswith("#"):
            m = re.match(r"^([^\s:=#]+) :?= (.*)$", line) or re.match(r"^([^\s:=#]+) :?=$", line)
            if m:
                db["vars"][m.group(1)] = m.group(2) if m.lastindex == 2 else ""
            origin = None
            continue
        origin = None
        m = re.match(r"^([^\s#%][^:]*):(?!=)(.*)$", line)
        if m and not line.startswith("\t"):
            cur = m.group(1)
            db["targets"].setdefault(cur, {"deps": m.group(2).strip(), "recipe": []})
            continue
        if line.startswith("\t") and cur is not None:
            db["targets"][cur]["recipe"].append(line[1:])
        elif line == "":
            cur = None
    # only what the fragment defines (make's built-ins are dropped by -rR; keep the
    # eragen ones: targets and variables that mention the environment or are upper case)
    return db

def hcl_docs(path):
    """hcl-check.js --json prints one JSON document per file, in argument order."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        obj, i = dec.raw_decode(text, i)
        docs.append(obj)

def outputs(repo):
    """Every generated file of the repository: relative path -> kind."""
    files = {}
    for top in ("out", ".github"):
        for dp, dn, fn in os.walk(os.path.join(repo, top)):
            dn.sort()
            for n in sorted(fn):
                p = os.path.relpath(os.path.join(dp, n), repo)
                if n.endswith(".tf"):
                    files[p] = "hcl"
                elif n.endswith((".yaml", ".yml")):
                    files[p] = "yaml"
                elif n.endswith(".mk"):
                    files[p] = "make"
                elif n.endswith(".json"):
                    files[p] = "json"
                else:
                    files[p] = "other"
    return files

def load_hcl(hcl_list, hcl_all):
    """path -> parsed JSON of every .tf file (hcl_list names them, in hcl_all's order)."""
    with open(hcl_list) as f:
        names = [l.rstrip("\n") for l in f if l.strip()]
    docs = hcl_docs(hcl_all)
    if len(docs) != len(names):
        raise SystemExit("hcl-check.js: %d documents for %d files" % (len(docs), len(names)))
    return dict(zip(names, docs))

def parse_repo(repo, hcl):
    trees = {}
    for p, kind in outputs(repo).items():
        full = os.path.join(repo, p)
        if kind == "hcl":
            trees[p] = ("hcl", hcl[full])
        elif kind == "yaml":
            try:
                trees[p] = ("yaml", read_yaml(full))
            except yaml.YAMLError as e:
                trees[p] = ("error", str(e).replace("\n", " "))
        elif kind == "json":
            with open(full, encoding="utf-8") as f:
                trees[p] = ("json", json.load(f))
        elif kind == "make":
            trees[p] = ("make", read_make(full, repo))
    return trees

# ---- comparing ---------------------------------------------------------------------------

def hcl_literal(s):
    """hcl2json prints literal strings in template syntax: $${ and %%{ are literal ${ %{;
    a bare ${ or %{ is a template (an injection). None for a template."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c in "$%" and s.startswith(c + c + "{", i):
            out.append(c + "{")
            i += 3
            continue
        if c in "$%" and s.startswith(c + "{", i):
            return None
        out.append(c)
        i += 1
    return "".join(out)

GHA_OURS = "${{ '$' }}"

def gha_eval(s):
    """GitHub's substitution of ${{ }} in a workflow string: only the escaper's own
    ${{ '$' }} may appear. None when another expression survives."""
    out, i = [], 0
    while True:
        j = s.find("${{", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        if not s.startswith(GHA_OURS, j):
            return None
        out.append(s[i:j] + "$")
        i = j + len(GHA_OURS)

class Fwd:
    """Maps the benign tree forward: every marker (unique, so never ambiguous) becomes its
    hostile string; the result must equal the hostile tree as the parser read it."""
    def __init__(self, table, nfc):
        self.sub = {}
        for b, h in table.values():
            hh = unicodedata.normalize("NFC", h) if nfc else h
            self.sub[b] = hh
            if b.startswith("example.org/") and ":" in b:
                # an image: outputs may hold its name and tag apart
                bn, _, bt = b.rpartition(":")
                hn, _, ht = hh.rpartition(":")
                self.sub[bn] = hn
                self.sub[bt] = ht
        keys = sorted(self.sub, key=len, reverse=True)
        self.rx = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
        self.hits = {}

    def map(self, t):
        if isinstance(t, str):
            if self.rx is None:
                return t
            def one(m):
                self.hits[m.group(0)] = self.hits.get(m.group(0), 0) + 1
                return self.sub[m.group(0)]
            return self.rx.sub(one, t)
        if isinstance(t, dict):
            return {self.map(k) if isinstance(k, str) else k: self.map(v) for k, v in t.items()}
        if isinstance(t, list):
            return [self.map(x) for x in t]
        return t

def norm_lists(t):
    if isinstance(t, dict):
        return {k: norm_lists(v) for k, v in t.items()}
    if isinstance(t, list):
        items = [norm_lists(x) for x in t]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, default=str))
    return t

def strings_in(t, acc):
    if isinstance(t, str):
        acc.append(t)
    elif isinstance(t, dict):
        for k, v in t.items():
            strings_in(k, acc)
            strings_in(v, acc)
    elif isinstance(t, list):
        for x in t:
            strings_in(x, acc)
    return acc

def shape(t):
    """Counts: mappings, keys, sequences, items, scalars."""
    c = [0, 0, 0, 0, 0]
    def w(x):
        if isinstance(x, dict):
            c[0] += 1; c[1] += len(x)
            for v in x.values():
                w(v)
        elif isinstance(x, list):
            c[2] += 1; c[3] += len(x)
            for v in x:
                w(v)
        else:
            c[4] += 1
    w(t)
    return c

def diff_path(a, b, path=""):
    if type(a) != type(b):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return "%s: key %r only in %s" % (path, k, "benign" if k in a else "hostile")
            d = diff_path(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff_path(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)

def snippets(t, path, acc):
    """Python code in values (hub.extraConfig, gateway.extraConfig): path -> source."""
    if isinstance(t, dict):
        for k, v in t.items():
            if path.endswith(".extraConfig") and isinstance(v, str):
                acc[path + "." + str(k)] = v
            else:
                snippets(v, path + "." + str(k), acc)
    elif isinstance(t, list):
        for i, x in enumerate(t):
            snippets(x, "%s[%d]" % (path, i), acc)
    return acc

def check_python(p, r, table, btree, htree):
    """A spec string inside a Python snippet must stay one string literal: the hostile
    snippet parses (ast) to the benign one's tree with the markers' literals replaced."""
    import ast
    bad = 0
    bs, hs = snippets(btree, "", {}), snippets(htree, "", {})
    fwd = Fwd(table, nfc=False)
    class Lit(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str):
                return ast.copy_location(ast.Constant(fwd.map(node.value)), node)
            return node
    for k in sorted(set(bs) | set(hs)):
        try:
            want = ast.dump(Lit().visit(ast.parse(bs[k])))
            got = ast.dump(ast.parse(hs[k]))
        except (KeyError, SyntaxError) as e:
            print("%s round %s: Python snippet %s: %s" % (p, r, k, e))
            bad += 1
            continue
        if want != got:
            print("%s round %s: Python snippet %s: hostile strings change its syntax tree" % (p, r, k))
            bad += 1
    return bad

def cmd_compare(rounds, hcl_list, hcl_all):
    hcl = load_hcl(hcl_list, hcl_all)
    bad = 0
    n_checks = n_files = 0
    field_files = {}
    for r in rounds:
        with open("h%s/fields.json" % r, encoding="utf-8") as f:
            table = json.load(f)
        bt = parse_repo("b%s" % r, hcl)
        ht = parse_repo("h%s" % r, hcl)
        if sorted(bt) != sorted(ht):
            bad += 1
            print("round %s: file sets differ: %s" % (r, sorted(set(bt) ^ set(ht))))
        bfield = {b: name for name, (b, h) in table.items()}
        reached = {name: [] for name in table}
        for p in sorted(set(bt) & set(ht)):
            kind, btree = bt[p]
            hkind, htree = ht[p]
            n_files += 1
            if kind == "error" or hkind == "error":
                bad += 1
                print("%s round %s: the YAML parser rejects the %s build: %s"
                      % (p, r, "benign" if kind == "error" else "hostile",
                         btree if kind == "error" else htree))
                continue
            if kind == "hcl":
                # hcl2json prints literals in template syntax: $${ and %%{ undone; a bare
                # ${ or %{ stays as it is and cannot equal the benign tree mapped forward
                def lit(t):
                    if isinstance(t, str):
                        v = hcl_literal(t)
                        return t if v is None else v
                    if isinstance(t, dict):
                        return {lit(k): lit(v) for k, v in t.items()}
                    if isinstance(t, list):
                        return [lit(x) for x in t]
                    return t
                btree, htree = lit(btree), lit(htree)
            if kind == "yaml" and p.startswith(".github/"):
                def ev(t, where):
                    if isinstance(t, str):
                        v = gha_eval(t)
                        if v is None:
                            # an expression that is not in the benign build is injected
                            return ("INJECTED", t)
                        return v
                    if isinstance(t, dict):
                        return {ev(k, where): ev(v, where) for k, v in t.items()}
                    if isinstance(t, list):
                        return [ev(x, where) for x in t]
                    return t
                # strip expressions that the benign build has as well (ours), then evaluate
                # the escaper's ${{ '$' }}; any other ${{ left is an injection
                bex = set(re.findall(r"\$\{\{.*?\}\}", json.dumps(btree, default=str)))
                for s in strings_in(htree, []):
                    rest = s.replace(GHA_OURS, "")
                    for e in re.findall(r"\$\{\{.*?\}\}|\$\{\{.*", rest):
                        if e not in bex:
                            bad += 1
                            print("%s round %s: GitHub would evaluate %r in %r" % (p, r, e, s))
                def unours(t):
                    if isinstance(t, str):
                        return t.replace(GHA_OURS, "$")
                    if isinstance(t, dict):
                        return {unours(k): unours(v) for k, v in t.items()}
                    if isinstance(t, list):
                        return [unours(x) for x in t]
                    return t
                htree = unours(htree)
            if kind == "yaml":
                bad += check_python(p, r, table, btree, htree)
            fwd = Fwd(table, nfc=(kind == "hcl"))
            want = fwd.map(btree)
            b_shape, h_shape = shape(btree), shape(htree)
            if b_shape != h_shape:
                bad += 1
                print("%s round %s: structure differs: benign %s, hostile %s "
                      "(mappings, keys, sequences, items, scalars)" % (p, r, b_shape, h_shape))
            if norm_lists(want) != norm_lists(htree):
                bad += 1
                d = diff_path(norm_lists(want), norm_lists(htree))
                print("%s round %s: the hostile output does not read back as the benign one "
                      "with the hostile strings in: %s" % (p, r, d))
            for m, k in fwd.hits.items():
                name = bfield.get(m) or bfield.get(m.rpartition(":")[0]) or next(
                    (n for b, n in bfield.items() if b.startswith(m + ":") or
                     (b.startswith("example.org/") and b.endswith(":" + m))), None)
                if name:
                    reached[name].append(p)
                    n_checks += k
        for name, ps in reached.items():
            field_files.setdefault(name, set()).update(ps)
    for n in sorted(n for n, ps in field_files.items() if not ps):
        if n in VIEW_ONLY:
            print("field %s: in the view model only, no shipped template writes it" % n)
            continue
        bad += 1
        print("field %s: its hostile strings reached no output file" % n)
    nf = len(field_files)
    print("injection: %d rounds x %d fields; %d output files compared; %d hostile strings "
          "found and read back equal; %d problems"
          % (len(rounds), nf, n_files, n_checks, bad))
    for name in sorted(field_files):
        kinds = sorted({os.path.basename(p) for p in field_files[name]})
        print("  %-36s -> %s" % (name, " ".join(kinds)))
    if n_checks == 0 or n_files == 0:
        print("injection: nothing checked")
        return 1
    return 1 if bad else 0

if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        cmd_gen(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and sys.argv[1] == "compare":
        sys.exit(cmd_compare(sys.argv[4:], sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: injection-check.py gen ROUND KIND DIR | compare HCL_LIST HCL_JSON ROUND...")

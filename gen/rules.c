/*
 * rules.c - the rule table: every rule eragen checks, with its ID, default severity,
 * whether it can be suppressed, a one-line summary and its `eragen explain` text. This one
 * table feeds `eragen explain`, `--help` and the README rule list; the checks refer to
 * rules by ID only. Sorted by family, then number (the order of DESIGN.md section 5).
 * IDs are stable: add rules, never rename or reuse an ID.
 */
#include <string.h>

#include "eragen.h"

const struct rule rules[] = {
	/* ---- SPEC: the spec as a file and as a schema instance ------------------------- */

	{
		.id = "SPEC001",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "YAML syntax error (libyaml's problem and position)",
		.explain =
			"What: A spec file is not well-formed YAML and libyaml stopped reading it. The diagnostic\n"
			"gives libyaml's own description of the problem and the position where it was detected,\n"
			"which is often just after the real mistake.\n"
			"\n"
			"Why: Nothing in a file that does not parse can be trusted: generating from the part that\n"
			"was read would give a stack without the settings that followed, e.g. without node groups,\n"
			"whose apply would destroy them.\n"
			"\n"
			"Fix: Correct the syntax at or just before the reported position. Common causes are a tab\n"
			"used for indentation, an unclosed quote or bracket, and a plain value that contains \": \":\n"
			"  description: \"Pool: shared by all\"    # not: description: Pool: shared by all\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC002",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "duplicate key in a mapping",
		.explain =
			"What: A mapping holds the same key twice, e.g. two max keys in one node group. The note\n"
			"points at the first occurrence.\n"
			"\n"
			"Why: YAML forbids duplicate keys and tools disagree about which value wins: a reviewer\n"
			"reads max: 1 near the top of the group while another tool, or a later edit, uses the\n"
			"max: 30 further down, and the group scales to a size nobody approved.\n"
			"\n"
			"Fix: Keep one of the two keys; if both hold maps, merge their contents into one.\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC003",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "unknown key (suggest the nearest known key)",
		.explain =
			"What: A key that schemas/environment.schema.json does not define at this place. The\n"
			"message suggests the nearest known key (\"did you mean\").\n"
			"\n"
			"Why: A misspelt key would otherwise be ignored and its default used without a word: taint:\n"
			"instead of taints: leaves the group untainted, and workloads that were meant to stay off\n"
			"it land on it.\n"
			"\n"
			"Fix: Rename the key to the suggested one, or move it to where the schema defines it.\n"
			"Free-form Helm values belong in hub.extra_values:\n"
			"  hub:\n"
			"    extra_values: {jupyterhub: {singleuser: {startTimeout: 600}}}\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC004",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "wrong type (with \"quote it\" for numbers where strings are expected)",
		.explain =
			"What: A value of the wrong type: a number where a string is expected, a list where a map\n"
			"is expected, and so on. Specs use the YAML 1.2 core schema, so an unquoted 1.30 is a\n"
			"number; where a string is expected and a number is given, the message says \"quote it\".\n"
			"\n"
			"Why: Unquoted, kubernetes_version: 1.30 is the number 1.3 and account_id: 012345678901\n"
			"loses its leading zero: the output would ask for the wrong Kubernetes version or the wrong\n"
			"AWS account.\n"
			"\n"
			"Fix: Give the value the expected type; quote versions, account IDs and other\n"
			"numeric-looking strings:\n"
			"  aws: {account_id: \"012345678901\"}\n"
			"  cluster: {kubernetes_version: \"1.30\"}\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC005",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "required key missing",
		.explain =
			"What: A key the schema requires is absent from the resolved spec (schema defaults, then\n"
			"environments/_defaults.yaml, then the extends chain, then the environment's own file),\n"
			"including a key removed by an explicit null.\n"
			"\n"
			"Why: A required key has no safe default: guessing aws.region, aws.account_id or a\n"
			"workload's placement would create resources in the wrong account or region, or pods that\n"
			"cannot be scheduled.\n"
			"\n"
			"Fix: Add the key to the environment's env.yaml, or to a parent or _defaults.yaml when it\n"
			"is shared. name, extends, tier and lint are never inherited, so tier must stand in every\n"
			"file:\n"
			"  tier: development\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC006",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "value not allowed (enum, pattern, range, format, unknown chart version)",
		.explain =
			"What: A value of the right type that is not allowed: not one of the listed values\n"
			"(nat: single, per_az or none), not matching a pattern (aws.account_id: 12 digits), out of\n"
			"range, in the wrong format, or a hub.chart_version that is not among the chart versions\n"
			"known in schemas/.\n"
			"\n"
			"Why: AWS, EKS or Helm would refuse the value only at apply time, half way through, e.g.\n"
			"after the VPC was created. For an unknown chart version eragen cannot know the chart's\n"
			"subcharts and values schema, so the generated Helm values could not be checked.\n"
			"\n"
			"Fix: Use one of the values the message lists. For a new chart version, add it to\n"
			"schemas/charts.json with its subcharts, the kube-scheduler its user-scheduler bundles and\n"
			"the tolerations it gives its pods: a repository's own schemas/charts.json replaces the\n"
			"installed one (copy the installed file, then add the entry).\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC007",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "name differs from the directory name",
		.explain =
			"What: The top-level name of environments/<dir>/env.yaml is not <dir>.\n"
			"\n"
			"Why: Commands, out/<env>/, Makefile targets and workflows use the directory name, derived\n"
			"names (cluster, state bucket) use name. A copied directory whose name was not changed\n"
			"would manage the original environment's cluster and state from a second place, and its\n"
			"apply or destroy would change the original.\n"
			"\n"
			"Fix: Set name to the directory name, or rename the directory. To copy an environment, use\n"
			"eragen init, which sets both:\n"
			"  eragen init cae-staging --from cae\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC008",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "extends: missing parent, cycle, a path, or a chain deeper than 8",
		.explain =
			"What: extends names an environment that does not exist, is a path instead of a name\n"
			"(contains / or ..), forms a cycle (a extends b, b extends a), or starts a chain of more\n"
			"than 8 parents.\n"
			"\n"
			"Why: The resolved spec cannot be computed: values would be inherited from nowhere or\n"
			"forever, and a path could pull in files from outside environments/ or outside the\n"
			"repository.\n"
			"\n"
			"Fix: Name the parent by its directory name under environments/; use an abstract parent (a\n"
			"name starting with _) for shared settings, and _defaults.yaml instead of long chains:\n"
			"  extends: _base\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC009",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary =
			"unsupported YAML: alias expansion over budget, merge keys <<, tags other "
			"than the core ones, non-scalar keys, several documents",
		.explain =
			"What: The file uses YAML that specs do not accept: aliases that expand to more than the\n"
			"node budget, merge keys <<, tags other than the core schema's, keys that are maps or\n"
			"lists, or more than one document in a file.\n"
			"\n"
			"Why: Aliases that expand exponentially (\"billion laughs\") exhaust memory; << is not part\n"
			"of YAML 1.2 and tools disagree on it (some merge, some keep a key named \"<<\"); unknown\n"
			"tags and non-scalar keys have no meaning in a spec; a second document is read by some\n"
			"tools and silently dropped by others.\n"
			"\n"
			"Fix: Write the values out, and share settings with extends or environments/_defaults.yaml\n"
			"instead of anchors and <<. Remove custom tags; keep one document per file.\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC010",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary = "unsupported spec version",
		.explain =
			"What: The top-level eragen key (the spec format version) is not a version this eragen\n"
			"reads; the current format is 1.\n"
			"\n"
			"Why: A spec written for another format may give keys another meaning: reading it with the\n"
			"wrong rules would generate wrong output without a word instead of asking for the right\n"
			"eragen.\n"
			"\n"
			"Fix: Set the version this eragen reads, or install the eragen the spec was written for\n"
			"(eragen --version tells which one runs):\n"
			"  eragen: 1\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	{
		.id = "SPEC011",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"suppression without a reason, past its until, or that matched nothing (only "
			"reported when every environment and every rule ran)",
		.explain =
			"What: A lint.ignore entry or # eragen:ignore comment that has no reason, whose until date\n"
			"(inclusive, UTC) has passed, or that suppressed no finding. The last is reported only when\n"
			"every environment and every rule ran (no ENV, --only or --skip).\n"
			"\n"
			"Why: A suppression without a reason cannot be reviewed. An expired one no longer hides its\n"
			"finding, and this says why it came back. One that matches nothing is stale, and would\n"
			"silently hide a real finding that appears at that place later.\n"
			"\n"
			"Fix: Give every suppression a reason, renew or remove until, and delete what matches\n"
			"nothing:\n"
			"  lint:\n"
			"    ignore:\n"
			"      - rule: DRIFT001\n"
			"        path: \"hub.image_choices[1].image\"\n"
			"        reason: \"tracks upstream on purpose\"\n"
			"        until: 2027-03-31\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SPEC011, path: \"lint.ignore[0]\", reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore SPEC011 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SPEC012",
		.sev = SEV_ERROR,
		.suppressible = false,
		.summary =
			"input cannot be used: unreadable, too large, nested too deep, not UTF-8, NUL"
			" bytes, a path that leaves the repository",
		.explain =
			"What: An input file cannot be used: it is unreadable, larger than 8 MiB, nested deeper\n"
			"than 256 levels, not UTF-8 (UTF-16 included), contains NUL bytes, or its path leaves the\n"
			"repository (.. or a symlink pointing outside). Also an environment whose placement\n"
			"matrix is too large to judge: its workloads and profiles reach so many node groups\n"
			"that checking every pair would not end in reasonable time (SCHED002, SCHED003 and\n"
			"SCHED006 are then not checked for the rest); and one with more than 100,000 image\n"
			"choices in all its profiles (the Helm values list every choice under every profile).\n"
			"\n"
			"Why: Such input is an accident (a binary file, a file saved as UTF-16 by an editor) or\n"
			"hostile; reading it could hang, exhaust memory, or read or write files outside the\n"
			"repository. Stopping with a clear message is safer than generating from a guess.\n"
			"\n"
			"Fix: Save the file as UTF-8 without NUL bytes, make it smaller or flatter, fix its\n"
			"permissions, and replace symlinks that lead outside the repository with regular files.\n"
			"A placement matrix gets smaller with fewer profiles that have a placement of their own,\n"
			"or with node-group labels that tell the groups apart; the Helm values with fewer image\n"
			"choices or profiles.\n"
			"\n"
			"Suppress: This rule cannot be suppressed: the input cannot be used as it is.\n",
	},

	/* ---- NET: addresses ------------------------------------------------------------ */

	{
		.id = "NET001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "invalid CIDR (syntax, host bits set, VPC prefix outside /16../24)",
		.explain =
			"What: A CIDR where eragen expects one (network.vpc_cidr, network.peers,\n"
			"cluster.service_cidr, cluster.endpoint_public_cidrs) that is not an IPv4 a.b.c.d/n, that has\n"
			"host bits set (10.7.1.0/16), or a network.vpc_cidr whose prefix is outside /16 to /24.\n"
			"Parsing is strict: four decimal octets without leading zeros (inet_aton reads 010 as octal\n"
			"8, other tools as 10), a prefix length 0 to 32, nothing else; a bare address needs /32. A\n"
			"CIDR this rule rejects takes part in no other NET rule.\n"
			"\n"
			"Why: AWS refuses malformed blocks at apply time. With host bits set, some tools round down\n"
			"and others refuse, so 10.7.1.0/16 silently means 10.7.0.0/16. AWS allows no VPC larger than\n"
			"/16, and one smaller than /24 leaves no room for nodes and pods (the VPC CNI gives every pod\n"
			"a VPC address).\n"
			"\n"
			"Fix: Write the network address with its prefix:\n"
			"  network:\n"
			"    vpc_cidr: 10.7.0.0/16\n"
			"  cluster:\n"
			"    endpoint_public_cidrs: [203.0.113.7/32]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET001, path: network.vpc_cidr, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR not private (RFC 1918 or RFC 6598)",
		.explain =
			"What: network.vpc_cidr is not inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918)\n"
			"or 100.64.0.0/10 (RFC 6598).\n"
			"\n"
			"Why: Addresses inside the VPC win over the internet: pods that call a real service whose\n"
			"address falls in a public block used by the VPC (an API, a package mirror) reach nothing.\n"
			"\n"
			"Fix: Use a private block that no other environment or peer uses:\n"
			"  network:\n"
			"    vpc_cidr: 10.7.0.0/16\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET002, path: network.vpc_cidr, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET002 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR overlaps another environment's (unless both acknowledge it)",
		.explain =
			"What: network.vpc_cidr overlaps the VPC CIDR of another environment, and the two do not\n"
			"both list each other in network.allow_overlap_with (one side listing the other is not\n"
			"enough). Abstract parents (_name) are not compared; a child that inherits its parent's\n"
			"vpc_cidr overlaps the parent. Each environment gets at most one finding, at its vpc_cidr,\n"
			"naming one environment it overlaps with a note at that one's vpc_cidr; `eragen lint ENV`\n"
			"shows it for either of the two.\n"
			"\n"
			"Why: Overlapping VPCs can never be peered or joined by a transit gateway, and a copied\n"
			"environment usually reuses the block by accident: routes, security group and on-premises\n"
			"firewall rules written for one environment then also match the other.\n"
			"\n"
			"Fix: Give each environment its own block (cae 10.5.0.0/16, cae-dev 10.6.0.0/16). If the\n"
			"two will never be connected, acknowledge it on both sides:\n"
			"  network:\n"
			"    allow_overlap_with: [cae-dev]    # and cae-dev lists this environment\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET003, path: network.vpc_cidr, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET003 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "VPC CIDR overlaps a declared peer network",
		.explain =
			"What: network.vpc_cidr overlaps one of network.peers (peered VPCs and on-premises networks\n"
			"this VPC must reach). The finding is at vpc_cidr, with a note at the peer.\n"
			"\n"
			"Why: Traffic to overlapping addresses stays inside the VPC, so the peer is unreachable\n"
			"from nodes and pods, and AWS refuses a VPC peering connection between overlapping CIDRs.\n"
			"\n"
			"Fix: Choose a vpc_cidr outside every peer:\n"
			"  network:\n"
			"    vpc_cidr: 10.7.0.0/16\n"
			"    peers: [10.0.0.0/16, 192.168.0.0/16]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET004, path: network.vpc_cidr, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET004 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "service CIDR overlaps the VPC or a peer, or is not RFC 1918 /12../24",
		.explain =
			"What: cluster.service_cidr (the Kubernetes Service addresses, default 172.20.0.0/16)\n"
			"overlaps network.vpc_cidr or one of network.peers, or is not inside RFC 1918 (10.0.0.0/8,\n"
			"172.16.0.0/12, 192.168.0.0/16) with a prefix from /12 to /24. When the service range is\n"
			"the default, an overlap is reported at the VPC or peer line that causes it. The help\n"
			"suggests a conventional range that overlaps nothing.\n"
			"\n"
			"Why: Pods send traffic for Service addresses to kube-proxy, so VPC or peer addresses\n"
			"inside the service range become unreachable from pods. EKS refuses other ranges when it\n"
			"creates the cluster, and the range cannot be changed later without replacing the cluster.\n"
			"\n"
			"Fix: Pick a range that overlaps nothing:\n"
			"  cluster:\n"
			"    service_cidr: 172.20.0.0/16\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET005, path: cluster.service_cidr, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET005 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "subnet plan does not fit (2 x AZs subnets at subnet_newbits)",
		.explain =
			"What: eragen cuts one public and one private subnet per AZ of aws.azs out of\n"
			"network.vpc_cidr, each network.subnet_newbits bits longer than the VPC prefix. The plan does\n"
			"not fit when 2 x (number of AZs) is more than 2^subnet_newbits, or when the subnets would\n"
			"be smaller than /28, the smallest subnet AWS allows. The help gives the range of\n"
			"subnet_newbits that fits.\n"
			"\n"
			"Why: The plan would fail in cidrsubnet() (\"does not accommodate a subnet numbered N\") or\n"
			"in the AWS API, and renumbering the subnets later to make room replaces every node group\n"
			"and the cluster.\n"
			"\n"
			"Fix: Raise subnet_newbits (lower it for subnets that are too small), use fewer AZs, or a\n"
			"larger VPC:\n"
			"  network:\n"
			"    vpc_cidr: 10.7.0.0/16\n"
			"    subnet_newbits: 4     # 16 subnets of /20: room for 8 AZs\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET006, path: network.subnet_newbits, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NET006 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET007",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "AZ not in the region, or a node group's AZ not among aws.azs",
		.explain =
			"What: An entry of aws.azs that is not an availability zone of aws.region, or an entry of\n"
			"node_groups.<group>.azs that is not in aws.azs. An AZ name must start with the region's\n"
			"name; when the regions table in schemas/regions.json knows the region, the AZ must also be\n"
			"one it lists (AZ letters vary between accounts: a repository can override the table with\n"
			"its own schemas/regions.json). Without the table only the name is checked.\n"
			"\n"
			"Why: AWS refuses a subnet in another region's AZ, and the apply fails after the VPC was\n"
			"created. A node group pinned to an AZ in which eragen makes no subnet has nowhere to\n"
			"launch its nodes.\n"
			"\n"
			"Fix: List AZs of the region, and pin node groups to a subset of them:\n"
			"  aws: {region: us-west-2, azs: [us-west-2a, us-west-2b]}\n"
			"  node_groups:\n"
			"    system: {azs: [us-west-2a]}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET007, path: \"aws.azs[1]\", reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore NET007 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NET008",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "nat: none while node groups run in private subnets (nodes cannot join)",
		.explain =
			"What: network.nat is none while the environment has node groups. eragen's stack runs every\n"
			"node group in the private subnets, so this is an error whenever there is a node group at\n"
			"all (and the schema requires at least one).\n"
			"\n"
			"Why: Without NAT, nodes in private subnets cannot reach the EKS API endpoint, ECR or S3,\n"
			"so they never join the cluster: the node group fails after about 20 minutes with\n"
			"NodeCreationFailure (\"Instances failed to join the kubernetes cluster\").\n"
			"\n"
			"Fix: Give the private subnets a way out:\n"
			"  network:\n"
			"    nat: single      # per_az for production (POLICY004)\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NET008, path: network.nat, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore NET008 reason` on the offending line or the line above.\n",
	},

	/* ---- AUTH: authentication ------------------------------------------------------ */

	{
		.id = "AUTH001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "Cognito region has no Cognito user pools",
		.explain =
			"What: In mode cognito, auth.cognito.region is a region where Amazon Cognito user pools are\n"
			"not available, or no AWS region at all (a typo: the nearest region is suggested). The\n"
			"regions table schemas/regions.json says which regions offer Cognito.\n"
			"\n"
			"Why: The user pool cannot exist there: the token and login URLs the hub is given point at\n"
			"an endpoint that does not exist, and every login fails.\n"
			"\n"
			"Fix: Set the region the pool really lives in (it may differ from aws.region):\n"
			"  auth:\n"
			"    cognito: {region: us-west-1}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH001, path: auth.cognito.region, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore AUTH001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "user pool ID prefix differs from auth.cognito.region",
		.explain =
			"What: In mode cognito, auth.cognito.user_pool_id starts with a region (\"us-west-1_...\")\n"
			"other than auth.cognito.region, or is not of the form <region>_<id> at all.\n"
			"\n"
			"Why: A pool lives in the region its ID names, while the hub builds its Cognito URLs from\n"
			"auth.cognito.region: it asks another region for a pool that is not there, and login fails\n"
			"(ResourceNotFoundException, or tokens whose issuer does not match).\n"
			"\n"
			"Fix: Make the two agree, normally by setting the region to the pool's:\n"
			"  auth:\n"
			"    cognito:\n"
			"      region: us-west-1\n"
			"      user_pool_id: us-west-1_iIJnsmn4m\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH002, path: auth.cognito.user_pool_id, reason: \"...\"}]\n"
			"or an inline comment `# eragen:ignore AUTH002 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "AUTH003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "Cognito domain's region differs from auth.cognito.region",
		.explain =
			"What: In mode cognito, auth.cognito.domain is a Cognito prefix domain\n"
			"(<prefix>.auth.<region>.amazoncognito.com, or auth-fips) whose region is not\n"
			"auth.cognito.region, or ends in .amazoncognito.com without that form. A custom domain\n"
			"(anything else, e.g. login.example.org) is not judged: its name says no region.\n"
			"\n"
			"Why: The OAuth redirect goes to a Cognito domain in another region, which does not know\n"
			"the pool's app client, and login fails with a redirect_mismatch error.\n"
			"\n"
			"Fix: Use the domain of the pool's own region:\n"
			"  auth:\n"
			"    cognito:\n"
			"      region: us-west-1\n"
			"      domain: cae-dev-hub.auth.us-west-1.amazoncognito.com\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH003, path: auth.cognito.domain, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore AUTH003 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH004",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary =
			"OAuth without domain.name and tls: acm: an error for Cognito (its callback "
			"must be https), a warning for GitHub",
		.explain =
			"What: auth.mode is cognito or github while the hub has no https address: domain.name is\n"
			"omitted or empty, or domain.tls is none (the default). An error for Cognito; for GitHub a\n"
			"warning, an error on production. Reported at auth.mode.\n"
			"\n"
			"Why: Cognito accepts only https callback URLs (http only for localhost), so its app client\n"
			"cannot point at the hub and login fails with redirect_mismatch. GitHub accepts http, but\n"
			"the OAuth code and the session cookie then cross the network in clear text.\n"
			"\n"
			"Fix: Serve the hub on its own name with an ACM certificate:\n"
			"  domain:\n"
			"    name: cae-dev.example.org\n"
			"    tls: acm\n"
			"    route53_zone: example.org\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH004, path: auth.mode, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore AUTH004 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH005",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary = "dummy auth outside the ephemeral tier (error on production and staging)",
		.explain =
			"What: auth.mode is dummy in a tier other than ephemeral: a warning in development, an\n"
			"error in staging and production.\n"
			"\n"
			"Why: The dummy authenticator lets anyone who reaches the hub log in under any name, admins\n"
			"included, with the shared password (any password when none is set); an admin can reach\n"
			"every user's server and files.\n"
			"\n"
			"Fix: Use a real authenticator, or mark the environment as short-lived:\n"
			"  auth:\n"
			"    mode: github\n"
			"    github: {org: my-org, client_id: \"sops:github.client_id\",\n"
			"             client_secret: \"sops:github.client_secret\"}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH005, path: auth.mode, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore AUTH005 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a secret-bearing key is a literal, or its sops: key is absent from the SOPS "
			"file",
		.explain =
			"What: auth.github.client_id, auth.github.client_secret, auth.cognito.client_secret or\n"
			"auth.dummy.password (the keys marked x-eragen-secret in the schema) holds a literal\n"
			"instead of a sops:<dotted.key> reference; or, for the references the active auth.mode\n"
			"uses, the environment's SOPS file (secrets.file, next to env.yaml) does not exist, has no\n"
			"value at that dotted key (nested keys joined by '.', list items by index; a key that\n"
			"holds a mapping is no value), or keeps that value in clear text by its own rules\n"
			"(unencrypted_suffix, default _unencrypted; encrypted_suffix; unencrypted_regex;\n"
			"encrypted_regex). Key names are read without decrypting: SOPS keeps them in clear.\n"
			"\n"
			"Why: A literal secret is committed in clear text, stays in git history and is copied into\n"
			"generated output. A reference to a missing key fails the platform apply half way, when the\n"
			"SOPS data source has no such key.\n"
			"\n"
			"Fix: Store the value with sops and reference it (rotate a secret that was ever committed):\n"
			"  auth:\n"
			"    cognito: {client_secret: \"sops:cognito.client_secret\"}\n"
			"  sops environments/cae-dev/secrets.yaml     # add cognito: {client_secret: ...}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH006, path: auth.cognito.client_secret, reason: \"...\"}]\n"
			"or an inline comment `# eragen:ignore AUTH006 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "AUTH007",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"Cognito mode with admins or allowed users that are not e-mail addresses (the"
			" hub's username is the e-mail claim)",
		.explain =
			"What: auth.mode is cognito and an entry of auth.admins or auth.allowed_users is not an\n"
			"e-mail address.\n"
			"\n"
			"Why: With Cognito the hub's username is the token's e-mail claim, so an entry such as espg\n"
			"never matches anyone: that admin logs in without admin rights, or the user is refused\n"
			"(403).\n"
			"\n"
			"Fix: List users by the e-mail address they sign in with:\n"
			"  auth:\n"
			"    admins: [ops@example.org]\n"
			"    allowed_users: [ops@example.org, analyst@example.org]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH007, path: \"auth.admins[0]\", reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore AUTH007 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH008",
		.sev = SEV_NOTE,
		.suppressible = true,
		.summary = "Cognito pool region differs from the cluster region",
		.explain =
			"What: auth.cognito.region differs from aws.region. A note, not a problem in itself.\n"
			"\n"
			"Why: A pool in another region can be intended (Cognito is not in every region, or the pool\n"
			"is shared), but it is often a leftover from a copied environment: the hub then trusts a\n"
			"pool this environment does not own, and login also depends on a second region.\n"
			"\n"
			"Fix: If it is intended, suppress this note with the reason, to record the decision. If\n"
			"not, point auth.cognito (region, user_pool_id, domain, client_id) at a pool in aws.region.\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH008, path: auth.cognito.region, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore AUTH008 reason` on the offending line or the line above.\n",
	},

	{
		.id = "AUTH009",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "two environments use the same literal Cognito client ID",
		.explain =
			"What: auth.cognito.client_id is the same literal in two environments whose auth.mode is\n"
			"cognito (\"sops:\" references are not compared). Each environment after the first (by\n"
			"name) gets the finding, with a note at the first one's client_id.\n"
			"\n"
			"Why: An app client has one list of callback URLs: either login fails with\n"
			"redirect_mismatch in the environment that is not listed, or both hubs accept each other's\n"
			"logins (users of development reach production); rotating its secret for one breaks the\n"
			"other.\n"
			"\n"
			"Fix: Create one app client per environment in the pool and set its ID:\n"
			"  auth:\n"
			"    cognito: {client_id: 4fumjktp49ajd8tvrf6glevbfr}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH009, path: auth.cognito.client_id, reason: \"...\"}] or\n"
			"an inline comment `# eragen:ignore AUTH009 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "AUTH010",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"Cognito with allow_all_users: true: anyone who can sign up to the pool gets "
			"a server",
		.explain =
			"What: auth.mode is cognito and auth.allow_all_users is true.\n"
			"\n"
			"Why: Every account in the pool gets a server, and with self sign-up on (or a pool shared\n"
			"with other applications) that is anyone: they run code inside the cluster, at the\n"
			"environment's cost and with its service account.\n"
			"\n"
			"Fix: List the users, or make sure only they can have accounts in the pool (then suppress):\n"
			"  auth:\n"
			"    allow_all_users: false\n"
			"    allowed_users: [ops@example.org, analyst@example.org]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: AUTH010, path: auth.allow_all_users, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore AUTH010 reason` on the offending line or the line above.\n",
	},

	/* ---- SCHED: the placement matrix ----------------------------------------------- */

	{
		.id = "SCHED001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "placement or profile names a node group that does not exist",
		.explain =
			"What: placement.<workload>.node_group or hub.profiles[i].node_group names no key of\n"
			"node_groups.\n"
			"\n"
			"Why: No node selector or tolerations can be derived from a group that does not exist: the\n"
			"pods could not be placed, and the Helm release would wait until it times out.\n"
			"\n"
			"Fix: Name an existing group (the message suggests the nearest), or add the group:\n"
			"  placement:\n"
			"    dask_worker: {node_group: dask}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED001, path: placement.dask_worker.node_group,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore SCHED001 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "SCHED002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a workload can land only on groups with a NoSchedule/NoExecute taint it does"
			" not tolerate",
		.explain =
			"What: A workload's (or profile's) node selector matches some node groups, but every one of\n"
			"them carries a NoSchedule or NoExecute taint its tolerations do not match. Its tolerations\n"
			"are its own (or, with only node_group, the group's taints) plus those the chart adds for\n"
			"its version (schemas/charts.json: z2jh gives hub, proxy and user-scheduler\n"
			"hub.jupyter.org/dedicated=core, notebook pods =user; dask-gateway adds none). Kubernetes\n"
			"semantics: operator Exists matches any value, an empty key with Exists every taint, no\n"
			"effect every effect; PreferNoSchedule taints only steer and are not counted. (A selector\n"
			"that matches no group at all is SCHED003.) `eragen show ENV --placement` shows the matrix.\n"
			"\n"
			"Why: Pods stay Pending forever because every node they may use carries a taint they do not\n"
			"tolerate, e.g. dask workers selecting a spot group tainted lifecycle=spot:NoExecute: no\n"
			"worker ever starts and every Dask computation hangs.\n"
			"\n"
			"Fix: Derive selector and tolerations from the group, or add the missing toleration:\n"
			"  placement:\n"
			"    dask_worker: {node_group: dask}\n"
			"    # or: tolerations: [{key: lifecycle, operator: Equal, value: spot,\n"
			"    #                    effect: NoExecute}]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED002, path: placement.dask_worker, reason: \"...\"}] or\n"
			"an inline comment `# eragen:ignore SCHED002 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "SCHED003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a node selector matches no node group",
		.explain =
			"What: A workload's or profile's node_selector matches the labels of no node group: its\n"
			"spec labels plus those EKS and the kubelet add (eks.amazonaws.com/capacityType ON_DEMAND or\n"
			"SPOT, eks.amazonaws.com/nodegroup <cluster>-<group>, node.kubernetes.io/instance-type any of\n"
			"its instance types, topology.kubernetes.io/zone any of its azs (default aws.azs),\n"
			"kubernetes.io/arch amd64 or arm64 from its instance types, kubernetes.io/os linux).\n"
			"\n"
			"Why: Pods stay Pending forever: no node has the labels, and the cluster autoscaler has no\n"
			"group it could scale up for them (e.g. role: dask-worker selected while the group is\n"
			"labelled role: dask).\n"
			"\n"
			"Fix: Select by group, which derives the selector from its labels, or fix the labels:\n"
			"  placement:\n"
			"    dask_worker: {node_group: dask}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED003, path: placement.dask_worker.node_selector,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore SCHED003 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "SCHED004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "hub, proxy, user_scheduler or gateway can land on a spot group",
		.explain =
			"What: The node selector and tolerations of hub, proxy, user_scheduler or gateway allow a\n"
			"group with capacity: spot.\n"
			"\n"
			"Why: Spot nodes are reclaimed with two minutes' notice. Losing the hub or proxy cuts every\n"
			"user's connection and stops logins; losing the gateway ends every Dask cluster; without\n"
			"user_scheduler user servers cannot start.\n"
			"\n"
			"Fix: Run these on an on_demand group:\n"
			"  placement:\n"
			"    hub: {node_group: system}      # system: {capacity: on_demand, min: 1}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED004, path: placement.hub, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore SCHED004 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SCHED005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"hub or proxy can land on a group that can scale to zero (min: 0 or "
			"schedule.min_after: 0)",
		.explain =
			"What: hub or proxy can land on a node group with min: 0, or whose schedule sets\n"
			"min_after: 0.\n"
			"\n"
			"Why: The hub is evicted when its node group scales to zero at night (or when idle): every\n"
			"user is logged out, and the hub comes back only after a new node has booted, minutes\n"
			"later, if the autoscaler scales up for it at all.\n"
			"\n"
			"Fix: Place them on a group that always has a node:\n"
			"  node_groups:\n"
			"    system: {min: 1, max: 1}      # and no schedule with min_after: 0\n"
			"  placement:\n"
			"    hub: {node_group: system}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED005, path: placement.hub, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore SCHED005 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SCHED006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a profile's guarantee, or a dask worker of the maximum size, does not fit "
			"the allocatable of some instance type of its group (kubelet/system "
			"reservation and DaemonSet overhead deducted)",
		.explain =
			"What: A profile's cpu.guarantee and memory.guarantee, and a dask worker of\n"
			"dask.worker_cores_max cores and dask.worker_memory_max_gb GiB, against the allocatable of\n"
			"every instance type of every group it can land on (EKS may launch any of them).\n"
			"Allocatable = capacity minus:\n"
			"  memory: 255 MiB + 11 MiB x max pods (kubelet and system) + 100 MiB (eviction threshold)\n"
			"  cpu: 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% of the rest\n"
			"  DaemonSets (vpc-cni, kube-proxy, ebs-csi, pod identity, an agent): 200m CPU and 300 MiB,\n"
			"  the constants PL_DAEMONSET_CPU_M and PL_DAEMONSET_MEM_MIB in gen/placement.h\n"
			"with vCPU, memory and max pods (ENI-based) from schemas/instance-types.json; types not in\n"
			"it are skipped (SCHED009). A pod fits if its guarantee <= allocatable, for CPU and for\n"
			"memory; memory quantities as KubeSpawner reads them (14G: K/M/G/T are powers of 1024, a\n"
			"plain number is bytes). Reported at the guarantee (or the dask.* value), once per group,\n"
			"with a note per instance type that is too small.\n"
			"\n"
			"Why: A pod that fits no node is never scheduled, and the autoscaler adds no node it knows\n"
			"to be too small: the user's server spins until the spawn times out, or dask workers stay\n"
			"Pending. Sizes on paper are not what pods get: an r5.large (2 vCPU, 16 GiB, 29 pods) has\n"
			"1730m CPU and 15410 MiB allocatable, so a 2 CPU or 16G guarantee cannot run on it.\n"
			"\n"
			"Fix: Lower the guarantee below the allocatable (keep the limit), or use a larger type:\n"
			"  hub:\n"
			"    profiles:\n"
			"      - {slug: small, cpu: {guarantee: 1.6, limit: 2},\n"
			"         memory: {guarantee: 14G, limit: 15G}}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED006, path: \"hub.profiles[0].memory.guarantee\",\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore SCHED006 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "SCHED007",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "spot group without a NoSchedule/NoExecute taint",
		.explain =
			"What: A node group with capacity: spot has no taint with effect NoSchedule or NoExecute\n"
			"(a PreferNoSchedule taint only steers pods away, it keeps none off).\n"
			"\n"
			"Why: Without a taint any pod that does not select another group can land on spot nodes, a\n"
			"user's server or a scheduler included, and is killed when AWS reclaims the instance with\n"
			"two minutes' notice.\n"
			"\n"
			"Fix: Taint spot groups, and let only interruptible workloads tolerate them:\n"
			"  node_groups:\n"
			"    dask:\n"
			"      capacity: spot\n"
			"      taints: [{key: lifecycle, value: spot, effect: NoExecute}]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED007, path: node_groups.dask.taints, reason: \"...\"}] or\n"
			"an inline comment `# eragen:ignore SCHED007 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "SCHED008",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "not min <= desired <= max, or max < 1",
		.explain =
			"What: In a node group, min <= desired <= max does not hold (desired defaults to min), or\n"
			"max is below 1.\n"
			"\n"
			"Why: EKS refuses the scaling configuration (InvalidParameterException) during apply, after\n"
			"other resources were already changed; max must be at least 1 even for a parked group.\n"
			"\n"
			"Fix: Keep the three in order; to park a group, set min to 0 and keep max at 1 or more:\n"
			"  node_groups:\n"
			"    user-medium: {min: 0, max: 10}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED008, path: node_groups.user-medium.max,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore SCHED008 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "SCHED009",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "unknown EC2 instance type",
		.explain =
			"What: An entry of node_groups.<group>.instance_types is not in the EC2 instance types\n"
			"table (schemas/instance-types.json); the nearest known name is suggested. Not checked\n"
			"when the table cannot be read (SPEC012 says why).\n"
			"\n"
			"Why: A typo (r5.xlage) fails node group creation at apply time, and without the type's\n"
			"CPU, memory and pod limits eragen cannot check what fits on it (SCHED006) or whether it\n"
			"has GPUs (SCHED014).\n"
			"\n"
			"Fix: Correct the name. For a type that is new, add it to the instance types table: a file\n"
			"in the repository's own schemas/ overrides the installed one.\n"
			"  node_groups:\n"
			"    user-medium: {instance_types: [r5.xlarge]}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED009,\n"
			"path: \"node_groups.user-medium.instance_types[0]\", reason: \"...\"}] or an inline comment\n"
			"`# eragen:ignore SCHED009 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SCHED010",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "a taint value says spot on an on_demand group (or the reverse)",
		.explain =
			"What: A node group with capacity: on_demand has a taint whose value is spot, or a spot\n"
			"group has one whose value is on-demand, ondemand or on_demand (case ignored).\n"
			"\n"
			"Why: The taint lies about the nodes, usually after a group was copied or its capacity\n"
			"changed: workloads that accept interruption fill on-demand nodes, or workloads that need\n"
			"stable nodes tolerate spot ones and are killed when AWS reclaims them.\n"
			"\n"
			"Fix: Make the taint match the capacity:\n"
			"  node_groups:\n"
			"    dask:\n"
			"      capacity: spot\n"
			"      taints: [{key: lifecycle, value: spot, effect: NoExecute}]\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED010, path: \"node_groups.dask.taints[0].value\",\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore SCHED010 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "SCHED011",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "hub (it has a PVC) can land on a group spanning several AZs",
		.explain =
			"What: hub can land on a node group whose AZs (node_groups.<group>.azs, default all of\n"
			"aws.azs) are more than one.\n"
			"\n"
			"Why: The hub's database lives on an EBS volume, which exists in one AZ: when the hub is\n"
			"rescheduled onto a node in another AZ the volume cannot attach, and it stays Pending\n"
			"(\"volume node affinity conflict\") with nobody able to log in.\n"
			"\n"
			"Fix: Pin the hub's group to one AZ:\n"
			"  node_groups:\n"
			"    system: {azs: [us-west-2a]}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED011, path: placement.hub, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore SCHED011 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SCHED012",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"user_scheduler, gateway or dask_scheduler can land on a group that can scale"
			" to zero, keeping it from scaling down",
		.explain =
			"What: user_scheduler, gateway or dask_scheduler can land on a node group with min: 0, or\n"
			"whose schedule sets min_after: 0.\n"
			"\n"
			"Why: These pods run all the time (or as long as a Dask cluster lives) and the autoscaler\n"
			"does not remove a node they run on, so the group never scales down: its nodes run, and are\n"
			"paid for, all night.\n"
			"\n"
			"Fix: Place them on the always-on group:\n"
			"  placement:\n"
			"    user_scheduler: {node_group: system}\n"
			"    gateway: {node_group: system}\n"
			"    dask_scheduler: {node_group: system}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED012, path: placement.dask_scheduler, reason: \"...\"}]\n"
			"or an inline comment `# eragen:ignore SCHED012 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "SCHED013",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a node-group label under kubernetes.io/ or k8s.io/ outside the kubelet's "
			"allowed set",
		.explain =
			"What: A key of node_groups.<group>.labels in the kubernetes.io/ or k8s.io/ namespace or a\n"
			"subdomain of them (e.g. node-role.kubernetes.io/worker) that is not one of those the\n"
			"kubelet may set on its own node: kubernetes.io/hostname, kubernetes.io/arch,\n"
			"kubernetes.io/os, node.kubernetes.io/instance-type, topology.kubernetes.io/region,\n"
			"topology.kubernetes.io/zone, beta.kubernetes.io/*, failure-domain.beta.kubernetes.io/*, and\n"
			"any key under kubelet.kubernetes.io/ or node.kubernetes.io/ (or their subdomains).\n"
			"\n"
			"Why: The kubelet refuses to start with such a label (\"unknown 'kubernetes.io' or 'k8s.io'\n"
			"labels specified with --node-labels\"), so the group's nodes never join and its creation\n"
			"fails with NodeCreationFailure.\n"
			"\n"
			"Fix: Use a label in your own namespace, or none:\n"
			"  node_groups:\n"
			"    system:\n"
			"      labels: {role: system, example.org/tier: core}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED013,\n"
			"path: node_groups.system.labels.\"node-role.kubernetes.io/worker\", reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore SCHED013 reason` on the offending line or the line above.\n",
	},

	{
		.id = "SCHED014",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "GPU instance type without a GPU AMI type (or the reverse)",
		.explain =
			"What: A node group with a GPU instance type (g4dn, g5, p3, ...: gpu in\n"
			"schemas/instance-types.json) whose ami_type is not a GPU AMI (AL2023_x86_64_NVIDIA,\n"
			"AL2023_ARM_64_NVIDIA, AL2_x86_64_GPU, BOTTLEROCKET_x86_64_NVIDIA,\n"
			"BOTTLEROCKET_ARM_64_NVIDIA), or a GPU ami_type on a group with an instance type that has\n"
			"no GPU (reported once per such type).\n"
			"\n"
			"Why: The standard AMI has no NVIDIA driver: the nodes join but offer no nvidia.com/gpu, so\n"
			"GPU pods stay Pending or find no device. The reverse is a copied group whose instance\n"
			"types changed: EKS refuses the pair, or the group runs the larger GPU image for nothing.\n"
			"\n"
			"Fix: Match the AMI type to the instances:\n"
			"  node_groups:\n"
			"    gpu:\n"
			"      instance_types: [g5.xlarge]\n"
			"      ami_type: AL2023_x86_64_NVIDIA\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SCHED014, path: node_groups.gpu.ami_type, reason: \"...\"}]\n"
			"or an inline comment `# eragen:ignore SCHED014 reason` on the offending line or the line\n"
			"above.\n",
	},

	/* ---- DRIFT: what changes without a change in git ------------------------------- */

	{
		.id = "DRIFT001",
		.sev = SEV_WARNING,
		.raise_on_prod = true,
		.suppressible = true,
		.summary = "mutable image reference (:latest or no tag)",
		.explain =
			"What: An image reference that can change under the same spec: hub.image, an image of\n"
			"hub.image_choices or of hub.profiles tagged latest, or with no tag and no @sha256: digest\n"
			"(no tag means latest). A ':' in the last path component is the tag; one before it is a\n"
			"registry port (localhost:5000/notebook has no tag). A warning, an error on production.\n"
			"\n"
			"Why: The image changes without a change in git: production silently picks up a new image\n"
			"on the next node restart, users get other libraries from one day to the next, and a broken\n"
			"upstream push breaks every server with nothing to revert.\n"
			"\n"
			"Fix: Pin a tag that is never moved, or a digest:\n"
			"  hub:\n"
			"    image: ghcr.io/espg/cae-notebook:2025.01.10\n"
			"    image_choices:\n"
			"      - {slug: scipy, image: \"quay.io/jupyter/scipy-notebook@sha256:<64 hex digits>\", ...}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT001, path: \"hub.image_choices[1].image\",\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore DRIFT001 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "DRIFT002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "unpinned version (chart, OpenTofu exact; Kubernetes exact major.minor)",
		.explain =
			"What: hub.chart_version or ci.tofu_version is not an exact version x.y.z (a range, a\n"
			"wildcard, a 'v' prefix, two numbers, or latest; a pre-release suffix such as 1.10.0-rc1 is\n"
			"exact), or cluster.kubernetes_version is not an exact major.minor (EKS takes \"1.34\", not\n"
			"\"1.34.2\"). A chart build that the chart table (schemas/charts.json) lists by another name,\n"
			"such as a commit of the chart repository (\"main-e25bf51\"), counts as pinned.\n"
			"\n"
			"Why: A floating version moves when a new release appears: the next plan installs a new\n"
			"chart with other defaults or a new OpenTofu that upgrades the state, with no change in git\n"
			"to review or revert.\n"
			"\n"
			"Fix: Pin exact versions and change them in reviewed commits:\n"
			"  hub: {chart_version: \"2024.1.1\"}\n"
			"  ci: {tofu_version: \"1.8.5\"}\n"
			"  cluster: {kubernetes_version: \"1.34\"}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT002, path: hub.chart_version, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore DRIFT002 reason` on the offending line or the line above.\n",
	},

	{
		.id = "DRIFT003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"Kubernetes version lower than, or more than one minor above, the baseline's "
			"(--base, default HEAD)",
		.explain =
			"What: cluster.kubernetes_version is lower than the environment's at the baseline revision\n"
			"(--base REV, default HEAD; the generated CI passes the merge base), or more than one minor\n"
			"version above it. The baseline is the environment as committed there: _defaults.yaml and\n"
			"its extends chain read from that revision and resolved like the work tree; a note points\n"
			"at the baseline's value. Nothing is compared outside a git repository, before the first\n"
			"commit, for an environment that is new since the baseline, or when its baseline spec is\n"
			"not valid; an unknown --base revision is an error (SPEC012). A lower version also gets\n"
			"DRIFT007: OpenTofu would replace the cluster.\n"
			"\n"
			"Why: EKS cannot downgrade a cluster, and upgrades one minor version at a time: a lower\n"
			"version makes the apply try to replace the cluster with everything on it, and a jump of\n"
			"two fails the upgrade half way.\n"
			"\n"
			"Fix: Move up one minor version per applied change (1.33 -> 1.34, apply, then 1.35), and\n"
			"restore the baseline's version if it was lowered by mistake:\n"
			"  cluster: {kubernetes_version: \"1.34\"}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT003, path: cluster.kubernetes_version, reason: \"...\"}]\n"
			"or an inline comment `# eragen:ignore DRIFT003 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "DRIFT004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a spec value holds an ephemeral AWS ID (i-..., vol-..., eni-..., sir-..., "
			"snap-...)",
		.explain =
			"What: A spec value that is or contains the ID of a short-lived AWS resource: an instance\n"
			"(i-...), volume (vol-...), network interface (eni-...), spot request (sir-...) or snapshot\n"
			"(snap-...), i.e. the prefix and exactly 8 or 17 lowercase hex digits, not glued to other\n"
			"letters or digits. Every string of the resolved spec is searched, hub.extra_values\n"
			"included; description texts and the lint section are not (they never reach AWS).\n"
			"\n"
			"Why: These are replaced routinely (node rotation, AMI upgrades, spot reclaims): the ID\n"
			"works the day it is written, then the apply fails (InvalidInstanceID.NotFound and the\n"
			"like) or quietly points at nothing.\n"
			"\n"
			"Fix: Refer to what is stable instead: a node group, a label or tag, or a resource that\n"
			"environments/<env>/extra/ manages and OpenTofu references by address.\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT004, path: tags.BackupVolume, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore DRIFT004 reason` on the offending line or the line above.\n",
	},

	{
		.id = "DRIFT005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a generated file (under out/ or .github/workflows/) was edited by hand",
		.explain =
			"What: A file under out/ or .github/workflows/ whose body no longer matches the digest in\n"
			"its header (the git blob ID eragen recorded when it wrote the file).\n"
			"\n"
			"Why: The edit is not in the spec, so it is invisible in reviews of env.yaml, and eragen\n"
			"build refuses to overwrite the file (or, with --force, discards the edit): the environment\n"
			"drifts from what its spec says, and the edit is lost later.\n"
			"\n"
			"Fix: Move the change into the spec, a template override in the repository's templates/, or\n"
			"environments/<env>/extra/; then regenerate the file, discarding the edit:\n"
			"  eragen build --force cae-dev\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT005, reason: \"...\"}] in the environment that generates\n"
			"the file (no path: the generated files have no spec path). An inline comment does not\n"
			"work: the comment itself would be a hand edit.\n",
	},

	{
		.id = "DRIFT006",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"extra HCL (environments/<env>/extra/) uses drift-prone constructs: "
			"\"$Latest\", timestamp(), uuid(), local-exec calling the AWS CLI or terraform,"
			" hard-coded ephemeral IDs",
		.explain =
			"What: A .tf file under environments/<env>/extra/ uses \"$Latest\" (a launch template\n"
			"version), timestamp(), uuid(), a local-exec provisioner calling the AWS CLI or terraform,\n"
			"or a hard-coded ephemeral ID (i-..., vol-..., eni-..., sir-..., snap-...).\n"
			"\n"
			"Why: Each makes plans differ from run to run: timestamp() and uuid() change every plan, so\n"
			"resources are updated or replaced at every apply; \"$Latest\" follows template changes made\n"
			"outside review; local-exec changes nothing OpenTofu tracks (and terraform bypasses\n"
			"OpenTofu); hard-coded IDs go stale.\n"
			"\n"
			"Fix: Pin launch templates to a version attribute (latest_version), use time_static and\n"
			"random_uuid resources, manage resources with the provider instead of local-exec:\n"
			"  version = aws_launch_template.gpu.latest_version   # not \"$Latest\"\n"
			"\n"
			"Suppress: an inline comment `# eragen:ignore DRIFT006 reason` (a valid HCL comment) on the\n"
			"offending line of the .tf file or the line above, or lint.ignore: [{rule: DRIFT006,\n"
			"reason: \"...\"}] in the environment (no path: extra files have no spec path).\n",
	},

	{
		.id = "DRIFT007",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"against the baseline, a change replaces a resource in place of updating it "
			"(cluster name or version downgrade, node group instance types, capacity or "
			"AMI type, VPC CIDR, subnets)",
		.explain =
			"What: Compared with the baseline (--base REV, default HEAD; see DRIFT003 for how it is\n"
			"read), a change OpenTofu performs by replacing a resource: cluster.name (or the name\n"
			"derived from app and the environment), cluster.service_cidr, a lower\n"
			"cluster.kubernetes_version, a node group's instance_types, capacity, ami_type or pinned\n"
			"azs, network.vpc_cidr, network.subnet_newbits or aws.azs (the subnets). A note shows the\n"
			"value at the baseline. Adding or removing a node group is not reported (nothing is\n"
			"replaced); scaling, labels, taints and a one-minor upgrade are updates in place.\n"
			"\n"
			"Why: Replacement destroys the old resource: a new cluster name or VPC CIDR recreates the\n"
			"cluster and loses every running server, volume and load balancer address; a changed node\n"
			"group replaces all its nodes at once and kills the sessions on them.\n"
			"\n"
			"Fix: For node groups, add a new group, move placement to it, apply, then remove the old\n"
			"one. If the replacement is intended, apply it in a maintenance window and suppress with\n"
			"the reason.\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DRIFT007, path: node_groups.dask.instance_types,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore DRIFT007 reason` on the offending\n"
			"line or the line above.\n",
	},

	/* ---- COMPAT: versions that must agree ------------------------------------------ */

	{
		.id = "COMPAT001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a feature needs a newer OpenTofu than ci.tofu_version (lock: s3 needs 1.10)",
		.explain =
			"What: The spec uses a feature that the OpenTofu in ci.tofu_version does not have:\n"
			"state.lock: s3 (the S3 native lockfile) needs OpenTofu 1.10 or later. Judged only when\n"
			"ci.tofu_version is exact (DRIFT002 otherwise).\n"
			"\n"
			"Why: CI runs that version: tofu init fails (\"Unsupported argument\") and no plan or apply\n"
			"of the environment can run until the workflow is fixed.\n"
			"\n"
			"Fix: Raise the OpenTofu version, or do without the feature:\n"
			"  ci: {tofu_version: \"1.10.5\"}\n"
			"  state: {lock: dynamodb}        # or keep lock: s3 with OpenTofu >= 1.10\n"
			"\n"
			"Suppress: lint.ignore: [{rule: COMPAT001, path: state.lock, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore COMPAT001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "COMPAT002",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"the chart's bundled kube-scheduler (user-scheduler) is more than one minor "
			"away from kubernetes_version",
		.explain =
			"What: The kube-scheduler that the daskhub chart at hub.chart_version bundles for z2jh's\n"
			"user-scheduler (per the chart table, schemas/charts.json) is more than one minor version\n"
			"away from cluster.kubernetes_version. Not reported when the user-scheduler is turned off\n"
			"with hub.extra_values.jupyterhub.scheduling.userScheduler.enabled: false: the shipped\n"
			"environments do that on purpose, since daskhub 2024.1.1 bundles kube-scheduler 1.26 and\n"
			"they run Kubernetes 1.34 (the default scheduler then places user pods). Charts the table\n"
			"does not know are SPEC006's.\n"
			"\n"
			"Why: Outside the supported version skew the scheduler may use APIs the cluster no longer\n"
			"serves, or miss new ones: the user-scheduler crash-loops or misplaces pods, and user\n"
			"servers do not start or nodes never empty to scale down.\n"
			"\n"
			"Fix: Choose a chart version built for this Kubernetes version, or turn the user-scheduler\n"
			"off (user pods are then packed less tightly):\n"
			"  hub:\n"
			"    extra_values:\n"
			"      jupyterhub: {scheduling: {userScheduler: {enabled: false}}}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: COMPAT002, path: hub.chart_version, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore COMPAT002 reason` on the offending line or the line above.\n",
	},

	/* ---- SECRET: credentials ------------------------------------------------------- */

	{
		.id = "SECRET001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"plaintext credential anywhere in a spec (AWS access key IDs, secret keys, "
			"GitHub tokens, Slack tokens, private keys)",
		.explain =
			"What: Text anywhere in env.yaml or _defaults.yaml, comments included, that looks like a\n"
			"credential: an AWS access key ID (AKIA/ASIA and 16 more), a secret access key (40\n"
			"base64 characters after a name like aws_secret_access_key), a GitHub token (ghp_, gho_,\n"
			"ghs_, ghu_, ghr_, github_pat_), a Slack token (xoxb- and the like) or a PEM private key.\n"
			"Each is reported where it starts and masked (***) in every snippet; no message quotes it.\n"
			"\n"
			"Why: A credential in git is readable by everyone who can read the repository, in every\n"
			"clone and forever in history; leaked AWS keys are found and used by scanners within\n"
			"minutes of a push to a public repository.\n"
			"\n"
			"Fix: Revoke and rotate the credential first. Then keep secrets in the SOPS file,\n"
			"referenced as \"sops:<key>\", and give CI AWS access through ci.role_arn (OIDC), not keys:\n"
			"  ci: {role_arn: \"arn:aws:iam::992398409787:role/github-actions-tofu\"}\n"
			"\n"
			"Suppress: an inline comment `# eragen:ignore SECRET001 reason` on the offending line or the\n"
			"line above, or lint.ignore: [{rule: SECRET001, path: description, reason: \"...\"}] when\n"
			"the text is inside a value. Only for text that is not a credential (a documented example).\n",
	},

	{
		.id = "SECRET002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"secrets file not SOPS-encrypted (no sops metadata with a mac, or a non-empty"
			" leaf that SOPS would encrypt is not ENC[...])",
		.explain =
			"What: The secrets file (secrets.file, default secrets.yaml next to env.yaml) has no sops\n"
			"metadata (reported at the file, with notes at the values in clear), its metadata has no\n"
			"mac, or a non-empty value that SOPS would encrypt is not ENC[...] (reported at the value,\n"
			"masked). What SOPS encrypts follows the file's metadata as sops does:\n"
			"unencrypted_suffix (default _unencrypted), encrypted_suffix, unencrypted_regex,\n"
			"encrypted_regex, each judging every key on the value's path. A regex that cannot be\n"
			"compiled is reported too; with unencrypted_comment_regex or encrypted_comment_regex the\n"
			"values are not judged (they depend on comments eragen does not read).\n"
			"\n"
			"Why: The file holds secrets in clear text, typically after a sops -d into the same file or\n"
			"a value added by hand; once committed they are in history for good, and SOPS refuses a\n"
			"file whose MAC no longer matches (MAC mismatch), failing the apply.\n"
			"\n"
			"Fix: Encrypt the file in place, edit it only through sops, and rotate anything committed\n"
			"in clear:\n"
			"  sops --encrypt --in-place environments/cae-dev/secrets.yaml\n"
			"  sops environments/cae-dev/secrets.yaml\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SECRET002, reason: \"...\"}] in env.yaml, without a path:\n"
			"the finding is in the secrets file, which has no spec path and whose comments are not read.\n",
	},

	{
		.id = "SECRET003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "kms_key_arn in another account or region than the environment",
		.explain =
			"What: The account or region in secrets.kms_key_arn\n"
			"(arn:aws:kms:<region>:<account>:key/... or :alias/...) differs from aws.account_id or\n"
			"aws.region.\n"
			"\n"
			"Why: Usually a leftover from a copied environment: its secrets are then encrypted with\n"
			"another environment's key, which this environment's role may not use\n"
			"(AccessDeniedException at plan), while the other environment's admins can read them.\n"
			"\n"
			"Fix: Use the environment's own key, and re-encrypt the secrets file for it:\n"
			"  secrets: {kms_key_arn: \"arn:aws:kms:us-west-2:992398409787:key/...\"}\n"
			"  sops --rotate --in-place --add-kms NEW_ARN --rm-kms OLD_ARN secrets.yaml\n"
			"\n"
			"Suppress: lint.ignore: [{rule: SECRET003, path: secrets.kms_key_arn, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore SECRET003 reason` on the offending line or the line above.\n",
	},

	/* ---- NAME: names AWS and Kubernetes accept ------------------------------------- */

	{
		.id = "NAME001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"environment name not ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (abstract: "
			"^_[a-z][a-z0-9-]*$)",
		.explain =
			"What: The environment's directory name does not match ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ (2 to\n"
			"32 lowercase letters, digits and inner dashes), or for an abstract parent\n"
			"^_[a-z][a-z0-9-]*$.\n"
			"\n"
			"Why: The name goes into names with strict rules and limits: S3 buckets, the cluster, IAM\n"
			"roles, Kubernetes objects, Makefile targets, GitHub environments. An uppercase letter or\n"
			"an underscore fails bucket creation at apply, a long name breaks the 64-character role\n"
			"limit.\n"
			"\n"
			"Fix: Rename the directory and set name to match (for an environment that was applied, the\n"
			"derived names change too: see DRIFT007):\n"
			"  git mv environments/cae_Testing environments/cae-testing\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME001, path: name, reason: \"...\"}] or an inline comment\n"
			"`# eragen:ignore NAME001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NAME002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary =
			"a derived or given S3 bucket name breaks S3 naming rules (3-63, charset, no "
			"IP form, reserved prefixes xn-- sthree- amzn-s3-demo-, reserved suffixes "
			"-s3alias --ol-s3 .mrap --x-s3)",
		.explain =
			"What: The state bucket (state.bucket; auto: tofu-state-<app>-<env>-<abbr>-<account>) or\n"
			"the scratch bucket (scratch_bucket.name; auto: <cluster>-scratch-<account>) is not 3 to 63\n"
			"lowercase letters, digits, dots and dashes, is in IP address form, or uses a reserved\n"
			"prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3).\n"
			"\n"
			"Why: S3 refuses the name (InvalidBucketName) at apply; for the state bucket that happens\n"
			"in the bootstrap stack, and no environment of the account and region can initialise.\n"
			"\n"
			"Fix: Shorten app, the environment or the cluster name, or give a valid name:\n"
			"  scratch_bucket: {name: cae-scratch-992398409787}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME002, path: scratch_bucket.name, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore NAME002 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NAME003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "EKS cluster name invalid (charset, 100 characters)",
		.explain =
			"What: cluster.name (default <app>-<env>) is not 1 to 100 letters, digits, dashes and\n"
			"underscores starting with a letter or digit.\n"
			"\n"
			"Why: EKS refuses the name (InvalidParameterException) when it creates the cluster, after\n"
			"the VPC and IAM roles were created.\n"
			"\n"
			"Fix: Use a valid name, or drop cluster.name to get <app>-<env>:\n"
			"  cluster: {name: jupyterhub-cae}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME003, path: cluster.name, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore NAME003 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NAME004",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "slug, node group or derived Kubernetes name not a DNS-1123 label (<= 63)",
		.explain =
			"What: A profile or image choice slug, a node group name, or a Kubernetes name derived from\n"
			"them is not a DNS-1123 label: 1 to 63 lowercase letters, digits and dashes, starting and\n"
			"ending with a letter or digit.\n"
			"\n"
			"Why: Kubernetes refuses objects with such names (\"metadata.name: Invalid value\"): the Helm\n"
			"release fails to install, or servers of that profile cannot be created.\n"
			"\n"
			"Fix: Use a lowercase name with dashes:\n"
			"  hub:\n"
			"    profiles:\n"
			"      - {slug: gpu-large}      # not GPU_Large\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME004, path: \"hub.profiles[0].slug\", reason: \"...\"}] or\n"
			"an inline comment `# eragen:ignore NAME004 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "NAME005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "a derived IAM role name longer than 64 or AWS node group name longer than 63",
		.explain =
			"What: A derived IAM role name (<cluster>-<purpose>: cluster, nodes, autoscaler, ebs-csi,\n"
			"user-s3, kubecost) is longer than 64 characters, or an AWS node group name\n"
			"(<cluster>-<group>) longer than 63.\n"
			"\n"
			"Why: IAM and EKS refuse the name (ValidationError: length must be less than or equal to\n"
			"64) half way through creating the environment.\n"
			"\n"
			"Fix: Shorten cluster.name or the node group's name:\n"
			"  cluster: {name: jupyterhub-cae-dev}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME005, path: cluster.name, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore NAME005 reason` on the offending line or the line above.\n",
	},

	{
		.id = "NAME006",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"a dash-separated word repeats in the cluster name, e.g. "
			"jupyterhub-testing-cae-testing",
		.explain =
			"What: A word between dashes appears twice in cluster.name, e.g.\n"
			"jupyterhub-testing-cae-testing.\n"
			"\n"
			"Why: A repeated word means the name was assembled by hand from parts that already contain\n"
			"each other; it eats into the length limits of every derived name (NAME005) and misleads\n"
			"anyone who finds resources by name.\n"
			"\n"
			"Fix: Drop the repetition, or drop cluster.name to get <app>-<env>:\n"
			"  cluster: {name: jupyterhub-cae-testing}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: NAME006, path: cluster.name, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore NAME006 reason` on the offending line or the line above.\n",
	},

	/* ---- XENV: between environments ------------------------------------------------ */

	{
		.id = "XENV001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same cluster name in one account and region",
		.explain =
			"What: Two environments have the same cluster.name (given or derived), aws.account_id and\n"
			"aws.region. Abstract parents (_name) are not compared. Each environment after the first\n"
			"(by name) gets the finding, at its cluster.name, with a note at the first one's.\n"
			"\n"
			"Why: Two stacks would claim one EKS cluster: the second apply fails\n"
			"(ResourceInUseException) or, once imported, each apply reverts the other's changes, and\n"
			"destroying one environment deletes the other's cluster.\n"
			"\n"
			"Fix: Give each environment its own name; a child usually inherits its parent's\n"
			"cluster.name, so remove it there to get <app>-<env>:\n"
			"  cluster: {name: jupyterhub-cae-dev}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: XENV001, path: cluster.name, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore XENV001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "XENV002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same state bucket and key",
		.explain =
			"What: Two environments resolve to the same state.bucket (after `auto` is derived) and\n"
			"state.key. Each environment after the first (by name) gets the finding, with a note at the\n"
			"first one's bucket.\n"
			"\n"
			"Why: Two stacks share one state file: the plan of one shows the other's resources as to be\n"
			"destroyed, and its apply destroys them.\n"
			"\n"
			"Fix: Derive the bucket per environment, or use distinct keys in a shared bucket:\n"
			"  state: {bucket: auto, key: terraform.tfstate}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: XENV002, path: state.bucket, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore XENV002 reason` on the offending line or the line above.\n",
	},

	{
		.id = "XENV003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "two environments with the same domain",
		.explain =
			"What: Two environments have the same domain.name, compared as DNS compares names\n"
			"(case-insensitively, a trailing dot ignored). Each environment after the first (by name)\n"
			"gets the finding, with a note at the first one's.\n"
			"\n"
			"Why: One DNS name for two hubs: each apply points the record at its own load balancer, so\n"
			"users land on whichever applied last (development users on production) and OAuth callbacks\n"
			"reach the wrong hub.\n"
			"\n"
			"Fix: Give each environment its own name:\n"
			"  domain: {name: cae-dev.example.org}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: XENV003, path: domain.name, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore XENV003 reason` on the offending line or the line above.\n",
	},

	/* ---- DNS: domain and certificates ---------------------------------------------- */

	{
		.id = "DNS001",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary =
			"tls: acm without route53_zone: validation records must be created by hand "
			"and the apply waits",
		.explain =
			"What: domain.tls is acm and domain.name is set, but domain.route53_zone is not.\n"
			"\n"
			"Why: ACM validates the certificate through DNS records: without a zone eragen cannot\n"
			"create them, so someone must add them by hand while the apply waits in\n"
			"aws_acm_certificate_validation, and fails when it times out. OAuth makes acm the usual\n"
			"setting: Cognito accepts only an https callback URL (AUTH004), so the certificate must be\n"
			"issued before anyone can log in.\n"
			"\n"
			"Fix: Name the Route 53 zone that holds domain.name, or suppress when DNS is managed\n"
			"elsewhere:\n"
			"  domain:\n"
			"    name: cae-dev.example.org\n"
			"    tls: acm\n"
			"    route53_zone: example.org\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DNS001, path: domain.tls, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore DNS001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "DNS002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "route53_zone is not a suffix of domain.name at a label boundary",
		.explain =
			"What: domain.route53_zone is neither domain.name nor a parent domain of it (a suffix at a\n"
			"label boundary): the zone example.org holds cae.example.org, not cae.myexample.org. Names\n"
			"are compared case-insensitively, a trailing dot ignored. Without domain.name the zone is\n"
			"unused and not checked.\n"
			"\n"
			"Why: Route 53 refuses records outside a zone (InvalidChangeBatch), so neither the hub's\n"
			"record nor the certificate validation records can be created, and the apply fails.\n"
			"\n"
			"Fix: Name the zone that contains domain.name:\n"
			"  domain: {name: cae-dev.example.org, route53_zone: example.org}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: DNS002, path: domain.route53_zone, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore DNS002 reason` on the offending line or the line above.\n",
	},

	/* ---- POLICY: production safeguards --------------------------------------------- */

	{
		.id = "POLICY001",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with ci.auto_apply",
		.explain =
			"What: tier is production and ci.auto_apply is true.\n"
			"\n"
			"Why: Every push to main applies to production with nobody looking at the plan: a merged\n"
			"change that replaces the cluster (DRIFT007) destroys it.\n"
			"\n"
			"Fix: Apply production by hand, from the Actions tab, with reviewers:\n"
			"  ci: {auto_apply: false, dispatch: true, required_reviewers: 1}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY001, path: ci.auto_apply, reason: \"...\"}] or an\n"
			"inline comment `# eragen:ignore POLICY001 reason` on the offending line or the line above.\n",
	},

	{
		.id = "POLICY002",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with ci.required_reviewers below 1",
		.explain =
			"What: tier is production and ci.required_reviewers is below 1.\n"
			"\n"
			"Why: The production GitHub environment gets no required reviewers, so anyone who can run\n"
			"the workflow applies to production alone.\n"
			"\n"
			"Fix: Require a reviewer (out/github-environments.json carries it to the settings API):\n"
			"  ci: {required_reviewers: 1}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY002, path: ci.required_reviewers, reason: \"...\"}] or\n"
			"an inline comment `# eragen:ignore POLICY002 reason` on the offending line or the line\n"
			"above.\n",
	},

	{
		.id = "POLICY003",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with a destroy workflow",
		.explain =
			"What: tier is production and ci.destroy is true.\n"
			"\n"
			"Why: A destroy workflow puts the whole production environment (cluster, home directories,\n"
			"scratch data) one dispatch away; its typed confirmation stops accidents, not a wrong\n"
			"choice in the environment list.\n"
			"\n"
			"Fix: Generate no destroy workflow for production:\n"
			"  ci: {destroy: false}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY003, path: ci.destroy, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore POLICY003 reason` on the offending line or the line above.\n",
	},

	{
		.id = "POLICY004",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "production with nat: single",
		.explain =
			"What: tier is production and network.nat is single, written or by default (the schema's\n"
			"default is single).\n"
			"\n"
			"Why: A single NAT gateway lives in one AZ: when that AZ fails, nodes in the other AZs lose\n"
			"outbound access, cannot pull images, and new nodes cannot join.\n"
			"\n"
			"Fix: Use one NAT gateway per AZ:\n"
			"  network: {nat: per_az}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY004, path: network.nat, reason: \"...\"}] or an inline\n"
			"comment `# eragen:ignore POLICY004 reason` on the offending line or the line above.\n",
	},

	{
		.id = "POLICY005",
		.sev = SEV_ERROR,
		.suppressible = true,
		.summary = "production with scratch_bucket.force_destroy",
		.explain =
			"What: tier is production and scratch_bucket.force_destroy is true.\n"
			"\n"
			"Why: A destroy, or a replacement of the bucket (a renamed cluster changes its derived\n"
			"name), deletes every object in it without a prompt: the users' scratch data is gone.\n"
			"\n"
			"Fix: Keep the bucket's contents safe:\n"
			"  scratch_bucket: {force_destroy: false}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY005, path: scratch_bucket.force_destroy,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore POLICY005 reason` on the offending\n"
			"line or the line above.\n",
	},

	{
		.id = "POLICY006",
		.sev = SEV_WARNING,
		.suppressible = true,
		.summary = "public cluster endpoint open to 0.0.0.0/0",
		.explain =
			"What: cluster.endpoint_public_cidrs contains a network of prefix length 0 (0.0.0.0/0, the\n"
			"default when the key is not set), in any tier. Without the key, the finding points at the\n"
			"environment's cluster section.\n"
			"\n"
			"Why: The Kubernetes API of the cluster is reachable from the whole\n"
			"internet: authentication still applies, but a leaked credential or an API server\n"
			"vulnerability is then exploitable from anywhere.\n"
			"\n"
			"Fix: List the networks that need the API (offices, VPN, CI runners); GitHub-hosted runners\n"
			"use changing addresses, so use self-hosted runners (ci.runs_on), an empty list for a\n"
			"private endpoint, or suppress with the reason:\n"
			"  cluster: {endpoint_public_cidrs: [203.0.113.0/24]}\n"
			"\n"
			"Suppress: lint.ignore: [{rule: POLICY006, path: cluster.endpoint_public_cidrs,\n"
			"reason: \"...\"}] or an inline comment `# eragen:ignore POLICY006 reason` on the offending\n"
			"line or the line above.\n",
	},
};

const size_t rules_count = sizeof rules / sizeof rules[0];

/* Exact, case-sensitive lookup; NULL for an unknown ID. A linear scan: the table is small
 * and sorted by family, not alphabetically. */
const struct rule *rule_find(const char *id)
{
	for (size_t i = 0; i < rules_count; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

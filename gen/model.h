/*
 * model.h - the typed model of an environment's spec: one struct per environment, built
 * once its spec is resolved (layering, schema defaults, derivation: resolve.c) and read by
 * field everywhere downstream (the checks, the placement matrix, the views, the back
 * ends, the commands). The spec's shape is the shape of struct model below; the schema
 * (schemas/environment.schema.json) says what each key means.
 *
 * Every value keeps the node it came from (n): its location, its origin and flags
 * (NODE_DEFAULT, NODE_DERIVED, NODE_SECRET: node_display masks it), whatever its kind;
 * NULL when the key is absent. The typed value is set only when that node has the type
 * the schema gives the key: a model is built from a tree with schema errors too, where a
 * value absent or of the wrong type is simply unset and the rules that judge individual
 * values still run. A key's path names it in messages and finds where a finding about it
 * goes (env_value_loc); the fields of list and map elements (node groups, profiles,
 * taints, ...) have paths relative to their element.
 *
 * Names: each field is named after its key (`default` is is_default). The maps the spec
 * leaves free-form stay node trees (tags, hub.extra_values); node labels and selectors
 * are typed lists of pairs.
 *
 * Adding a key: its schema entry, one field here, one line in its section's builder
 * (model.c), and its uses.
 *
 * Ownership: a model lives in the arena it is built in (an environment's: released with
 * its spec), points into the tree it was built from, and is never changed once built.
 * Building allocates from that arena only: out of memory unwinds (eragen.h).
 */
#ifndef ERAGEN_MODEL_H
#define ERAGEN_MODEL_H

#include "data.h"
#include "eragen.h"

/* ---- values --------------------------------------------------------------------- */

struct m_str {
	const char *s;		/* NULL unless n is a string */
	const struct node *n;
	const char *path;
};

/* The node of a string, NULL when absent or not a string (for rules that report there). */
static inline const struct node *m_str_node(const struct m_str *f)
{
	return f->s ? f->n : NULL;
}

struct m_int {
	int64_t v;
	bool set;		/* n is an integer */
	const struct node *n;
	const char *path;
};

struct m_num {
	double v;
	bool set;		/* n is a number (integer or float) */
	const struct node *n;
	const char *path;
};

struct m_bool {
	bool v;
	bool set;		/* n is a boolean */
	const struct node *n;
	const char *path;
};

/* A string from a fixed list: v is one of the field's enum (below), 0 when the string is
 * absent or not one of its names (s still holds a string). */
struct m_enum {
	int v;
	const char *s;
	const struct node *n;
	const char *path;
};

/* A memory quantity (DESIGN 4: bytes, or digits with K/M/G/T): a number or a string. */
struct m_qty {
	double bytes;
	bool set;		/* n is a quantity (memory_bytes) */
	const struct node *n;
	const char *path;
};

/* A list of strings: every item, in order (an item's s is NULL unless it is a string);
 * count is 0 when n is not a list. Lists of maps below have the same shape: v, count, n,
 * path. */
struct m_strs {
	struct m_str *v;
	size_t count;
	const struct node *n;
	const char *path;
};

/* A map of label keys to values (node labels, node selectors), in order. */
struct m_label {
	const struct node *key;
	struct m_str value;
};
struct m_labels {
	struct m_label *v;
	size_t count;
	bool set;		/* n is a map */
	const struct node *n;
	const char *path;
};

/* ---- enums ---------------------------------------------------------------------- */

enum m_lock { STATE_LOCK_DYNAMODB = 1, STATE_LOCK_S3 };
enum m_nat { NAT_SINGLE = 1, NAT_PER_AZ, NAT_NONE };
enum m_auth_mode { AUTH_DUMMY = 1, AUTH_GITHUB, AUTH_COGNITO };
enum m_tls { TLS_ACM = 1, TLS_NONE, TLS_EXISTING };
enum m_authn { AUTHN_API = 1, AUTHN_API_AND_CONFIG_MAP };	/* cluster.authentication_mode */
enum m_capacity { CAPACITY_ON_DEMAND = 1, CAPACITY_SPOT };
enum m_worker_image { WORKER_IMAGE_NOTEBOOK = 1, WORKER_IMAGE_DEFAULT };
/* Taint and toleration effects, read as Kubernetes reads them (taint_effect_norm: case
 * and '_' ignored); effect_name gives the canonical spelling. */
enum m_effect { EFFECT_NO_SCHEDULE = 1, EFFECT_NO_EXECUTE, EFFECT_PREFER_NO_SCHEDULE };
const char *effect_name(int effect);

/* ---- node groups and placement -------------------------------------------------- */

struct m_taint {
	const struct node *n;	/* the taint's map */
	struct m_str key, value;
	struct m_enum effect;	/* enum m_effect */
};

struct m_toleration {
	const struct node *n;	/* the toleration's map */
	struct m_str key, operator, value;
	struct m_enum effect;	/* enum m_effect */
	struct m_int toleration_seconds;	/* key tolerationSeconds */
};

struct m_group {
	const char *name;
	const struct node *key;	/* its key under node_groups */
	const struct node *n;	/* its value */
	bool set;		/* n is a map: the fields below are read from it */
	struct m_strs instance_types;
	struct m_enum capacity;	/* enum m_capacity */
	struct m_str ami_type;
	struct m_int min, desired, max, disk_gb;
	struct m_strs azs;
	struct m_labels labels;
	struct {
		struct m_taint *v;
		size_t count;	/* 0 when not a list */
		const struct node *n;
		const char *path;
	} taints;
	struct {
		const struct node *n;
		struct m_str timezone, scale_up, scale_down;
		struct m_int min_during, min_after;
	} schedule;
};

/* Where a workload runs: placement.<workload>, or a profile's own placement. */
struct m_place {
	const struct node *n;	/* the entry (NULL: none) */
	const struct node *key;	/* its key under placement (NULL for a profile) */
	struct m_str node_group;
	struct m_labels node_selector;
	struct {
		struct m_toleration *v;
		size_t count;	/* 0 when not a list */
		const struct node *n;
		const char *path;
	} tolerations;
};

/* ---- hub ------------------------------------------------------------------------ */

struct m_profile {
	const struct node *n;
	bool set;		/* n is a map */
	struct m_str slug, display_name, description, image;
	struct m_bool is_default;
	struct {
		const struct node *n;
		struct m_num guarantee, limit;
	} cpu;
	struct {
		const struct node *n;
		struct m_qty guarantee, limit;
	} memory;
	struct m_place place;	/* node_group, node_selector, tolerations */
};

struct m_image_choice {
	const struct node *n;
	bool set;		/* n is a map */
	struct m_str slug, image, display_name, description;
	struct m_bool is_default;
};

struct m_hub {
	const struct node *n;
	struct m_str chart_version, namespace, release, default_url, image;
	struct {
		struct m_image_choice *v;
		size_t count;	/* 0 when not a list */
		const struct node *n;
		const char *path;
		const struct node *key;	/* its key under hub */
	} image_choices;
	struct m_bool custom_images;
	struct {
		struct m_profile *v;
		size_t count;	/* 0 when not a list */
		const struct node *n;
		const char *path;
	} profiles;
	struct {
		const struct node *n;
		struct m_int kernel_idle_s, kernel_interval_s, server_idle_s, server_interval_s;
		struct m_bool kernel_cull_connected, kernel_cull_busy;
	} culling;
	struct {
		const struct node *n;
		struct m_int uid, gid, fs_gid, start_timeout_s;
		struct m_bool allow_privilege_escalation;
		const struct node *extra_env;	/* map: variable -> string */
		struct m_strs post_start;	/* the exec command */
	} singleuser;
	struct m_bool shutdown_on_logout;
	struct m_bool prepull;
	const struct node *extra_values;	/* free-form Helm values, merged last */
};

/* ---- auth ----------------------------------------------------------------------- */

struct m_auth {
	const struct node *n;
	struct m_enum mode;	/* enum m_auth_mode */
	struct m_strs admins, allowed_users;
	struct m_bool allow_all_users;
	struct {
		const struct node *n;
		struct m_str password;
	} dummy;
	struct {
		const struct node *n;
		struct m_str org, client_id, client_secret;
	} github;
	struct {
		const struct node *n;
		struct m_str region, user_pool_id, client_id, domain, client_secret;
	} cognito;
};

/* ---- the environment ------------------------------------------------------------ */

struct m_cluster_admin {
	const struct node *n;
	struct m_str arn, username;
};

struct m_ignore {
	const struct node *n;
	struct m_str rule, path, reason, until;
};

struct model {
	const struct node *spec;	/* the tree it was built from */

	/* the environment's own file: never inherited (read from it, resolved or not) */
	struct m_str name, extends;
	struct m_enum tier;		/* enum tier */
	struct {
		const struct node *n;
		struct {
			struct m_ignore *v;
			size_t count;	/* 0 when not a list */
			const struct node *n;
			const char *path;
		} ignore;
	} lint;

	struct m_str app, description;
	const struct node *tags;	/* free-form: tag -> value */
	struct {
		const struct node *n;
		struct m_str account_id, region;
		struct m_strs azs;
	} aws;
	struct {
		const struct node *n;
		struct m_str email, cost_center;
	} owner;
	struct {
		const struct node *n;
		struct m_str bucket, key;
		struct m_enum lock;	/* enum m_lock */
	} state;
	struct {
		const struct node *n;
		struct m_str vpc_cidr;
		struct m_int subnet_newbits;
		struct m_enum nat;	/* enum m_nat */
		struct m_strs peers, allow_overlap_with;
		struct m_bool s3_endpoint;
		struct {
			const struct node *n;	/* the map, NULL when absent */
			struct m_strs public, private;	/* one per AZ of aws.azs */
		} subnets;
	} network;
	struct {
		const struct node *n;
		struct m_str name, kubernetes_version, service_cidr;
		struct m_strs endpoint_public_cidrs;
		struct {
			struct m_cluster_admin *v;
			size_t count;	/* 0 when not a list */
			const struct node *n;
			const char *path;
		} admins;
		struct m_enum authentication_mode;	/* enum m_authn */
		struct m_bool bootstrap_creator_admin;
	} cluster;
	struct {
		struct m_group *v;	/* every entry, in order */
		size_t count;	/* 0 when not a map */
		const struct node *n;
		const char *path;
	} node_groups;
	struct {
		const struct node *n;
		struct m_place wl[WL_COUNT];	/* by enum workload */
	} placement;
	struct m_auth auth;
	struct {
		const struct node *n;
		struct m_str file, kms_key_arn;
	} secrets;
	struct {
		const struct node *n;
		struct m_str name, route53_zone, certificate_arn;
		struct m_enum tls;	/* enum m_tls */
	} domain;
	struct m_hub hub;
	struct {
		const struct node *n;
		struct m_num worker_cores_max, worker_memory_max_gb, cluster_max_cores;
		struct m_num worker_cores_default, worker_memory_default_gb;
		struct m_num scheduler_cores, scheduler_memory_gb;
		struct m_int idle_timeout_s, max_clusters;
		struct m_enum worker_image;	/* enum m_worker_image */
		struct m_bool environment_option;
	} dask;
	struct {
		const struct node *n;
		struct m_str class;
		struct m_int home_gb;
		struct m_labels class_parameters;	/* parameter -> value */
	} storage;
	struct {
		const struct node *n;
		struct m_str name;
		struct m_bool existing, force_destroy;
		struct m_int noncurrent_expire_days;
	} scratch_bucket;
	struct {
		const struct node *n;
		struct m_bool kubecost;
	} features;
	/* identity settings (DESIGN 8.2): unset, eragen derives each name (identity.h) */
	struct {
		const struct node *n;
		struct m_str cluster_role, node_role, kms_alias, user_service_account;
		struct m_labels node_groups;	/* group -> its AWS node group name */
		struct m_str log_group;		/* a name; n is the boolean false: unmanaged */
	} names;
	struct {
		const struct node *n;
		struct m_str chart_version;
		struct m_int storage_gb, retention_days;
	} kubecost;
	struct {
		const struct node *n;
		struct m_bool auto_apply, dispatch, destroy;
		struct m_int required_reviewers;
		struct m_str role_arn, plan_role_arn, runs_on, tofu_version;
	} ci;
};

/*
 * The model of spec (a resolved tree, or any spec tree: a file as written, _defaults.yaml,
 * a baseline) in a. own is the tree of the environment's own file, where the keys that are
 * never inherited (name, extends, tier, lint) are read; NULL: read them from spec. Either
 * may be NULL or of any kind.
 */
const struct model *model_build(struct arena *a, const struct node *spec, const struct node *own);

/* Is the hub served over https: a domain.name, with tls acm or existing? */
bool model_https(const struct model *m);

/* The group called name in m, or NULL. */
const struct m_group *model_group(const struct model *m, const char *name);

#endif

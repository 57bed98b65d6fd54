/*
 * emit/helm_int.h - what the files of the helm back end share: the builder of a values
 * tree (struct hb), the tree helpers (helm.c), the writers (helm_yaml.c) and each part's
 * entry point: notebook servers (helm_user.c), dask-gateway (helm_dask.c), Kubecost
 * (helm_kubecost.c). helm.c says what the values are and how they are rendered.
 */
#ifndef ERAGEN_EMIT_HELM_INT_H
#define ERAGEN_EMIT_HELM_INT_H

#include "backend.h"
#include "data.h"
#include "model.h"
#include "placement.h"

/* One environment's values being built: view nodes in a, the spec's model, its matrix. */
struct hb {
	struct ctx *ctx;
	struct env *env;
	struct arena *a;
	const struct model *spec;
	const struct placement *p;
	struct node *sensitive;	/* [{name, sops}] */
	struct node *set;	/* [{name, from}] */
	const char *scratch_bucket;	/* its name (derived or given), or NULL */
};

/* ---- helm_yaml.c: the writers ---- */

bool y_present(const struct node *n);
/* The entries of a non-empty map or list, each line at indent. */
void y_block(struct strbuf *sb, const struct node *n, int indent);
/* "key:" and its value as a top-level document fragment, without the final newline. */
struct node *y_fragment(struct arena *a, const char *key, const struct node *val);
/* Python literals: a str (ASCII only), one split into adjacent literals of at most width
 * characters, one per line at indent, and a float (always with a point). */
void py_str(struct strbuf *sb, const char *s, size_t n);
void py_str_lines(struct strbuf *sb, const char *s, size_t n, int indent, size_t width);
void py_float(struct strbuf *sb, double f);

/* ---- helm.c: the tree ---- */

long h_index(const struct node *map, const char *key);
/* map[key] = val, replacing an existing entry; map[key] as a map, created when absent. */
struct node *h_put(struct arena *a, struct node *map, const char *key, struct node *val);
struct node *h_map(struct arena *a, struct node *map, const char *key);
void h_del(struct arena *a, struct node *map, long i);
/* Deep-merge src over dst: maps merge, lists and scalars replace, null removes. */
struct node *h_str(struct hb *b, const char *s);
void put_str(struct hb *b, struct node *map, const char *key, const char *s);
struct node *str_list(struct hb *b, const struct m_strs *seq);
int64_t int_or(const struct m_int *f, int64_t dflt);
bool bool_or(const struct m_bool *f, bool dflt);
double num_or(const struct m_num *f, double dflt);
bool tls_acm(struct hb *b);
/* The platform stack's service account of notebook and dask pods (<release>-user). */
const char *user_service_account(struct hb *b);

/* Placement: a row's selector and tolerations (own or derived, never the chart's). */
struct node *selector_map(struct hb *b, const struct pl_workload *w);
struct node *toleration_list(struct hb *b, const struct pl_workload *w);
/* nodeSelector / tolerations of w into map under the given keys, omitted when empty. */
void place(struct hb *b, struct node *map, const struct pl_workload *w, const char *sel_key,
	   const char *tol_key);
const struct pl_workload *wl_row(const struct placement *p, enum workload wl);
/* An image reference as the chart's {name, tag}. */
struct node *image_map(struct hb *b, const char *ref);

/* ---- the parts ---- */

/* helm_user.c: jupyterhub.singleuser, scheduling, prePuller, cull */
void user_values(struct hb *b, struct node *jh);
/* helm_dask.c */
struct node *dask_gateway_values(struct hb *b);
/* helm_kubecost.c: the view of out/<env>/helm/kubecost.yaml, NULL without Kubecost */
struct node *kubecost_view(struct hb *b);

#endif

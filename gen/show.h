/*
 * show.h - a node tree as YAML or JSON for `eragen show` (show.c), with origins.
 */
#ifndef ERAGEN_SHOW_H
#define ERAGEN_SHOW_H

#include "eragen.h"

/* YAML (block style) or JSON of a tree; secrets as ***. With origins, YAML values carry
 * a "# file:line:col" comment and JSON becomes {"spec":..., "origins":{path: origin}}. */
void show_yaml(const struct ctx *ctx, struct strbuf *sb, const struct node *n, bool origins);
void show_json(const struct ctx *ctx, struct strbuf *sb, const struct node *n, bool origins);
/* "file:line:col", "default" or "derived". */
const char *origin_text(const struct ctx *ctx, struct arena *a, const struct node *n);

#endif

/*
 * tfvars.h - the tfvars subset of HCL (a terraform.tfvars or backend.tfvars file): the
 * reader `eragen import` uses.
 *
 * Accepted: attributes `name = value`, one per line; values that are literals (quoted
 * strings with their escapes, heredocs `<<EOT` and `<<-EOT`, numbers with an optional
 * sign, true, false, null), tuples `[...]` and objects `{...}` of them (keys: names or
 * quoted strings, `=` or `:`, items separated by commas or newlines); comments `#`,
 * `//` and block comments (slash-star to star-slash). Refused, each with its line and
 * column: anything that needs evaluating (references, function calls, operators,
 * conditionals, for expressions, parentheses), interpolation `${...}` and template
 * directives `%{...}` in strings and heredocs (`$${` and `%%{` are their literal
 * spellings), blocks, an attribute set twice, an object key given twice, nesting deeper
 * than TFVARS_MAX_DEPTH.
 *
 * The result is a node tree (eragen.h): a map of attribute name -> value, in file order,
 * each node located in the file. Strings are NODE_STR (NODE_QUOTED); numbers NODE_INT
 * when integral and within int64, else NODE_FLOAT, keeping their text; tuples NODE_SEQ;
 * objects NODE_MAP. One pass over the file: linear in its size.
 */
#ifndef ERAGEN_TFVARS_H
#define ERAGEN_TFVARS_H

#include "eragen.h"

#define TFVARS_MAX_DEPTH 64

/*
 * Parse f into a (nodes and strings). Every problem is a SPEC012 diagnostic at its line
 * and column, about environment env (may be NULL); after one, the reader resumes at the
 * next attribute, so that one run reports them all. Returns the map of the attributes
 * read, or NULL when the file had any problem.
 */
struct node *tfvars_parse(struct ctx *ctx, struct arena *a, const struct srcfile *f,
			  const char *env);

#endif

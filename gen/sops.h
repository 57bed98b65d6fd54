/*
 * sops.h - what eragen knows about an environment's SOPS file without decrypting it.
 *
 * SOPS keeps key names and its metadata in clear text and replaces each value it
 * encrypts with ENC[...]. From the parsed file this answers: is it SOPS-encrypted (a
 * top-level 'sops' mapping with a 'mac'), which leaf key paths exist (dotted, as the
 * OpenTofu sops provider flattens them: "cognito.client_secret", list items by index
 * "a.0"), and which non-empty leaves SOPS would encrypt are not ENC[...]. "Would encrypt"
 * follows SOPS's Tree.Encrypt: unencrypted_suffix (the default, "_unencrypted", when the
 * metadata names no option), encrypted_suffix, unencrypted_regex and encrypted_regex,
 * applied in that order to every key on the leaf's path. Regular expressions are compiled
 * with PCRE2 (SOPS uses Go's RE2: the same syntax for what such patterns use).
 *
 * Ownership: everything hangs off the arena given; compiled patterns are freed before
 * sops_scan returns. sops_scan is pure (no diagnostics), so it is unit-tested alone;
 * sops_read adds the file reading (SPEC012/SPEC001 are reported by srcfile/yaml_load).
 */
#ifndef ERAGEN_SOPS_H
#define ERAGEN_SOPS_H

#include "eragen.h"

struct sops_leaf {
	const char *path;		/* dotted key path, list indexes as numbers */
	const struct node *value;	/* the scalar */
	bool encrypted;			/* an ENC[...] string */
	bool empty;			/* null or "": SOPS leaves it as it is */
	bool clear;			/* SOPS leaves it unencrypted (suffix or regex) */
	bool undecided;			/* a regex hit the PCRE2 limits on a key of its path */
};

struct sops_file {
	const struct srcfile *file;	/* NULL when sops_scan was given a tree */
	const struct node *root;	/* the document (a mapping when usable) */
	const struct node *meta;	/* the top-level 'sops' mapping, or NULL */
	const struct node *meta_key;	/* its key node */
	bool has_mac;			/* meta.mac is a non-empty string */
	/* the option that decides what is encrypted (the last one SOPS applies) */
	const char *option;		/* "unencrypted_suffix", ...; the default too */
	const struct node *option_node;	/* its value in meta; NULL for the default */
	/* a pattern that cannot be compiled, or a comment-based option eragen cannot judge
	 * (libyaml reports no comments): the leaves are listed but not judged (clear false) */
	const struct node *unjudged;	/* the offending option value */
	const char *unjudged_why;	/* "'encrypted_regex' cannot be compiled: ..." */
	bool rx_error;			/* unjudged because a pattern does not compile */
	struct sops_leaf *leaves;	/* in document order, 'sops' excluded */
	size_t nleaves;
};

/* Scan a parsed SOPS document (NULL or not a mapping: no metadata, no leaves). */
void sops_scan(struct arena *a, const struct node *root, struct sops_file *out);

/*
 * Read relpath (relative to the repository; with --staged, from the index) and scan it.
 * NULL when it does not exist there (*missing set, nothing reported) or cannot be used (SPEC012/SPEC001 and the like
 * reported, at 'at' for a file that cannot be read).
 */
struct sops_file *sops_read(struct ctx *ctx, struct arena *a, const char *relpath,
			    struct loc at, bool *missing);

/* The leaf at dotted path (path[0..len)), or NULL. */
const struct sops_leaf *sops_find(const struct sops_file *s, const char *path, size_t len);
/* Does a mapping or list of the file sit at path (it names no value, only leaves below)? */
bool sops_is_branch(const struct sops_file *s, const char *path, size_t len);
/* Is s an ENC[...] value as SOPS writes it? */
bool sops_is_enc(const char *s, size_t len);

#endif

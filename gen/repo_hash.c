/*
 * repo_hash.c - git blob IDs (repo_blob_id), and the blob ID of a header and a body without
 * copying them into one buffer (repo_blob_id2).
 *
 * git_odb_hash takes one buffer, and libgit2 1.5 exports no SHA-1 of its own. Its object
 * streams hash what is written to them, though: git_odb_open_wstream hashes the object
 * header ("blob <len>\0") and git_odb_stream_write each piece, through the very SHA-1
 * that git_odb_hash uses, before the backend sees them. So an object database whose one
 * backend accepts a write stream and keeps nothing gives the blob ID of pieces as
 * git_odb_hash would give it of their concatenation: a 10 MB workflow is hashed where it
 * was rendered, not copied beside its header first.
 *
 * The database is made on first use and released by repo_hash_release (repo_shutdown).
 * No other library is involved (DESIGN 2).
 */
#include "repo.h"
#include "alloc.h"

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

static git_odb *hash_odb;	/* the backend below only: nothing is stored */

static int sink_write(git_odb_stream *s, const char *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
	return 0;
}

static int sink_finalize(git_odb_stream *s, const git_oid *oid)
{
	(void)s;
	(void)oid;
	return 0;
}

static void sink_free(git_odb_stream *s)
{
	alloc_lib_free(s);
}

static int sink_open(git_odb_stream **out, git_odb_backend *b, git_object_size_t size,
		     git_object_t type)
{
	(void)size;
	(void)type;
	git_odb_stream *s = alloc_lib_malloc(ALLOC_GIT, sizeof(*s));
	if (!s) {
		git_error_set_oom();
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->backend = b;
	s->mode = GIT_STREAM_WRONLY;
	s->write = sink_write;
	s->finalize_write = sink_finalize;
	s->free = sink_free;
	*out = s;
	return 0;
}

static void sink_backend_free(git_odb_backend *b)
{
	alloc_lib_free(b);
}

/* The database of one sink backend; -1 when libgit2 refuses (its message is set). */
static int hash_odb_open(void)
{
	if (hash_odb)
		return 0;
	git_odb_backend *b = alloc_lib_malloc(ALLOC_GIT, sizeof(*b));
	if (!b) {
		git_error_set_oom();
		return -1;
	}
	if (git_odb_init_backend(b, GIT_ODB_BACKEND_VERSION) != 0) {
		alloc_lib_free(b);
		return -1;
	}
	b->writestream = sink_open;
	b->free = sink_backend_free;
	git_odb *odb = NULL;
	if (git_odb_new(&odb) != 0) {
		alloc_lib_free(b);
		return -1;
	}
	if (git_odb_add_backend(odb, b, 1) != 0) {
		alloc_lib_free(b);	/* not the database's yet */
		git_odb_free(odb);
		return -1;
	}
	hash_odb = odb;
	return 0;
}

void repo_hash_release(void)
{
	git_odb_free(hash_odb);
	hash_odb = NULL;
}

/* The ID of a then b through one stream; 0, or -1 with libgit2's message set. */
static int stream_id(const char *a, size_t alen, const char *b, size_t blen, git_oid *oid)
{
	git_odb_stream *st = NULL;
	if (hash_odb_open() != 0 ||
	    git_odb_open_wstream(&st, hash_odb, (git_object_size_t)alen + blen, GIT_OBJECT_BLOB))
		return -1;
	int rc = 0;
	if (alen)
		rc = git_odb_stream_write(st, a, alen);
	if (rc == 0 && blen)
		rc = git_odb_stream_write(st, b, blen);
	if (rc == 0)
		rc = git_odb_stream_finalize_write(oid, st);
	git_odb_stream_free(st);
	return rc == 0 ? 0 : -1;
}

/* The ID of a hash that returned rc (libgit2's): out, or error() and -1. */
static int blob_id_done(int rc, const git_oid *oid, unsigned long failed, char out[41])
{
	oom_if_failed_since(failed);
	if (rc != 0) {
		char msg[256];
		repo_git_message(msg, sizeof(msg));
		error("cannot compute a blob id: %s", msg);
		out[0] = '\0';
		return -1;
	}
	git_oid_tostr(out, 41, oid);
	return 0;
}

int repo_blob_id(const char *data, size_t len, char out[41])
{
	git_oid oid;
	unsigned long failed = alloc_failures();
	int rc = git_odb_hash(&oid, data ? data : "", len, GIT_OBJECT_BLOB);
	return blob_id_done(rc, &oid, failed, out);
}

int repo_blob_id2(const char *a, size_t alen, const char *b, size_t blen, char out[41])
{
	if (!alen)
		return repo_blob_id(b, blen, out);
	if (!blen)
		return repo_blob_id(a, alen, out);
	git_oid oid;
	unsigned long failed = alloc_failures();
	int rc = stream_id(a, alen, b, blen, &oid);
	return blob_id_done(rc, &oid, failed, out);
}

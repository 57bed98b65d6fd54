/*
 * file_id.c - a file's identity and the racy-file rule (file_id.h).
 */
#include "file_id.h"

static bool ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

struct file_id file_id_of(const struct stat *st)
{
	return (struct file_id){ st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim };
}

bool file_id_same(const struct file_id *a, const struct file_id *b)
{
	return a->ino && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       ts_eq(a->mtime, b->mtime) && ts_eq(a->ctime, b->ctime);
}

bool file_id_fresh(const struct file_id *then, const struct stat *now, struct timespec written)
{
	struct file_id id = file_id_of(now);
	return file_id_same(then, &id) && ts_before(now->st_mtim, written) &&
	       ts_before(now->st_ctim, written);
}

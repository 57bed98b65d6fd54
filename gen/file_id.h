/*
 * file_id.h - a file's identity as lstat gives it (device, inode, size, mtime, ctime),
 * and the racy-file rule that lets a cache vouch for a file it does not read.
 *
 * Shared by the build (out_sync.c, out_disk.c: the files it read and wrote), the stamp
 * and render caches (out_stamp.c, out_cache.c) and the facts cache (facts.c), so that
 * all of them judge "the same file, unchanged" one way.
 */
#ifndef ERAGEN_FILE_ID_H
#define ERAGEN_FILE_ID_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

/* A file as it was seen. st_ino 0 stands for "none" (a file read from the index). */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
};

/* The identity of the file st (an lstat or fstat) describes. */
struct file_id file_id_of(const struct stat *st);
/* Are a and b one unchanged file? Never when a has no inode (st_ino 0). */
bool file_id_same(const struct file_id *a, const struct file_id *b);
/*
 * Is the file now describes still the one seen as then, and were its content and its
 * inode last changed (mtime and ctime) strictly before written, the moment the cache
 * that vouches for it was written? A file changed in the clock tick of that moment can
 * change again within it unseen (git's racy-git rule): it is never vouched for.
 */
bool file_id_fresh(const struct file_id *then, const struct stat *now, struct timespec written);

#endif

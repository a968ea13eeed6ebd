/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spools: where a traced process puts its events until they reach the
 * trace file.
 *
 * Each process appends records to its own spool file through a MAP_SHARED
 * mapping: a few copies per event, no syscall, no lock (an atomic add
 * reserves the bytes).  A record is a 16-byte header and a payload: a
 * JSON line rendered at call time, or a packed bpf call (bpf_record.h)
 * rendered when the spool is drained.  The header's magic word is stored
 * last, so a record is either whole or recognisably not.  Pages of a shared file mapping belong to the
 * page cache, so an event is safe the moment memcpy returns, even if the
 * process is SIGKILLed right after.  A write() per event would cost ~1.3 us
 * here, about as much as the bpf call being traced.
 *
 * A live spool is held with flock(LOCK_SH).  Draining appends a spool's
 * complete lines to the trace file (under flock(LOCK_EX) on the trace so
 * processes never interleave) and removes it: a process drains its own at
 * exit, and anyone may drain spools whose lock is free (their writer
 * exited, exec'd or was killed).  Records torn by a kill in the middle of
 * a copy are dropped and counted, never passed on half.
 */
#ifndef BPFSPY_SPOOL_H
#define BPFSPY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spool {
	int fd;              /* high-numbered, close-on-exec, LOCK_SH held */
	char *base;          /* MAP_SHARED, vsize bytes of address space */
	uint64_t vsize;
	uint64_t committed;  /* file size is at least this (atomic) */
	uint64_t tail;       /* next free byte (atomic) */
	uint64_t lost;       /* events that did not fit (atomic) */
	int grow_lock;       /* only for filesystems without fallocate */
	int dirfd;           /* the spool directory (the caller's fd) */
	char name[64];       /* the file's name in it */
};

/* Why a directory or file is not trusted (besides -errno values). */
#define SPOOL_FOREIGN (-10001)   /* it belongs to another user */
#define SPOOL_SHARED  (-10002)   /* others can write to it */
#define SPOOL_LINKED  (-10003)   /* a hard link in a shared directory */

/* 0 when the directory open as @dfd belongs to us and nobody else can
 * write to it, else SPOOL_FOREIGN, SPOOL_SHARED or -errno. */
int spool_dir_check(int dfd);

/* Open the spool directory @dir (creating it 0700 with @create), refusing
 * a symlink (-ELOOP) or a directory spool_dir_check() does not trust.
 * Returns an fd at or above @fd_floor, or a negative code. */
int spool_dir_open(const char *dir, bool create, int fd_floor);

/* What a negative code of these functions means, for a message. */
const char *spool_strerror(int rc);

/* Open a trace file for writing: O_NOFOLLOW added when its directory is
 * sticky and world-writable (where a regular file with other hard links
 * is refused too: SPOOL_LINKED), and a regular file that belongs to
 * another user refused (SPOOL_FOREIGN).  Returns an fd or a negative code. */
int spool_open_output(const char *path, int flags, mode_t mode);

/* Create a spool file (O_EXCL, mode 0600) in the directory open as @dfd,
 * named so that names sort by creation time.  Returns 0 or -errno.  Uses
 * raw syscalls only; fds are placed at or above @fd_floor. */
int spool_create(struct spool *s, int dfd, int fd_floor);

/* Record types: SPOOL_JSON lines are copied as they are; every other
 * type belongs to the renderer (struct spool_renderer). */
enum spool_rec_type {
	SPOOL_JSON = 1,  /* payload: one JSON line, no newline */
};

/* Reserve room for a record with @payload bytes and return where the
 * payload goes, or NULL (counted in s->lost) when the disk is full or the
 * spool exhausted.  Thread- and async-signal-safe, lock-free. */
void *spool_begin(struct spool *s, size_t payload);

/* Publish the record whose payload spool_begin() returned. */
void spool_commit(void *payload, uint32_t type, size_t payload_len);

/* Forget a spool inherited across fork without touching the parent's file. */
void spool_forget(struct spool *s);

struct drain_stats {
	uint64_t lines, torn, bytes, files, bad;
	uint64_t foreign;   /* spools skipped: not ours, or not regular files */
};

#define SPOOL_RENDER_BAD ((size_t)-1)

/* Turns the records that are not SPOOL_JSON into lines.  A spool is one
 * process's: records may carry state (a thread's name, what an fd is) for
 * the records after them, so the renderer starts afresh with each file. */
struct spool_renderer {
	void (*begin_file)(void *ctx);
	/* One JSON line without the newline into @out; returns the length it
	 * needs (over @cap: called again with more room), 0 for a record
	 * that only updates state, SPOOL_RENDER_BAD for a malformed one. */
	size_t (*render)(void *ctx, uint32_t type, const void *payload, size_t len,
			 char *out, size_t cap);
	void *ctx;
};

/* Append the complete lines of the spool file @name in the directory open
 * as @dfd to @out_fd (taking flock(LOCK_EX) on @out_fd meanwhile), then
 * unlink it.  A symlink, a file of another user or one that others can
 * write is skipped and counted in st->foreign.  Returns 0 or -errno. */
int spool_drain_file(int dfd, const char *name, int out_fd, const struct spool_renderer *r,
		     struct drain_stats *st);

/* Drain the caller's own spool (at exit).  Returns 0 or -errno. */
int spool_drain_own(struct spool *s, int out_fd, const struct spool_renderer *r,
		    struct drain_stats *st);

/* Drain every spool in the directory open as @dfd whose writer is gone
 * (its lock is free), in creation order, except the one named @own_name
 * (the caller's, drained with spool_drain_own()).  Returns 0 or -errno. */
int spool_drain_dir(int dfd, int out_fd, const char *own_name,
		    const struct spool_renderer *r, struct drain_stats *st);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spools: where a traced process puts its events until a consumer renders
 * them into the trace.
 *
 * Each process image appends records to a spool file of its own: a 4 KiB
 * header page shared by writer and consumer, then a ring of a fixed size
 * (a power of two) mapped twice in a row, so a record that wraps is still
 * contiguous.  Writers only append: a compare-and-swap on the header's
 * head reserves the bytes when the ring has room (head - consumed <= size),
 * a few copies fill them, and the record header's magic word, stored
 * last, publishes it.  No syscall, no lock, no allocation.  Pages of a
 * shared file mapping belong to the page cache, so an event is safe the
 * moment memcpy returns, even if the process is SIGKILLed right after.
 * A write() per event would cost ~1.3 us here, about as much as the bpf
 * call being traced.
 *
 * An event that finds no room (the consumer is behind, or stopped) is
 * dropped and counted in the header with the span of seqs it had; the
 * consumer turns the counts into "lost" lines.  The writer is never
 * blocked or slowed.
 *
 * One consumer at a time (an OFD lock on the file's first byte) renders
 * the published records, writes them to the trace, zeroes them and
 * advances the header's consumed position.  The position lives in the
 * file, so another consumer continues where a killed one stopped; a batch
 * being written is described in the header first (where it ends, what
 * size the trace had, what size it will have) so that a consumer killed
 * in the middle of a write() is neither repeated nor lost by the next.
 *
 * A live spool is held with flock(LOCK_SH) by its writer (the lock stays
 * with its mapping).  A consumer that can take LOCK_EX knows the writer is
 * gone: it renders what is left, counts records torn by a kill in the
 * middle of a copy (never passed on half), and removes the file.
 */
#ifndef BPFSPY_SPOOL_H
#define BPFSPY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPOOL_SIZE_DEFAULT (32u << 20)   /* ring bytes per process */
#define SPOOL_SIZE_MIN     (64u << 10)
#define SPOOL_SIZE_MAX     (1u << 30)

struct spool_shm;   /* the header page, shared with consumers */

/* A spool's head: the header page, then the writer's dictionary, bytes
 * the layer above keeps for its records to refer to: state a consumer
 * must find even when it starts part-way, when the records that would
 * have carried it are gone (bpf_record.h's templates).  Zero at
 * creation; the spool itself never reads it.  The ring follows. */
#define SPOOL_HEAD      (32u << 10)
#define SPOOL_DICT_OFF  4096u
#define SPOOL_DICT_SIZE (SPOOL_HEAD - SPOOL_DICT_OFF)

struct spool {
	int fd;              /* close-on-exec, LOCK_SH held, out of the program's
			      * reach (above its soft RLIMIT_NOFILE), or -1:
			      * none kept, or no longer ours */
	uint64_t dev, ino;   /* the file's identity, to tell an fd is still it */
	struct spool_shm *shm;   /* the mapping: header page, then the ring twice */
	char *data;          /* the ring; data[size + i] is data[i] */
	uint64_t size;       /* ring bytes, a power of two */
	size_t map_len;
	int grow_lock;       /* tid of the thread extending the file */
	int dirfd;           /* the spool directory (the caller's fd), or -1 */
	const char *dir;     /* its path, when the caller keeps no fd on it */
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

/* Where spools go when nobody says: @base ("/dev/shm") when it is a tmpfs
 * with 1 GiB free that we may write to, else NULL.  Spools are made, grown
 * and unlinked per process: on a disk (ext4 with discard, here) that cycle
 * cost a bpftool run ~1 ms of its ~2; containers often mount a 64 MiB
 * /dev/shm, where a full spool would lose events. */
const char *spool_fast_base(const char *base);

/* What a negative code of these functions means, for a message. */
const char *spool_strerror(int rc);

/* Open a trace file for writing: O_NOFOLLOW added when its directory is
 * sticky and world-writable (where a regular file with other hard links
 * is refused too: SPOOL_LINKED), and a regular file that belongs to
 * another user refused (SPOOL_FOREIGN).  With O_CREAT | O_EXCL, an
 * existing file is opened instead and *@created (may be NULL) says which.
 * Returns an fd or a negative code. */
int spool_open_output(const char *path, int flags, mode_t mode, bool *created);

/* Create a spool file (mode 0600) of @size ring bytes (0: the default;
 * rounded to a power of two, and smaller where RLIMIT_AS is tight) in the
 * directory open as @dfd, named so that names sort by creation time.  It
 * appears under its name complete (made under a temporary one, renamed).
 * Returns 0 or -errno.  Uses raw syscalls only; fds are placed at or above
 * @fd_floor. */
int spool_create(struct spool *s, int dfd, int fd_floor, uint64_t size);

/* Record types: SPOOL_JSON lines are copied as they are; every other
 * type belongs to the renderer (struct spool_renderer). */
enum spool_rec_type {
	SPOOL_JSON = 1,       /* payload: one JSON line, no newline */
	SPOOL_LOST = 0xff01,  /* payload: struct spool_lost_rec */
};

/* An event of another process (a child without a spool of its own) that
 * could not be recorded: consumers merge a run of them into one line. */
struct spool_lost_rec {
	uint32_t pid, pad;
	uint64_t seq;    /* 0: not known */
};

/* Reserve room for an event's record with @payload bytes and return where
 * the payload goes, or NULL when the ring is full (or the disk): then the
 * event is counted lost with its @seq (0: not known).  Thread-, fork- and
 * async-signal-safe, lock-free. */
void *spool_begin(struct spool *s, size_t payload, uint64_t seq);
/* The same without counting a failure: for records that only carry state
 * (a thread's name, what an fd is) for the events after them. */
void *spool_reserve(struct spool *s, size_t payload);
/* Count an event lost that never got as far as the ring; @n of them
 * whose seqs are not known. */
void spool_lost(struct spool *s, uint64_t seq);
void spool_lost_n(struct spool *s, uint64_t n);
/* Count an event of process @pid lost, in @s (which is not its own). */
void spool_lost_of(struct spool *s, uint32_t pid, uint64_t seq);
/* Events counted lost so far in this spool. */
uint64_t spool_lost_count(const struct spool *s);

/* The writer's dictionary (SPOOL_DICT_SIZE bytes), or NULL without a spool. */
void *spool_dict(struct spool *s);

/* Publish the record whose payload spool_begin() returned. */
void spool_commit(void *payload, uint32_t type, size_t payload_len);

/* What a consumer asked the writer for: the value changes when a consumer
 * starts on a spool it did not see from the start, and wants the state
 * records (thread names, fds) again. */
uint64_t spool_state_wanted(const struct spool *s);

/* Forget a spool inherited across fork without touching the parent's file. */
void spool_forget(struct spool *s);

struct drain_stats {
	uint64_t lines, torn, bytes, files, bad;
	uint64_t lost;      /* events the writers counted lost (in lost lines) */
	uint64_t foreign;   /* spools skipped: not ours, or not regular files */
	uint64_t headers;   /* processes seen ("header" records) */
	uint64_t untraced;  /* images that could not be traced */
};

#define SPOOL_RENDER_BAD ((size_t)-1)

/* Turns the records that are not SPOOL_JSON into lines.  A spool is one
 * process's: records may carry state (a thread's name, what an fd is) for
 * the records after them, so a renderer context serves one spool. */
struct spool_renderer {
	/* A spool begins: its dictionary is @dict (@len bytes, read-only). */
	void (*begin_file)(void *ctx, const void *dict, size_t len);
	/* One JSON line without the newline into @out; returns the length it
	 * needs (over @cap: called again with more room), 0 for a record
	 * that only updates state, SPOOL_RENDER_BAD for a malformed one. */
	size_t (*render)(void *ctx, uint32_t type, const void *payload, size_t len,
			 char *out, size_t cap);
	void *ctx;
	/* Optional: a SPOOL_JSON line (rendered at call time) rewritten with
	 * what only the consumer knows, into @out; returns the length it
	 * needs (over @cap: called again with more room), 0 to keep it as
	 * it is. */
	size_t (*json)(void *json_ctx, const char *line, size_t len, char *out, size_t cap);
	void *json_ctx;
	/* Optional: the lines rendered since the last delivery were not
	 * written (the trace's write failed; they come again). */
	void (*undo)(void *ctx);
};

/* Where a consumer's lines go: the trace file @fd (a regular file gets
 * them exactly once across consumers killed and restarted; -1: none),
 * and/or @lines, handed each batch of complete lines. */
struct spool_out {
	int fd;
	void (*lines)(void *ctx, const char *buf, size_t len);
	void *ctx;
};

/* One consumer's hold on one spool. */
struct spool_reader;

/* Start consuming the spool file @name in the directory open as @dfd:
 * -EBUSY when another consumer has it, -ENOENT when it is gone; a file
 * that is not ours (a symlink, another user's, writable by others) is
 * counted in st->foreign and refused (-EPERM).  The renderer is copied;
 * its context must serve this spool alone while it is being read. */
int spool_reader_open(int dfd, const char *name, const struct spool_renderer *r,
		      struct drain_stats *st, struct spool_reader **out);
/* The reader of the caller's own spool (at exit; the writer is us). */
int spool_reader_own(struct spool *s, const struct spool_renderer *r,
		     struct spool_reader **out);
/* Render and write what was published since the last pump; when the
 * writer is gone (or @final), everything left, then remove the file and
 * return 1.  0 when the writer is alive, -errno on an output error. */
int spool_reader_pump(struct spool_reader *rd, const struct spool_out *out, bool final,
		      struct drain_stats *st);
/* Bytes published and not yet consumed. */
uint64_t spool_reader_backlog(const struct spool_reader *rd);
pid_t spool_reader_pid(const struct spool_reader *rd);
const char *spool_reader_name(const struct spool_reader *rd);
void spool_reader_close(struct spool_reader *rd);

/* Consume the spool file @name to @out_fd when its writer is gone:
 * -EBUSY while it lives (or another consumer has it). */
int spool_drain_file(int dfd, const char *name, int out_fd, const struct spool_renderer *r,
		     struct drain_stats *st);

/* Drain the caller's own spool (at exit).  -EBUSY when a consumer has it
 * (it will finish it).  Returns 0 or -errno. */
int spool_drain_own(struct spool *s, int out_fd, const struct spool_renderer *r,
		    struct drain_stats *st);

/* Drain every spool in the directory open as @dfd whose writer is gone
 * (its lock is free), in creation order, except the one named @own_name
 * (the caller's, drained with spool_drain_own()).  Returns 0 or -errno. */
int spool_drain_dir(int dfd, int out_fd, const char *own_name,
		    const struct spool_renderer *r, struct drain_stats *st);

/* The spool files of the directory open as @dfd, sorted by name (creation
 * order): a NULL-terminated array of malloc'd names, or NULL. */
char **spool_list(int dfd);
void spool_list_free(char **names);

/* The collector's claim on a spool directory: writers that find it held
 * at exit leave their spools to it.  spool_claim() returns an fd holding
 * the claim, or -errno (-EBUSY: another collector has it). */
int spool_claim(int dfd);
bool spool_claimed(int dfd);

#endif

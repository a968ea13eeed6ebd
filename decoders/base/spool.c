// SPDX-License-Identifier: GPL-2.0-or-later
/* Spool files: see spool.h for the design. */
#include "base/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonw.h"

#define SPOOL_GROW_MIN (16u << 10)     /* first extension: 16 KiB */
#define SPOOL_GROW_MAX (8u << 20)      /* doubling up to 8 MiB a step */
#define SPOOL_VMAX   (16ull << 30)     /* the most a spool holds */
#define SPOOL_SEG_MIN (1ull << 20)     /* the first segment, under RLIMIT_AS */
#define SPOOL_SEG_MAX (64ull << 20)
#define SPOOL_NOFD_PRE (1ull << 20)    /* taken at once when no fd is kept */
#define SUFFIX       ".spool"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static size_t cat(char *dst, size_t at, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (at + n >= cap)
		n = at < cap ? cap - at - 1 : 0;
	memcpy(dst + at, s, n);
	dst[at + n] = 0;
	return at + n;
}

static int move_fd_high(int fd, int floor)
{
	int hi;

	if (floor <= fd)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	if (hi < 0)
		return fd;   /* keep the low one rather than fail */
	close(fd);
	return hi;
}

/*
 * Where the spool's fd lives, so the program's open(), dup() and dup2()
 * never meet it and it keeps all the fds it would have: at or above the
 * soft RLIMIT_NOFILE, which dup2() and F_DUPFD cannot reach either (the
 * soft limit is raised for the moment the move takes, within the hard
 * one).  With no room above (soft = hard), no fd is kept: the mapping
 * holds the file and its lock, and growing reopens it (reopen()).  With a
 * soft limit above 4096 (an fd table that large costs the kernel memory
 * to reach) the fd goes at @floor, as the shim's other fds.  Returns the
 * fd to keep, or -1 when none is kept (@fd stays open then).
 */
static int place_fd(int fd, int floor)
{
	struct rlimit rl, up;
	int hi;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return move_fd_high(fd, floor);
	if (rl.rlim_cur > 4096)
		return move_fd_high(fd, floor);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= rl.rlim_cur)
		return -1;
	up = rl;
	up.rlim_cur = rl.rlim_cur + 16;
	if (rl.rlim_max != RLIM_INFINITY && up.rlim_cur > rl.rlim_max)
		up.rlim_cur = rl.rlim_max;
	hi = -1;
	if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
		hi = fcntl(fd, F_DUPFD_CLOEXEC, (int)rl.rlim_cur);
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (hi >= 0)
		close(fd);
	return hi;
}

/* Segment @k of the mapping: file bytes [seg_start, seg_start + seg0 << k). */
static inline uint64_t seg_start(const struct spool *s, unsigned k)
{
	return s->seg0 * ((1ull << k) - 1);
}

static inline unsigned seg_index(const struct spool *s, uint64_t off)
{
	uint64_t q = off / s->seg0 + 1;

	return 63u - (unsigned)__builtin_clzll(q);
}

/* The first segment's size: what the program may still map under its
 * RLIMIT_AS is not ours to take; the spool grows a segment at a time. */
static uint64_t first_seg_size(void)
{
	struct rlimit rl;
	uint64_t n;

	if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return SPOOL_VMAX;
	n = SPOOL_SEG_MIN;
	while (n * 2 <= SPOOL_SEG_MAX && n * 2 <= rl.rlim_cur / 1024)
		n *= 2;
	return n;
}

static bool same_file(int fd, const struct spool *s)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_dev == s->dev &&
	       (uint64_t)st.st_ino == s->ino;
}

/* The spool file opened afresh, through the directory's fd while it is
 * still the spool's directory, else by path (s->dir, set by the shim when
 * it keeps no fd on the directory either).  *@dfd and @name (room for
 * the path) say how to reach it again; the caller checks the identity. */
static int reopen(struct spool *s, int flags, int *dfd, char *name)
{
	size_t n;
	int fd;

	flags |= O_CLOEXEC | O_NOFOLLOW;
	if (s->dirfd >= 0) {
		fd = openat(s->dirfd, s->name, flags);
		if (fd >= 0 && same_file(fd, s)) {
			*dfd = s->dirfd;
			strcpy(name, s->name);
			return fd;
		}
		if (fd >= 0)
			close(fd);
	}
	if (!s->dir || !s->dir[0]) {
		errno = EBADF;
		return -1;
	}
	n = cat(name, 0, 4096, s->dir);
	n = cat(name, n, 4096, "/");
	cat(name, n, sizeof(s->name) + 4096, s->name);
	*dfd = AT_FDCWD;
	return open(name, flags);
}

/* An fd on the spool file that is ours for the moment: s->fd while it
 * still is the spool (the program may have closed it, dup2()ed over it
 * or closed every fd), else the file reopened by path (*@temp: close it
 * after).  -1 when neither is. */
static int own_fd(struct spool *s, bool *temp)
{
	char name[sizeof(s->name) + 4096];
	int fd, dfd;

	*temp = false;
	if (s->fd >= 0 && same_file(s->fd, s))
		return s->fd;
	s->fd = -1;   /* not ours any more: never touched again */
	fd = reopen(s, O_RDWR, &dfd, name);
	if (fd < 0)
		return -1;
	if (!same_file(fd, s)) {
		close(fd);
		return -1;
	}
	*temp = true;
	return fd;
}

static char *map_seg(struct spool *s, int fd, unsigned k)
{
	char *p = mmap(NULL, (size_t)(s->seg0 << k), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE, fd, (off_t)seg_start(s, k));

	return p == MAP_FAILED ? NULL : p;
}

static int write_zeros(int fd, uint64_t to);

/* A spool directory is trusted when it is a directory itself (not a
 * symlink to one), belongs to us and nobody else can write into it: then
 * nobody else can create, swap or remove what is in it.  Checked once on
 * its fd; everything in it is reached through that fd, never by path. */
int spool_dir_check(int dfd)
{
	struct stat st;

	if (fstat(dfd, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid())
		return SPOOL_FOREIGN;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return SPOOL_SHARED;
	return 0;
}

int spool_dir_open(const char *dir, bool create, int fd_floor)
{
	int dfd, rc;

	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOTDIR ? -ELOOP : -errno;
	rc = place_fd(dfd, fd_floor);
	if (rc >= 0)
		dfd = rc;   /* else low: the caller keeps it no longer than it must */
	rc = spool_dir_check(dfd);
	if (rc) {
		close(dfd);
		return rc;
	}
	return dfd;
}

const char *spool_strerror(int rc)
{
	switch (rc) {
	case SPOOL_FOREIGN: return "it belongs to another user";
	case SPOOL_SHARED: return "others can write to it";
	case SPOOL_LINKED: return "it has other hard links, in a directory others can write to";
	case -ELOOP: return "it is a symbolic link";
	default: return strerror(-rc);
	}
}

int spool_create(struct spool *s, int dfd, int fd_floor)
{
	struct timespec ts;
	struct stat st;
	char num[24];
	size_t n, len;
	int fd;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dirfd = dfd;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* <20-digit ns>-<pid>.spool: names sort in creation order. */
	n = 0;
	len = fmt_u64(num, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	num[len] = 0;
	for (; len < 20; len++)
		n = cat(s->name, n, sizeof(s->name), "0");
	n = cat(s->name, n, sizeof(s->name), num);
	n = cat(s->name, n, sizeof(s->name), "-");
	num[fmt_u64(num, (uint64_t)getpid())] = 0;
	n = cat(s->name, n, sizeof(s->name), num);
	cat(s->name, n, sizeof(s->name), SUFFIX);

	fd = openat(dfd, s->name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || flock(fd, LOCK_SH) != 0) {
		int e = errno;

		unlinkat(dfd, s->name, 0);
		close(fd);
		return -e;
	}
	s->dev = (uint64_t)st.st_dev;
	s->ino = (uint64_t)st.st_ino;
	s->vmax = SPOOL_VMAX;
	for (s->seg0 = first_seg_size(); s->seg0 >= SPOOL_SEG_MIN; s->seg0 /= 2) {
		s->seg[0] = map_seg(s, fd, 0);
		if (s->seg[0])
			break;
	}
	if (!s->seg[0]) {
		int e = errno;

		unlinkat(dfd, s->name, 0);
		close(fd);
		return -e;
	}
	s->fd = place_fd(fd, fd_floor);
	if (s->fd < 0) {
		/* No fd kept: growing will have to reopen the file, which a
		 * program at its fd limit leaves no room for, so take the
		 * first stretch now.  The lock stays with the mapping. */
		uint64_t pre = s->seg0 < SPOOL_NOFD_PRE ? s->seg0 : SPOOL_NOFD_PRE;

		if (fallocate(fd, 0, 0, (off_t)pre) == 0 ||
		    ((errno == EOPNOTSUPP || errno == ENOSYS) && write_zeros(fd, pre) == 0))
			s->committed = pre;
		close(fd);
	}
	return 0;
}

/* Growth takes this lock (a tid): one thread at a time extends the file
 * and maps segments.  A signal handler interrupting its own thread's
 * growth gets no room instead of waiting for itself. */
static bool grow_lock(struct spool *s)
{
	int me = (int)syscall(SYS_gettid), free_ = 0;

	while (!__atomic_compare_exchange_n(&s->grow_lock, &free_, me, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (free_ == me)
			return false;
		free_ = 0;
		sched_yield();
	}
	return true;
}

/* Back [@from, @to) with blocks where fallocate is missing (ext2...):
 * zeros written, so a full disk is an error here, never a SIGBUS when
 * the page is touched.  Only bytes past the file's end are written. */
static int write_zeros(int fd, uint64_t to)
{
	static const char zeros[64 << 10];
	struct stat st;
	uint64_t at;

	if (fstat(fd, &st) != 0)
		return -1;
	for (at = (uint64_t)st.st_size; at < to;) {
		size_t n = to - at < sizeof(zeros) ? (size_t)(to - at) : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, (off_t)at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		at += (uint64_t)w;
	}
	return 0;
}

/* Grow the file so that [0, need) is backed, and map segment @k. */
static int grow_locked(struct spool *s, uint64_t need, unsigned k)
{
	uint64_t have = __atomic_load_n(&s->committed, __ATOMIC_ACQUIRE);
	uint64_t target, step, seg_end = seg_start(s, k) + (s->seg0 << k);
	bool temp;
	int fd, rc = -1;
	char *p;

	if (need <= have && __atomic_load_n(&s->seg[k], __ATOMIC_ACQUIRE))
		return 0;
	fd = own_fd(s, &temp);
	if (fd < 0)
		return -1;
	if (!__atomic_load_n(&s->seg[k], __ATOMIC_ACQUIRE)) {
		p = map_seg(s, fd, k);
		if (!p)
			goto out;
		__atomic_store_n(&s->seg[k], p, __ATOMIC_RELEASE);
	}
	rc = 0;
	if (need <= have)
		goto out;
	/* Small first, so a loader that makes 30 calls does not pay for
	 * megabytes of fresh pages (several ms on a VM); doubling keeps a
	 * busy tracer's extensions rare. */
	step = have < SPOOL_GROW_MIN ? SPOOL_GROW_MIN : have > SPOOL_GROW_MAX ? SPOOL_GROW_MAX : have;
	target = (need + step - 1) / step * step;
	if (target > seg_end)
		target = seg_end;
	if (target < need)
		target = need;
	if (fallocate(fd, 0, 0, (off_t)target) != 0 &&
	    ((errno != EOPNOTSUPP && errno != ENOSYS) || write_zeros(fd, target) != 0)) {
		rc = -1;
		goto out;
	}
	/* Fault the new pages in with one call rather than one fault per
	 * page on the hot path (Linux >= 5.14; harmless where missing). */
	if (have >= seg_start(s, k))
		madvise(s->seg[k] + (have - seg_start(s, k)), (size_t)(target - have),
			MADV_POPULATE_WRITE);
	__atomic_store_n(&s->committed, target, __ATOMIC_RELEASE);
out:
	if (temp)
		close(fd);
	return rc;
}

static int grow(struct spool *s, uint64_t need, unsigned k)
{
	int rc;

	if (!grow_lock(s))
		return -1;
	rc = grow_locked(s, need, k);
	__atomic_store_n(&s->grow_lock, 0, __ATOMIC_RELEASE);
	return rc;
}

#define SPOOL_MAGIC 0x59505342u   /* "BSPY" */
#define SPOOL_CHECK 0x5a17c0deu

struct spool_rec_hdr {
	uint32_t magic;   /* stored last: the record is complete */
	uint32_t len;     /* payload bytes */
	uint32_t type;
	uint32_t check;   /* len ^ type ^ SPOOL_CHECK */
};

static inline size_t rec_total(size_t payload)
{
	return sizeof(struct spool_rec_hdr) + ((payload + 7) & ~(size_t)7);
}

void *spool_reserve(struct spool *s, size_t payload)
{
	size_t n = rec_total(payload);
	unsigned tries;

	/* On failure the reserved bytes stay zero: drains skip them. */
	for (tries = 0; tries < SPOOL_SEGS; tries++) {
		uint64_t off = __atomic_fetch_add(&s->tail, n, __ATOMIC_RELAXED);
		unsigned k = seg_index(s, off);
		uint64_t start = seg_start(s, k);
		char *base;

		if (k >= SPOOL_SEGS || off + n > s->vmax)
			return NULL;
		if (off + n > start + (s->seg0 << k))
			continue;   /* across a segment's end: try the next one */
		base = __atomic_load_n(&s->seg[k], __ATOMIC_ACQUIRE);
		if ((!base || off + n > __atomic_load_n(&s->committed, __ATOMIC_ACQUIRE)) &&
		    grow(s, off + n, k) != 0)
			return NULL;
		base = __atomic_load_n(&s->seg[k], __ATOMIC_ACQUIRE);
		return base + (off - start) + sizeof(struct spool_rec_hdr);
	}
	return NULL;
}

void *spool_begin(struct spool *s, size_t payload)
{
	void *p = spool_reserve(s, payload);

	if (!p)
		__atomic_add_fetch(&s->lost, 1, __ATOMIC_RELAXED);
	return p;
}

void spool_commit(void *payload, uint32_t type, size_t payload_len)
{
	struct spool_rec_hdr *h = (struct spool_rec_hdr *)payload - 1;

	h->len = (uint32_t)payload_len;
	h->type = (uint32_t)type;
	h->check = (uint32_t)payload_len ^ (uint32_t)type ^ SPOOL_CHECK;
	__atomic_store_n(&h->magic, SPOOL_MAGIC, __ATOMIC_RELEASE);
}

static void unmap_all(struct spool *s)
{
	unsigned k;

	for (k = 0; k < SPOOL_SEGS; k++)
		if (s->seg[k])
			munmap(s->seg[k], (size_t)(s->seg0 << k));
	memset(s->seg, 0, sizeof(s->seg));
}

void spool_forget(struct spool *s)
{
	unmap_all(s);
	/* our copy only (the parent keeps its lock), if it still is ours */
	if (same_file(s->fd, s))
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dirfd = -1;   /* the directory fd is the caller's, not ours */
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Output buffered in large writes; lines never straddle two processes'
 * output because the caller holds flock(LOCK_EX) on the trace. */
struct outbuf {
	int fd, err;
	char *buf;
	size_t len, cap;
};

static void out_flush(struct outbuf *o)
{
	if (o->len && !o->err)
		o->err = write_all(o->fd, o->buf, o->len);
	o->len = 0;
}

/* Room for @n more bytes; false when out of memory. */
static bool out_room(struct outbuf *o, size_t n)
{
	char *nb;

	if (o->len + n <= o->cap)
		return true;
	out_flush(o);
	if (n <= o->cap)
		return true;
	nb = realloc(o->buf, n);
	if (!nb)
		return false;
	o->buf = nb;
	o->cap = n;
	return true;
}

static void emit_json(struct outbuf *o, const char *p, size_t n)
{
	if (!out_room(o, n + 1))
		return;
	memcpy(o->buf + o->len, p, n);
	o->buf[o->len + n] = '\n';
	o->len += n + 1;
}

static bool emit_rendered(struct outbuf *o, uint32_t type, const void *p, size_t n,
			  const struct spool_renderer *r)
{
	size_t want = 4096, got;

	for (;;) {
		if (!out_room(o, want + 1))
			return false;
		got = r->render(r->ctx, type, p, n, o->buf + o->len, o->cap - o->len - 1);
		if (got == SPOOL_RENDER_BAD)
			return false;
		if (!got)
			return true;   /* state only: no line */
		if (got <= o->cap - o->len - 1)
			break;
		want = got;
	}
	o->buf[o->len + got] = '\n';
	o->len += got + 1;
	return true;
}

static bool all_zero(const char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Emit every complete record of @p[0..size); skip zeros (space never
 * written), count runs of anything else as one torn record each. */
static int copy_records(const char *p, size_t size, int out, const struct spool_renderer *r,
			struct drain_stats *st)
{
	struct outbuf o = { .fd = out, .cap = 1 << 20 };
	const size_t hsz = sizeof(struct spool_rec_hdr);
	bool garbage = false;
	size_t off = 0;

	o.buf = malloc(o.cap);
	if (!o.buf)
		return -ENOMEM;
	if (r && r->begin_file)
		r->begin_file(r->ctx);
	while (off + hsz <= size) {
		const struct spool_rec_hdr *h = (const void *)(p + off);

		if (h->magic == SPOOL_MAGIC && h->check == (h->len ^ h->type ^ SPOOL_CHECK) &&
		    h->len <= size - off - hsz) {
			const char *pay = p + off + hsz;

			if (garbage)
				st->torn++;
			garbage = false;
			if (h->type == SPOOL_JSON)
				emit_json(&o, pay, h->len);
			else if (!r || !emit_rendered(&o, h->type, pay, h->len, r))
				st->bad++;
			st->lines++;
			st->bytes += h->len;
			off += rec_total(h->len);
			continue;
		}
		if (!all_zero(p + off, 8))
			garbage = true;
		off += 8;
	}
	if (garbage)
		st->torn++;
	out_flush(&o);
	free(o.buf);
	return o.err;
}

/* Drain an open spool whose exclusive lock we hold. */
static int drain_fd(int fd, int dfd, const char *name, int out_fd,
		    const struct spool_renderer *r, struct drain_stats *st)
{
	struct stat sb, pb;
	char *p;
	int rc = 0;

	/* Someone else drained and removed it while we waited. */
	if (fstat(fd, &sb) != 0 || fstatat(dfd, name, &pb, AT_SYMLINK_NOFOLLOW) != 0 ||
	    sb.st_ino != pb.st_ino || sb.st_dev != pb.st_dev)
		return 0;
	/* Only what we wrote ourselves, and nobody else could have written,
	 * becomes part of our trace. */
	if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		st->foreign++;
		return 0;
	}
	if (sb.st_size > 0) {
		p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		flock(out_fd, LOCK_EX);
		rc = copy_records(p, (size_t)sb.st_size, out_fd, r, st);
		flock(out_fd, LOCK_UN);
		munmap(p, (size_t)sb.st_size);
	}
	if (rc == 0) {
		unlinkat(dfd, name, 0);
		st->files++;
	}
	return rc;
}

int spool_drain_file(int dfd, const char *name, int out_fd, const struct spool_renderer *r,
		     struct drain_stats *st)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), rc;

	if (fd < 0 && errno == ELOOP) {
		st->foreign++;   /* a symlink: never ours */
		return 0;
	}
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -EBUSY;   /* its writer is alive */
	}
	rc = drain_fd(fd, dfd, name, out_fd, r, st);
	close(fd);
	return rc;
}

int spool_drain_own(struct spool *s, int out_fd, const struct spool_renderer *r,
		    struct drain_stats *st)
{
	char name[sizeof(s->name) + 4096];
	int fd, rc, dfd;

	if (s->fd >= 0 && same_file(s->fd, s)) {
		flock(s->fd, LOCK_EX);   /* convert our shared lock */
		return drain_fd(s->fd, s->dirfd, s->name, out_fd, r, st);
	}
	/* No fd of ours: our lock is the mapping's; drop it, then lock the
	 * file afresh (someone else may drain it first, which is as good:
	 * drain_fd checks the file is still there). */
	s->fd = -1;
	unmap_all(s);
	fd = reopen(s, O_RDONLY, &dfd, name);
	if (fd < 0)
		return -errno;
	if (!same_file(fd, s)) {
		close(fd);
		return 0;
	}
	/* A child of syscall(SYS_fork) that never called bpf still maps it
	 * (and holds our lock): leave the spool to whoever drains last
	 * (bpfspy run) rather than wait for that child. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -EBUSY;
	}
	rc = drain_fd(fd, dfd, name, out_fd, r, st);
	close(fd);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int spool_drain_dir(int dfd, int out_fd, const char *own_name,
		    const struct spool_renderer *r, struct drain_stats *st)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int rc = 0, lfd;

	/* A description of our own: a forked sibling may be reading the
	 * directory through the shared one at the same time. */
	lfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		return -errno;
	d = fdopendir(lfd);
	if (!d) {
		rc = -errno;
		close(lfd);
		return rc;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l <= strlen(SUFFIX) || strcmp(de->d_name + l - strlen(SUFFIX), SUFFIX))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		int e = 0;

		/* The caller drains its own separately. */
		if (!own_name || strcmp(names[i], own_name))
			e = spool_drain_file(dfd, names[i], out_fd, r, st);
		free(names[i]);
		if (e && e != -EBUSY && e != -ENOENT && !rc)
			rc = e;
	}
	free(names);
	return rc;
}

/* Open the trace @path for writing as the kernel's protected_symlinks and
 * protected_regular rules would, whatever they are set to: no symlink
 * followed in a sticky world-writable directory, and no regular file that
 * belongs to another user.  Returns an fd or a negative code for
 * spool_strerror(). */
int spool_open_output(const char *path, int flags, mode_t mode)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;
	int dfd, fd, e;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -ENAMETOOLONG;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fstat(dfd, &st) != 0) {
		e = -errno;
		close(dfd);
		return e;
	}
	if ((st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH))
		flags |= O_NOFOLLOW;
	fd = openat(dfd, slash ? slash + 1 : path, flags | O_CLOEXEC, mode);
	e = fd < 0 ? -errno : 0;
	/* With O_CREAT some kernels say EACCES for the symlink. */
	if (fd < 0 && (flags & O_NOFOLLOW) &&
	    fstatat(dfd, slash ? slash + 1 : path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		e = -ELOOP;
	close(dfd);
	if (fd < 0)
		return e;
	if (fstat(fd, &st) != 0 || (S_ISREG(st.st_mode) && st.st_uid != geteuid())) {
		close(fd);
		return SPOOL_FOREIGN;
	}
	/* A hard link another user made there to one of our files (where
	 * fs.protected_hardlinks is off) is not a trace to write. */
	if ((flags & O_NOFOLLOW) && S_ISREG(st.st_mode) && st.st_nlink > 1) {
		close(fd);
		return SPOOL_LINKED;
	}
	return fd;
}

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
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonw.h"

#define SPOOL_GROW_MIN (16u << 10)     /* first extension: 16 KiB */
#define SPOOL_GROW_MAX (8u << 20)      /* doubling up to 8 MiB a step */
#define SPOOL_NOFD_PRE (1u << 20)      /* backed at once when no fd is kept */
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

const char *spool_fast_base(const char *base)
{
	struct statfs fs;
	unsigned long long unit;

	/* (statvfs() would be a second statfs()) */
	if (statfs(base, &fs) != 0 || fs.f_type != 0x01021994 /* TMPFS_MAGIC */)
		return NULL;
	unit = fs.f_frsize ? (unsigned long long)fs.f_frsize : (unsigned long long)fs.f_bsize;
	if ((unsigned long long)fs.f_bavail * unit >= (1ull << 30) && access(base, W_OK) == 0)
		return base;
	return NULL;
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

/* ---- the shared header page --------------------------------------------- */

#define SPOOL_MAGIC   0x59505342u   /* "BSPY": a record, stored last */
#define SPOOL_CHECK   0x5a17c0deu
#define SPOOL_FMAGIC  0x4c4f4f50535942ull   /* "BSPOOL": a ring spool file */
#define SPOOL_VERSION 2   /* 2: the head has a dictionary */

struct spool_shm {
	uint64_t magic;          /* SPOOL_FMAGIC, stored last at creation */
	uint32_t version, pid;
	uint64_t size;           /* ring bytes */
	uint64_t state_req;      /* bumped by a consumer that wants the state */
	/* the writers' line */
	uint64_t head __attribute__((aligned(64)));   /* bytes reserved, ever */
	uint64_t backed;         /* ring bytes the file has blocks for */
	/* the consumer's line */
	uint64_t consumed __attribute__((aligned(64)));   /* bytes consumed, ever */
	/* a batch being written: consumed becomes pend_end once the trace
	 * (dev, ino) has grown from pend_before to pend_after */
	uint64_t pend_end, pend_before, pend_after, pend_dev, pend_ino, pend_lost;
	/* losses: lost counts every event that found no room; the ones not
	 * yet in a lost line had seqs in [lost_lo, lost_hi] */
	uint64_t lost __attribute__((aligned(64)));
	uint64_t lost_reported;
	uint64_t lost_lo, lost_hi;
	int32_t loss_lock;       /* tid (or consumer pid) updating the span */
	int32_t pad;
	/* the head when the first of those was counted (UINT64_MAX: none
	 * known): their lost line waits until the records before it are
	 * rendered, so it follows them in the trace */
	uint64_t lost_at;
};

_Static_assert(sizeof(struct spool_shm) <= SPOOL_DICT_OFF, "header page");

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

static uint64_t round_pow2(uint64_t n)
{
	uint64_t p = SPOOL_SIZE_MIN;

	while (p < n && p < SPOOL_SIZE_MAX)
		p <<= 1;
	return p;
}

/* The ring's size: what was asked, within what the program may still map
 * under its RLIMIT_AS (the ring takes twice its size of address space; a
 * 512th of the limit is ours at most: a 256 KiB ring under 256 MiB, 1 MiB
 * under 1 GiB). */
static uint64_t ring_size(uint64_t want)
{
	struct rlimit rl;
	uint64_t n = round_pow2(want ? want : SPOOL_SIZE_DEFAULT);

	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		while (n > SPOOL_SIZE_MIN && n * 2 > rl.rlim_cur / 512)
			n >>= 1;
	return n;
}

/* Map the head (header page, dictionary) and the ring twice, back to back, from @fd. */
static void *map_ring(int fd, uint64_t size, bool writable, size_t *len)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	size_t total = SPOOL_HEAD + 2 * (size_t)size;
	char *base, *p;

	base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	p = mmap(base, SPOOL_HEAD + (size_t)size, prot, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
		 fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	p = mmap(base + SPOOL_HEAD + size, (size_t)size, prot,
		 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, SPOOL_HEAD);
	if (p == MAP_FAILED)
		goto fail;
	*len = total;
	return base;
fail:
	munmap(base, total);
	return NULL;
}

/* Back [0, @to) of the file with blocks: fallocate, or zeros written where
 * it is missing (ext2...), so a full disk is an error here, never a SIGBUS
 * when a page is touched. */
static int back_file(int fd, uint64_t to)
{
	if (fallocate(fd, 0, 0, (off_t)to) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	return write_zeros(fd, to);
}

static void spool_name(struct spool *s)
{
	struct timespec ts;
	char num[24];
	size_t n = 0, len;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* <20-digit ns>-<pid>.spool: names sort in creation order. */
	len = fmt_u64(num, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	num[len] = 0;
	for (; len < 20; len++)
		n = cat(s->name, n, sizeof(s->name), "0");
	n = cat(s->name, n, sizeof(s->name), num);
	n = cat(s->name, n, sizeof(s->name), "-");
	num[fmt_u64(num, (uint64_t)getpid())] = 0;
	n = cat(s->name, n, sizeof(s->name), num);
	cat(s->name, n, sizeof(s->name), SUFFIX);
}

int spool_create(struct spool *s, int dfd, int fd_floor, uint64_t size)
{
	char tmp[sizeof(s->name) + 8];
	struct stat st;
	int fd, e;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dirfd = dfd;
	spool_name(s);
	cat(tmp, cat(tmp, 0, sizeof(tmp), ".new-"), sizeof(tmp), s->name);
	fd = openat(dfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	s->size = ring_size(size);
	if (fstat(fd, &st) != 0 || flock(fd, LOCK_SH) != 0 ||
	    back_file(fd, SPOOL_HEAD + SPOOL_GROW_MIN) != 0)
		goto fail;
	s->dev = (uint64_t)st.st_dev;
	s->ino = (uint64_t)st.st_ino;
	for (; s->size >= SPOOL_SIZE_MIN; s->size >>= 1) {
		s->shm = map_ring(fd, s->size, true, &s->map_len);
		if (s->shm)
			break;
	}
	if (!s->shm)
		goto fail;
	s->data = (char *)s->shm + SPOOL_HEAD;
	s->shm->version = SPOOL_VERSION;
	s->shm->pid = (uint32_t)getpid();
	s->shm->size = s->size;
	s->shm->backed = SPOOL_GROW_MIN;
	s->shm->lost_lo = UINT64_MAX;
	s->shm->lost_at = UINT64_MAX;
	__atomic_store_n(&s->shm->magic, SPOOL_FMAGIC, __ATOMIC_RELEASE);
	if (renameat(dfd, tmp, dfd, s->name) != 0)
		goto fail;
	s->fd = place_fd(fd, fd_floor);
	if (s->fd < 0) {
		/* None kept: the mapping holds the file and its lock.  Growing
		 * will have to reopen the file, which a program at its fd limit
		 * leaves no room for, so take the first stretch now. */
		uint64_t pre = s->size < SPOOL_NOFD_PRE ? s->size : SPOOL_NOFD_PRE;

		if (back_file(fd, SPOOL_HEAD + pre) == 0)
			s->shm->backed = pre;
		close(fd);
	}
	return 0;
fail:
	e = errno;
	if (s->shm)
		munmap(s->shm, s->map_len);
	s->shm = NULL;
	unlinkat(dfd, tmp, 0);
	close(fd);
	return -e;
}

/* Extend the file's blocks so that ring bytes [0, @need) are backed. */
static int grow_locked(struct spool *s, uint64_t need)
{
	uint64_t have = __atomic_load_n(&s->shm->backed, __ATOMIC_ACQUIRE), target, step;
	bool temp;
	int fd, rc = 0;

	if (need <= have)
		return 0;
	fd = own_fd(s, &temp);
	if (fd < 0)
		return -1;
	/* Small first, so a loader that makes 30 calls does not pay for
	 * megabytes of fresh pages (several ms on a VM); doubling keeps a
	 * busy tracer's extensions rare. */
	step = have < SPOOL_GROW_MIN ? SPOOL_GROW_MIN : have > SPOOL_GROW_MAX ? SPOOL_GROW_MAX : have;
	target = (need + step - 1) / step * step;
	if (target > s->size)
		target = s->size;
	if (back_file(fd, SPOOL_HEAD + target) != 0) {
		rc = -1;
		goto out;
	}
	/* Fault the new pages in with one call rather than one fault per
	 * page on the hot path (Linux >= 5.14; harmless where missing). */
	madvise(s->data + have, (size_t)(target - have), MADV_POPULATE_WRITE);
	__atomic_store_n(&s->shm->backed, target, __ATOMIC_RELEASE);
out:
	if (temp)
		close(fd);
	return rc;
}

static int grow(struct spool *s, uint64_t need)
{
	int rc;

	if (!grow_lock(s))
		return -1;
	rc = grow_locked(s, need);
	__atomic_store_n(&s->grow_lock, 0, __ATOMIC_RELEASE);
	return rc;
}

void *spool_reserve(struct spool *s, size_t payload)
{
	struct spool_shm *h = s->shm;
	uint64_t n = rec_total(payload), head, need;

	if (!h || n > s->size)
		return NULL;
	head = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t used = head - __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);

		if (used + n > s->size)
			return NULL;   /* full: never wait for the consumer */
		/* the first time round, the file may need more blocks; past
		 * the ring's end, the bytes are those of its start */
		need = (head & (s->size - 1)) + n;
		if (need > s->size)
			need = s->size;
		if (need > __atomic_load_n(&h->backed, __ATOMIC_ACQUIRE) && grow(s, need) != 0)
			return NULL;
		if (__atomic_compare_exchange_n(&h->head, &head, head + n, true,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	return s->data + (head & (s->size - 1)) + sizeof(struct spool_rec_hdr);
}

/* The span of seqs lost is updated under a lock of its own: the count is
 * exact without it, and the span is as exact as a signal handler that
 * interrupts its own thread's update (which skips the span) allows. */
static bool loss_lock(struct spool_shm *h, int32_t me, unsigned spins)
{
	int32_t free_ = 0;

	while (!__atomic_compare_exchange_n(&h->loss_lock, &free_, me, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		if (free_ == me || !spins--)
			return false;
		free_ = 0;
		sched_yield();
	}
	return true;
}

static void loss_unlock(struct spool_shm *h)
{
	__atomic_store_n(&h->loss_lock, 0, __ATOMIC_RELEASE);
}

/* This thread's id, for the loss lock: asked of the kernel once, not for
 * every event that finds the ring full (a full ring must not cost the
 * program a system call per event).  A forked child's first thread keeps
 * its parent's: still an id no other thread of the child's has while the
 * parent lives, and at worst a span not widened (the count is exact). */
static int32_t my_tid(void)
{
	static __thread int32_t tid;

	if (!tid)
		tid = (int32_t)syscall(SYS_gettid);
	return tid;
}

void spool_lost(struct spool *s, uint64_t seq)
{
	struct spool_shm *h = s->shm;

	if (!h)
		return;
	if (seq && loss_lock(h, my_tid(), 1000)) {
		if (seq < h->lost_lo)
			h->lost_lo = seq;
		if (seq > h->lost_hi)
			h->lost_hi = seq;
		if (h->lost_at == UINT64_MAX)
			h->lost_at = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
		__atomic_add_fetch(&h->lost, 1, __ATOMIC_RELEASE);
		loss_unlock(h);
		return;
	}
	__atomic_add_fetch(&h->lost, 1, __ATOMIC_RELEASE);
}

void spool_lost_n(struct spool *s, uint64_t n)
{
	if (s->shm && n)
		__atomic_add_fetch(&s->shm->lost, n, __ATOMIC_RELEASE);
}

void spool_lost_of(struct spool *s, uint32_t pid, uint64_t seq)
{
	struct spool_lost_rec *r = spool_reserve(s, sizeof(*r));

	if (!r) {
		spool_lost_n(s, 1);   /* the ring's owner's count, at least counted */
		return;
	}
	r->pid = pid;
	r->pad = 0;
	r->seq = seq;
	spool_commit(r, SPOOL_LOST, sizeof(*r));
}

uint64_t spool_lost_count(const struct spool *s)
{
	return s->shm ? __atomic_load_n(&s->shm->lost, __ATOMIC_ACQUIRE) : 0;
}

void *spool_begin(struct spool *s, size_t payload, uint64_t seq)
{
	void *p = spool_reserve(s, payload);

	if (!p)
		spool_lost(s, seq);
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

uint64_t spool_state_wanted(const struct spool *s)
{
	return s->shm ? __atomic_load_n(&s->shm->state_req, __ATOMIC_RELAXED) : 0;
}

void *spool_dict(struct spool *s)
{
	return s->shm ? (char *)s->shm + SPOOL_DICT_OFF : NULL;
}

void spool_forget(struct spool *s)
{
	if (s->shm)
		munmap(s->shm, s->map_len);
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
	if (o->fd < 0) {
		/* a batch: it grows, and is written whole */
		size_t want = o->cap * 2 > o->len + n ? o->cap * 2 : o->len + n;

		nb = realloc(o->buf, want);
		if (!nb)
			return false;
		o->buf = nb;
		o->cap = want;
		return true;
	}
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

/* What @fill writes into the room it is given, which grows until it fits;
 * with its newline.  The length, 0 (no line) or SPOOL_RENDER_BAD. */
static size_t emit_filled(struct outbuf *o, size_t want,
			  size_t (*fill)(const void *arg, char *out, size_t cap), const void *arg)
{
	size_t got;

	for (;;) {
		if (!out_room(o, want + 1))
			return SPOOL_RENDER_BAD;
		got = fill(arg, o->buf + o->len, o->cap - o->len - 1);
		if (!got || got == SPOOL_RENDER_BAD)
			return got;
		if (got <= o->cap - o->len - 1)
			break;
		want = got;
	}
	o->buf[o->len + got] = '\n';
	o->len += got + 1;
	return got;
}

struct fill_arg {
	const struct spool_renderer *r;
	uint32_t type;
	const void *p;
	size_t n;
};

static size_t fill_render(const void *arg, char *out, size_t cap)
{
	const struct fill_arg *a = arg;

	return a->r->render(a->r->ctx, a->type, a->p, a->n, out, cap);
}

static size_t fill_json(const void *arg, char *out, size_t cap)
{
	const struct fill_arg *a = arg;

	return a->r->json(a->r->json_ctx, a->p, a->n, out, cap);
}

/* A record the renderer turns into a line (or absorbs as state). */
static bool emit_rendered(struct outbuf *o, uint32_t type, const void *p, size_t n,
			  const struct spool_renderer *r)
{
	struct fill_arg a = { r, type, p, n };

	return emit_filled(o, 4096, fill_render, &a) != SPOOL_RENDER_BAD;
}

/* A JSON line as the renderer's json hook rewrites it; false: as it is. */
static bool emit_rewritten(struct outbuf *o, const char *p, size_t n,
			   const struct spool_renderer *r)
{
	struct fill_arg a = { r, 0, p, n };
	size_t got = emit_filled(o, n + 4096, fill_json, &a);

	return got && got != SPOOL_RENDER_BAD;
}

static bool all_zero(const char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* ---- consumers ------------------------------------------------------------- */

struct spool_reader {
	int fd, dfd;
	bool own;                /* the caller's own spool: no file lock of ours */
	bool writer_gone;
	struct spool_shm *h;
	char *data;
	uint64_t size;
	size_t map_len;
	struct spool_renderer r;
	bool begun;              /* r.begin_file called */
	char *buf;               /* the batch buffer, kept between pumps */
	size_t cap;
	char name[64];
};

/* The consumer's claim: an OFD lock on the file's first byte, which the
 * writer's flock() does not meet. */
static int consumer_lock(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

/* Only what we wrote ourselves, and nobody else could have written,
 * becomes part of our trace. */
static bool ours(const struct stat *sb)
{
	return S_ISREG(sb->st_mode) && sb->st_uid == geteuid() &&
	       !(sb->st_mode & (S_IWGRP | S_IWOTH));
}

static int reader_map(struct spool_reader *rd, struct stat *sb)
{
	struct spool_shm probe;

	if ((uint64_t)sb->st_size < SPOOL_HEAD)
		return -EAGAIN;   /* not made yet (never, under its final name) */
	if (pread(rd->fd, &probe, sizeof(probe), 0) != (ssize_t)sizeof(probe))
		return -EIO;
	if (probe.magic != SPOOL_FMAGIC || probe.version != SPOOL_VERSION ||
	    probe.size < SPOOL_SIZE_MIN || probe.size > SPOOL_SIZE_MAX ||
	    (probe.size & (probe.size - 1)))
		return -EPROTO;
	rd->size = probe.size;
	rd->h = map_ring(rd->fd, rd->size, true, &rd->map_len);
	if (!rd->h)
		return -errno;
	rd->data = (char *)rd->h + SPOOL_HEAD;
	return 0;
}

int spool_reader_open(int dfd, const char *name, const struct spool_renderer *r,
		      struct drain_stats *st, struct spool_reader **out)
{
	struct spool_reader *rd;
	struct stat sb;
	int rc;

	*out = NULL;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->dfd = dfd;
	cat(rd->name, 0, sizeof(rd->name), name);
	if (r)
		rd->r = *r;
	rd->fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (rd->fd < 0) {
		rc = errno == ELOOP ? -EPERM : -errno;
		if (rc == -EPERM || rc == -EACCES)
			st->foreign++;
		free(rd);
		return rc;
	}
	if (fstat(rd->fd, &sb) != 0 || !ours(&sb)) {
		st->foreign++;
		rc = -EPERM;
		goto fail;
	}
	rc = consumer_lock(rd->fd);
	if (!rc)
		rc = reader_map(rd, &sb);
	if (rc)
		goto fail;
	/* part-way through: the state records before are gone with the
	 * consumer that read them; the writer spools them again */
	if (__atomic_load_n(&rd->h->consumed, __ATOMIC_ACQUIRE))
		__atomic_add_fetch(&rd->h->state_req, 1, __ATOMIC_RELEASE);
	*out = rd;
	return 0;
fail:
	close(rd->fd);
	free(rd);
	return rc;
}

int spool_reader_own(struct spool *s, const struct spool_renderer *r, struct spool_reader **out)
{
	char path[sizeof(s->name) + 4096];
	struct spool_reader *rd;
	int dfd, rc;

	*out = NULL;
	if (!s->shm)
		return -ENOENT;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->fd = reopen(s, O_RDWR, &dfd, path);
	if (rd->fd < 0 || !same_file(rd->fd, s)) {
		rc = rd->fd < 0 ? -errno : -ENOENT;
		goto fail;
	}
	rc = consumer_lock(rd->fd);
	if (rc)
		goto fail;
	rd->own = true;
	rd->dfd = dfd;
	cat(rd->name, 0, sizeof(rd->name), dfd == AT_FDCWD ? path : s->name);
	rd->h = s->shm;   /* our own mapping; not unmapped by the reader */
	rd->data = s->data;
	rd->size = s->size;
	if (r)
		rd->r = *r;
	*out = rd;
	return 0;
fail:
	if (rd->fd >= 0)
		close(rd->fd);
	free(rd);
	return rc;
}

void spool_reader_close(struct spool_reader *rd)
{
	if (!rd)
		return;
	if (rd->h && !rd->own)
		munmap(rd->h, rd->map_len);
	if (rd->fd >= 0)
		close(rd->fd);   /* and with it our OFD lock */
	free(rd->buf);
	free(rd);
}

uint64_t spool_reader_backlog(const struct spool_reader *rd)
{
	return __atomic_load_n(&rd->h->head, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&rd->h->consumed, __ATOMIC_ACQUIRE);
}

pid_t spool_reader_pid(const struct spool_reader *rd)
{
	return (pid_t)rd->h->pid;
}

const char *spool_reader_name(const struct spool_reader *rd)
{
	return rd->name;
}

static bool rec_valid(const struct spool_rec_hdr *h, uint64_t room)
{
	return __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) == SPOOL_MAGIC &&
	       h->check == (h->len ^ h->type ^ SPOOL_CHECK) &&
	       rec_total(h->len) <= room;
}

/* A batch: the lines rendered from [from, end) of the ring. */
struct batch {
	struct outbuf o;
	uint64_t end;
	uint64_t lost;           /* h->lost as this batch reports it */
	/* a run of SPOOL_LOST records of one process, merged into a line */
	uint32_t other_pid;
	uint64_t other_n, other_lo, other_hi;
};

static void lost_json(struct outbuf *o, uint64_t pid, uint64_t n, uint64_t lo, uint64_t hi)
{
	char line[256];
	struct jsonw w;

	jw_init(&w, line, sizeof(line));
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "lost");
	jw_u64(&w, "pid", pid);
	jw_u64(&w, "count", n);
	if (lo <= hi) {
		jw_u64(&w, "seq_first", lo);
		jw_u64(&w, "seq_last", hi);
	}
	jw_obj_close(&w);
	emit_json(o, line, w.len);
}

static void other_flush(struct batch *b, struct drain_stats *st)
{
	if (!b->other_n)
		return;
	lost_json(&b->o, b->other_pid, b->other_n, b->other_lo, b->other_hi);
	st->lost += b->other_n;
	b->other_n = 0;
}

static void other_add(struct batch *b, const struct spool_lost_rec *r, struct drain_stats *st)
{
	if (b->other_n && b->other_pid != r->pid)
		other_flush(b, st);
	if (!b->other_n) {
		b->other_pid = r->pid;
		b->other_lo = UINT64_MAX;
		b->other_hi = 0;
	}
	b->other_n++;
	if (r->seq && r->seq < b->other_lo)
		b->other_lo = r->seq;
	if (r->seq > b->other_hi)
		b->other_hi = r->seq;
}

static void count_kind(const char *line, size_t n, struct drain_stats *st)
{
	static const char hdr[] = "{\"event\":\"header\"", unt[] = "{\"event\":\"untraced\"";

	if (n >= sizeof(hdr) - 1 && !memcmp(line, hdr, sizeof(hdr) - 1))
		st->headers++;
	else if (n >= sizeof(unt) - 1 && !memcmp(line, unt, sizeof(unt) - 1))
		st->untraced++;
}

static void render_one(struct spool_reader *rd, struct batch *b,
		       const struct spool_rec_hdr *rh, struct drain_stats *st)
{
	const char *pay = (const char *)(rh + 1);
	size_t before = b->o.len;

	if (rh->type == SPOOL_LOST && rh->len == sizeof(struct spool_lost_rec)) {
		other_add(b, (const void *)pay, st);
		return;
	}
	other_flush(b, st);
	if (rh->type == SPOOL_JSON) {
		if (!rd->r.json || !emit_rewritten(&b->o, pay, rh->len, &rd->r))
			emit_json(&b->o, pay, rh->len);
		count_kind(pay, rh->len, st);
	} else if (!rd->r.render || !emit_rendered(&b->o, rh->type, pay, rh->len, &rd->r)) {
		st->bad++;
	}
	if (b->o.len != before)
		st->lines++;
	st->bytes += rh->len;
}

/* A lost line for what the writers counted since the last one; the span
 * of seqs it names is taken from the header (*@lo, *@hi, *@at: to put
 * back if the line cannot be written).  None yet while records reserved
 * before the first of those losses are still to be rendered (a batch cut
 * at its size): the line comes after them. */
static void lost_line(struct spool_reader *rd, struct batch *b, uint64_t *lo, uint64_t *hi,
		      uint64_t *at)
{
	struct spool_shm *h = rd->h;
	uint64_t lost, n;
	bool locked;

	/* a writer killed inside its update leaves the lock: take it anyway
	 * after a while, or at once when the writers are gone */
	locked = loss_lock(h, -(int32_t)getpid(), rd->writer_gone ? 0 : 10000);
	lost = __atomic_load_n(&h->lost, __ATOMIC_ACQUIRE);
	n = lost - h->lost_reported;
	*lo = UINT64_MAX;
	*hi = 0;
	*at = UINT64_MAX;
	if (n && h->lost_at != UINT64_MAX && b->end < h->lost_at) {
		lost = h->lost_reported;   /* not yet */
		n = 0;
	}
	if (n) {
		*lo = h->lost_lo;
		*hi = h->lost_hi;
		*at = h->lost_at;
		h->lost_lo = UINT64_MAX;
		h->lost_hi = 0;
		h->lost_at = UINT64_MAX;
	}
	if (locked)
		loss_unlock(h);
	b->lost = lost;
	if (n)
		lost_json(&b->o, h->pid, n, *lo, *hi);
}

static void span_restore(struct spool_reader *rd, uint64_t lo, uint64_t hi, uint64_t at)
{
	struct spool_shm *h = rd->h;
	bool locked = loss_lock(h, -(int32_t)getpid(), rd->writer_gone ? 0 : 10000);

	if (lo < h->lost_lo)
		h->lost_lo = lo;
	if (hi > h->lost_hi)
		h->lost_hi = hi;
	if (at < h->lost_at)
		h->lost_at = at;
	if (locked)
		loss_unlock(h);
}

/* Render published records from h->consumed on; with @final, skip what a
 * killed writer left half written (counted as torn). */
/* A batch is written once it holds this much output. */
#define BATCH_CUT (1u << 20)

static void fill(struct spool_reader *rd, struct batch *b, bool final, struct drain_stats *st)
{
	const size_t hsz = sizeof(struct spool_rec_hdr);
	uint64_t pos = __atomic_load_n(&rd->h->consumed, __ATOMIC_ACQUIRE);
	uint64_t head = __atomic_load_n(&rd->h->head, __ATOMIC_ACQUIRE);
	bool garbage = false;

	if (!rd->begun && rd->r.begin_file)
		rd->r.begin_file(rd->r.ctx, (const char *)rd->h + SPOOL_DICT_OFF, SPOOL_DICT_SIZE);
	rd->begun = true;
	while (pos + hsz <= head && b->o.len < BATCH_CUT) {
		const struct spool_rec_hdr *rh = (const void *)(rd->data + (pos & (rd->size - 1)));

		if (rec_valid(rh, head - pos)) {
			if (garbage)
				st->torn++;
			garbage = false;
			render_one(rd, b, rh, st);
			pos += rec_total(rh->len);
			continue;
		}
		if (!final)
			break;   /* being written: next time */
		if (!all_zero((const char *)rh, 8))
			garbage = true;
		pos += 8;
	}
	other_flush(b, st);
	if (final && pos + hsz > head) {
		if (garbage || (pos < head && !all_zero(rd->data + (pos & (rd->size - 1)),
							(size_t)(head - pos))))
			st->torn++;
		pos = head;
	}
	b->end = pos;
}

/* Zero [from, to) of the ring (at most its size), so a record there is
 * recognisably unwritten when the writers come round again. */
static void zero_ring(struct spool_reader *rd, uint64_t from, uint64_t to)
{
	memset(rd->data + (from & (rd->size - 1)), 0, (size_t)(to - from));
}

static bool same_out(int fd, const struct spool_shm *h, struct stat *sb)
{
	return fd >= 0 && fstat(fd, sb) == 0 && S_ISREG(sb->st_mode) &&
	       (uint64_t)sb->st_dev == h->pend_dev && (uint64_t)sb->st_ino == h->pend_ino;
}

/* A batch a killed consumer was writing: written (then consumed), not
 * written (then again), or cut short (the partial line truncated away). */
static void recover(struct spool_reader *rd, const struct spool_out *out)
{
	struct spool_shm *h = rd->h;
	uint64_t end = __atomic_load_n(&h->pend_end, __ATOMIC_ACQUIRE);
	uint64_t consumed = h->consumed;
	struct stat sb;

	if (!end || end <= consumed) {
		h->pend_end = 0;
		return;
	}
	if (same_out(out->fd, h, &sb)) {
		if ((uint64_t)sb.st_size >= h->pend_after) {
			zero_ring(rd, consumed, end);
			h->lost_reported = h->pend_lost;
			__atomic_store_n(&h->consumed, end, __ATOMIC_RELEASE);
		} else if ((uint64_t)sb.st_size > h->pend_before) {
			(void)!ftruncate(out->fd, (off_t)h->pend_before);
		}
	}
	__atomic_store_n(&h->pend_end, 0, __ATOMIC_RELEASE);
}

/* Write @b, then consume what it was made of. */
static int deliver(struct spool_reader *rd, struct batch *b, const struct spool_out *out)
{
	struct spool_shm *h = rd->h;
	uint64_t from = h->consumed;
	struct stat sb;
	bool exact = out->fd >= 0 && fstat(out->fd, &sb) == 0 && S_ISREG(sb.st_mode);
	int rc = 0;

	if (exact) {
		h->pend_before = (uint64_t)sb.st_size;
		h->pend_after = (uint64_t)sb.st_size + b->o.len;
		h->pend_dev = (uint64_t)sb.st_dev;
		h->pend_ino = (uint64_t)sb.st_ino;
		h->pend_lost = b->lost;
		__atomic_store_n(&h->pend_end, b->end, __ATOMIC_RELEASE);
	}
	if (out->fd >= 0 && b->o.len)
		rc = write_all(out->fd, b->o.buf, b->o.len);
	if (rc) {
		/* nothing consumed: a later consumer (or pump) tries again */
		if (rd->r.undo)
			rd->r.undo(rd->r.ctx);
		if (exact) {
			(void)!ftruncate(out->fd, (off_t)h->pend_before);
			__atomic_store_n(&h->pend_end, 0, __ATOMIC_RELEASE);
		}
		return rc;
	}
	if (out->lines && b->o.len)
		out->lines(out->ctx, b->o.buf, b->o.len);
	zero_ring(rd, from, b->end);
	h->lost_reported = b->lost;
	__atomic_store_n(&h->consumed, b->end, __ATOMIC_RELEASE);
	if (exact)
		__atomic_store_n(&h->pend_end, 0, __ATOMIC_RELEASE);
	return 0;
}

static bool writer_gone(struct spool_reader *rd)
{
	if (!rd->writer_gone && !rd->own)
		rd->writer_gone = flock(rd->fd, LOCK_EX | LOCK_NB) == 0;
	return rd->writer_gone;
}

int spool_reader_pump(struct spool_reader *rd, const struct spool_out *out, bool final,
		      struct drain_stats *st)
{
	struct batch b = { .o = { .fd = -1 } };
	uint64_t lost0 = rd->h->lost_reported;
	int rc = 0;

	final = writer_gone(rd) || final;
	/* the common case of a poll: nothing new, no system call */
	if (!final && __atomic_load_n(&rd->h->head, __ATOMIC_ACQUIRE) == rd->h->consumed &&
	    __atomic_load_n(&rd->h->lost, __ATOMIC_ACQUIRE) == lost0 && !rd->h->pend_end)
		return 0;
	if (!rd->buf) {
		rd->cap = 64 << 10;
		rd->buf = malloc(rd->cap);
		if (!rd->buf)
			return -ENOMEM;
	}
	b.o.buf = rd->buf;
	b.o.cap = rd->cap;
	if (out->fd >= 0)
		flock(out->fd, LOCK_EX);   /* processes never interleave lines */
	recover(rd, out);
	for (;;) {
		uint64_t from = rd->h->consumed, lo, hi, at;

		b.o.len = 0;
		fill(rd, &b, final, st);
		lost_line(rd, &b, &lo, &hi, &at);
		if (b.end == from && b.lost == rd->h->lost_reported)
			break;
		rc = deliver(rd, &b, out);
		if (rc) {
			span_restore(rd, lo, hi, at);
			break;
		}
		st->lost += b.lost - lost0;
		lost0 = b.lost;
		/* caught up (the batch was not cut at its size): what came
		 * since is the next round's.  Going on made a write() per few
		 * records under a steady stream: 13,866 a second, and 0.7-0.9
		 * CPUs, under 1M lookups a second (strace -c, perf stat). */
		if (!final && b.o.len < BATCH_CUT)
			break;
	}
	if (out->fd >= 0)
		flock(out->fd, LOCK_UN);
	rd->buf = b.o.buf;   /* grown, maybe */
	rd->cap = b.o.cap;
	if (rc || !final)
		return rc;
	if (!rd->own || rd->dfd != AT_FDCWD)
		unlinkat(rd->dfd, rd->name, 0);
	else
		unlink(rd->name);
	st->files++;
	return 1;
}

int spool_drain_file(int dfd, const char *name, int out_fd, const struct spool_renderer *r,
		     struct drain_stats *st)
{
	struct spool_out out = { .fd = out_fd };
	struct spool_reader *rd;
	int rc = spool_reader_open(dfd, name, r, st, &rd);

	if (rc == -EPERM || rc == -EPROTO)
		return 0;   /* counted, or not a spool of ours */
	if (rc == -EAGAIN)
		return -EBUSY;
	if (rc)
		return rc;
	if (!writer_gone(rd)) {
		spool_reader_close(rd);
		return -EBUSY;   /* its writer is alive */
	}
	rc = spool_reader_pump(rd, &out, true, st);
	spool_reader_close(rd);
	return rc < 0 ? rc : 0;
}

int spool_drain_own(struct spool *s, int out_fd, const struct spool_renderer *r,
		    struct drain_stats *st)
{
	struct spool_out out = { .fd = out_fd };
	struct spool_reader *rd;
	int rc = spool_reader_own(s, r, &rd);

	if (rc)
		return rc;
	rc = spool_reader_pump(rd, &out, true, st);
	spool_reader_close(rd);
	return rc < 0 ? rc : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool spool_file_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && l > strlen(SUFFIX) && !strcmp(n + l - strlen(SUFFIX), SUFFIX);
}

char **spool_list(int dfd)
{
	char **names = NULL, **nn;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int lfd;

	/* A description of our own: a forked sibling may be reading the
	 * directory through the shared one at the same time. */
	lfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		return NULL;
	d = fdopendir(lfd);
	if (!d) {
		close(lfd);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!spool_file_name(de->d_name))
			continue;
		if (n + 1 >= cap) {
			nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof(*names));
	if (!names)
		return NULL;
	names[n] = NULL;
	qsort(names, n, sizeof(*names), by_name);
	return names;
}

void spool_list_free(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

int spool_drain_dir(int dfd, int out_fd, const char *own_name,
		    const struct spool_renderer *r, struct drain_stats *st)
{
	char **names = spool_list(dfd);
	size_t i;
	int rc = 0;

	if (!names)
		return -errno;
	for (i = 0; names[i]; i++) {
		int e = 0;

		/* The caller drains its own separately. */
		if (!own_name || strcmp(names[i], own_name))
			e = spool_drain_file(dfd, names[i], out_fd, r, st);
		if (e && e != -EBUSY && e != -ENOENT && !rc)
			rc = e;
	}
	spool_list_free(names);
	return rc;
}

/* The claim is a flock() on the directory itself: no file to leave
 * behind, and released by the kernel however the collector ends. */
int spool_claim(int dfd)
{
	const struct timespec pause = { 0, 5 * 1000000L };
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), tries;

	if (fd < 0)
		return -errno;
	/* A process asking spool_claimed() holds a shared lock for a moment:
	 * only a lock held for 200 ms is another collector's. */
	for (tries = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; tries++) {
		int e = errno == EWOULDBLOCK ? -EBUSY : -errno;

		if (e != -EBUSY || tries == 40) {
			close(fd);
			return e;
		}
		nanosleep(&pause, NULL);
	}
	return fd;
}

bool spool_claimed(int dfd)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool held;

	if (fd < 0)
		return false;
	held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* The directory of trace @path, opened; *@name: the last component. */
static int output_dir(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int dfd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -ENAMETOOLONG;
	*name = slash ? slash + 1 : path;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -errno : dfd;
}

/* @name in directory @dfd (whose mode is @dmode) opened by
 * spool_open_output()'s rules. */
static int output_at(int dfd, mode_t dmode, const char *name, int flags, mode_t mode)
{
	struct stat st;
	int fd, e;

	if ((dmode & S_ISVTX) && (dmode & S_IWOTH))
		flags |= O_NOFOLLOW;
	fd = openat(dfd, name, flags | O_CLOEXEC, mode);
	e = fd < 0 ? -errno : 0;
	/* With O_CREAT some kernels say EACCES for the symlink. */
	if (fd < 0 && e != -EEXIST && (flags & O_NOFOLLOW) &&
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		e = -ELOOP;
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

/* Open the trace @path for writing as the kernel's protected_symlinks and
 * protected_regular rules would, whatever they are set to: no symlink
 * followed in a sticky world-writable directory, and no regular file that
 * belongs to another user.  With O_CREAT | O_EXCL in @flags, a file that
 * exists is opened without them, through the same directory fd (in a new
 * process each path lookup costs microseconds), and *@created says which
 * happened.  Returns an fd or a negative code for spool_strerror(). */
int spool_open_output(const char *path, int flags, mode_t mode, bool *created)
{
	const int excl = O_CREAT | O_EXCL;
	const char *name;
	struct stat st;
	int dfd, fd;

	if (created)
		*created = false;
	dfd = output_dir(path, &name);
	if (dfd < 0)
		return dfd;
	if (fstat(dfd, &st) != 0) {
		fd = -errno;
		close(dfd);
		return fd;
	}
	fd = output_at(dfd, st.st_mode, name, flags, mode);
	if (fd >= 0 && created)
		*created = (flags & excl) == excl;
	if (fd == -EEXIST && (flags & excl) == excl)
		fd = output_at(dfd, st.st_mode, name, flags & ~excl, mode);
	close(dfd);
	return fd;
}

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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonw.h"

#define SPOOL_GROW_MIN (16u << 10)     /* first extension: 16 KiB */
#define SPOOL_GROW_MAX (8u << 20)      /* doubling up to 8 MiB a step */
#define SPOOL_VMAX   (16ull << 30)     /* address space asked for first */
#define SPOOL_VMIN   (64ull << 20)     /* ...halved down to this */
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
	dfd = move_fd_high(dfd, fd_floor);
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
	fd = move_fd_high(fd, fd_floor);
	if (flock(fd, LOCK_SH) != 0) {
		close(fd);
		return -errno;
	}
	for (s->vsize = SPOOL_VMAX; s->vsize >= SPOOL_VMIN; s->vsize /= 2) {
		s->base = mmap(NULL, s->vsize, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_NORESERVE, fd, 0);
		if (s->base != MAP_FAILED)
			break;
	}
	if (s->base == MAP_FAILED) {
		int e = errno;

		unlinkat(dfd, s->name, 0);
		close(fd);
		s->base = NULL;
		return -e;
	}
	s->fd = fd;
	return 0;
}

/* Grow the file so that [0, need) is backed.  Extend-only by construction:
 * fallocate never shrinks, so racing threads need no lock. */
static int grow(struct spool *s, uint64_t need)
{
	uint64_t have = __atomic_load_n(&s->committed, __ATOMIC_ACQUIRE);
	uint64_t target, step;

	if (need <= have)
		return 0;
	/* Small first, so a loader that makes 30 calls does not pay for
	 * megabytes of fresh pages (several ms on a VM); doubling keeps a
	 * busy tracer's extensions rare. */
	step = have < SPOOL_GROW_MIN ? SPOOL_GROW_MIN : have > SPOOL_GROW_MAX ? SPOOL_GROW_MAX : have;
	target = (need + step - 1) / step * step;
	if (target > s->vsize)
		target = s->vsize;
	if (fallocate(s->fd, 0, 0, (off_t)target) != 0) {
		struct stat st;
		int r = 0;

		if (errno != EOPNOTSUPP && errno != ENOSYS)
			return -1;
		/* ftruncate can shrink, so serialise it. */
		while (__atomic_exchange_n(&s->grow_lock, 1, __ATOMIC_ACQUIRE))
			sched_yield();
		if (fstat(s->fd, &st) == 0 && (uint64_t)st.st_size < target)
			r = ftruncate(s->fd, (off_t)target);
		__atomic_store_n(&s->grow_lock, 0, __ATOMIC_RELEASE);
		if (r)
			return -1;
	}
	/* Fault the new pages in with one call rather than one fault per
	 * page on the hot path (Linux >= 5.14; harmless where missing). */
	madvise(s->base + have, (size_t)(target - have), MADV_POPULATE_WRITE);
	while (have < target &&
	       !__atomic_compare_exchange_n(&s->committed, &have, target, false,
					    __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		;
	return 0;
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

void *spool_begin(struct spool *s, size_t payload)
{
	size_t n = rec_total(payload);
	uint64_t off = __atomic_fetch_add(&s->tail, n, __ATOMIC_RELAXED);

	if (off + n > s->vsize)
		goto lost;
	if (off + n > __atomic_load_n(&s->committed, __ATOMIC_ACQUIRE) &&
	    grow(s, off + n) != 0)
		goto lost;
	return s->base + off + sizeof(struct spool_rec_hdr);
lost:
	/* The reserved bytes stay zero: drains skip them. */
	__atomic_add_fetch(&s->lost, 1, __ATOMIC_RELAXED);
	return NULL;
}

void spool_commit(void *payload, uint32_t type, size_t payload_len)
{
	struct spool_rec_hdr *h = (struct spool_rec_hdr *)payload - 1;

	h->len = (uint32_t)payload_len;
	h->type = (uint32_t)type;
	h->check = (uint32_t)payload_len ^ (uint32_t)type ^ SPOOL_CHECK;
	__atomic_store_n(&h->magic, SPOOL_MAGIC, __ATOMIC_RELEASE);
}

void spool_forget(struct spool *s)
{
	if (s->base)
		munmap(s->base, s->vsize);
	if (s->fd >= 0)
		close(s->fd);  /* our copy only; the parent keeps its lock */
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
	if (s->fd < 0)
		return -EBADF;
	flock(s->fd, LOCK_EX);   /* convert our shared lock */
	return drain_fd(s->fd, s->dirfd, s->name, out_fd, r, st);
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

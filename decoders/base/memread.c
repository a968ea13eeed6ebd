// SPDX-License-Identifier: GPL-2.0-or-later
/* Fault-safe reads of our own memory: see memread.h. */
#include "base/memread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * Bounds of the mapping that holds this thread's stack, found once per
 * thread from /proc/thread-self/maps with raw syscalls (no stdio, no
 * malloc: we may be in a signal handler or a child after fork).
 */
static __thread uintptr_t stack_lo, stack_hi;
static __thread bool stack_known, stack_failed;
/* Per thread: a shared counter would bounce a cache line between threads. */
static __thread uint64_t n_fast, n_slow;

static uintptr_t parse_hex(const char **pp)
{
	const char *p = *pp;
	uintptr_t v = 0;

	for (;; p++) {
		char c = *p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uintptr_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		else
			break;
	}
	*pp = p;
	return v;
}

/*
 * PROCMAP_QUERY (Linux 6.11, include/uapi/linux/fs.h): ask /proc/PID/maps
 * for the one mapping that covers an address instead of reading the file.
 * Defined here because the distribution's headers may predate it.  The
 * text costs the kernel a d_path() per mapping: reading it to the stack
 * line took ~135 us of bpftool's 2 ms start here, the ioctl ~2 us.
 */
struct maps_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define MAPS_QUERY_IOCTL _IOWR('f', 17, struct maps_query)
#define MAPS_QUERY_READABLE 0x01

/* 0: found, 1: no readable mapping covers @addr, -1: no such ioctl. */
static int query_mapping(int fd, uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	struct maps_query q = {
		.size = sizeof(q),
		.query_flags = MAPS_QUERY_READABLE,
		.query_addr = addr,
	};

	if (syscall(SYS_ioctl, fd, MAPS_QUERY_IOCTL, &q) == 0) {
		*lo = (uintptr_t)q.vma_start;
		*hi = (uintptr_t)q.vma_end;
		return 0;
	}
	return errno == ENOENT ? 1 : -1;
}

/* Find the readable mapping containing @addr; 0 on success.  @ask: try
 * PROCMAP_QUERY before reading the text. */
static int find_mapping_by(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, bool ask)
{
	char buf[4096];
	size_t have = 0;
	int fd, found = -1;
	int saved = errno;

	fd = (int)syscall(SYS_open, "/proc/thread-self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	switch (ask ? query_mapping(fd, addr, lo, hi) : -1) {
	case 0:
		found = 0;
		goto out;
	case 1:
		goto out;
	}
	for (;;) {
		ssize_t r = syscall(SYS_read, fd, buf + have, sizeof(buf) - 1 - have);
		char *line, *nl;

		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
		line = buf;
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			const char *p = line;
			uintptr_t a, b;

			a = parse_hex(&p);
			if (*p == '-') {
				p++;
				b = parse_hex(&p);
				/* "rw" or "r-": readable */
				if (addr >= a && addr < b && p[1] == 'r') {
					*lo = a;
					*hi = b;
					found = 0;
					goto out;
				}
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* absurdly long line: drop it */
	}
out:
	syscall(SYS_close, fd);
	errno = saved;
	return found;
}

static int find_mapping(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	return find_mapping_by(addr, lo, hi, true);
}

int mem_read_mapping_of(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, bool ask)
{
	return find_mapping_by(addr, lo, hi, ask);
}

/* The frame of the caller we read for, when we run on another stack. */
static __thread uintptr_t caller_sp;

uintptr_t mem_read_caller_sp(uintptr_t sp)
{
	uintptr_t old = caller_sp;

	caller_sp = sp;
	return old;
}

static inline __attribute__((always_inline)) bool on_own_stack(uint64_t addr, size_t len)
{
	uintptr_t sp = caller_sp ? caller_sp : (uintptr_t)__builtin_frame_address(0);

	if (!stack_known && !stack_failed) {
		if (find_mapping(sp, &stack_lo, &stack_hi) == 0)
			stack_known = true;
		else
			stack_failed = true;
	}
	if (!stack_known)
		return false;
	if (sp < stack_lo || sp >= stack_hi) {
		/* The main thread's stack grew, or we run on an alternate
		 * signal stack.  Re-learn only if it is the same mapping. */
		uintptr_t lo, hi;

		if (find_mapping(sp, &lo, &hi) != 0 || hi != stack_hi)
			return false;
		stack_lo = lo;
	}
	/* Everything from our own frame up to the stack's top is mapped. */
	return addr >= sp && len <= stack_hi - sp && addr - sp <= stack_hi - sp - len;
}

void mem_read_reset_thread(void)
{
	stack_known = false;
	stack_failed = false;
}

/* Our pid, cached: every syscall we make is visible to the traced
 * program's own BPF programs, so make as few as we can. */
static pid_t self_pid;

void mem_read_reset_process(void)
{
	__atomic_store_n(&self_pid, 0, __ATOMIC_RELAXED);
	mem_read_reset_thread();
}

static size_t read_remote(void *dst, uint64_t addr, size_t len)
{
	struct iovec l = { dst, len }, r = { (void *)(uintptr_t)addr, len };
	pid_t pid = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);
	ssize_t n;

	if (!pid) {
		pid = (pid_t)syscall(SYS_getpid);
		__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	}
	n = syscall(SYS_process_vm_readv, pid, &l, 1UL, &r, 1UL, 0UL);
	return n > 0 ? (size_t)n : 0;
}

/* Read the readable prefix of [addr, addr+len): process_vm_readv stops at
 * the first fault only between iovecs, so go page by page on failure. */
static size_t read_prefix(void *dst, uint64_t addr, size_t len)
{
	size_t done = 0;

	if (read_remote(dst, addr, len) == len)
		return len;
	while (done < len) {
		uint64_t a = addr + done;
		size_t chunk = 4096 - (size_t)(a & 4095), got;

		if (chunk > len - done)
			chunk = len - done;
		got = read_remote((char *)dst + done, a, chunk);
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

/* Per thread: the shim renders its own spool at exit (a copies record
 * among them) while other threads still make calls from live memory. */
static __thread mem_read_source src_fn;
static __thread mem_digest_source src_digest;
static __thread void *src_ctx;

void mem_read_set_source(mem_read_source fn, void *ctx)
{
	src_ctx = ctx;
	src_fn = fn;
	src_digest = NULL;
}

void mem_read_set_digest_source(mem_digest_source fn)
{
	src_digest = fn;
}

bool mem_read_has_source(void)
{
	return src_fn != NULL;
}

bool mem_read_digest(uint64_t addr, uint64_t len, uint64_t *done, uint64_t *hash)
{
	return src_fn && src_digest && src_digest(src_ctx, addr, len, done, hash);
}

/* The plain copy of mem_read() and mem_read_direct(), inlined in each (out
 * of line, a traced lookup's 32-byte attr took libc's memcpy(): +17
 * instructions, callgrind). */
static inline __attribute__((always_inline)) size_t direct(void *dst, uint64_t addr, size_t len)
{
	if (src_fn || !len || !addr || addr + len < addr || !on_own_stack(addr, len))
		return 0;
	n_fast++;
	memcpy(dst, (const void *)(uintptr_t)addr, len);
	return len;
}

size_t mem_read_direct(void *dst, uint64_t addr, size_t len)
{
	return direct(dst, addr, len);
}

size_t mem_read(void *dst, uint64_t addr, size_t len, int *err)
{
	size_t got;

	if (err)
		*err = 0;
	if (!len)
		return 0;
	if (!addr || addr + len < addr) {
		if (err)
			*err = EFAULT;
		return 0;
	}
	if (src_fn) {
		got = src_fn(src_ctx, dst, addr, len);
		if (got < len && err)
			*err = EFAULT;
		return got;
	}
	got = direct(dst, addr, len);
	if (got)
		return got;
	n_slow++;
	got = read_prefix(dst, addr, len);
	if (got < len && err)
		*err = EFAULT;
	return got;
}

size_t mem_read_proven(void *dst, uint64_t addr, size_t len)
{
	if (src_fn || !addr || addr + len < addr)
		return mem_read(dst, addr, len, NULL);
	n_fast++;
	memcpy(dst, (const void *)(uintptr_t)addr, len);
	return len;
}

long mem_read_str(char *dst, uint64_t addr, size_t cap, int *truncated)
{
	size_t done = 0;

	*truncated = 0;
	if (!cap)
		return -1;
	dst[0] = 0;
	/* Page-sized steps so a string ending just before an unmapped page
	 * is still read whole. */
	while (done < cap - 1) {
		uint64_t a = addr + done;
		size_t chunk = 4096 - (size_t)(a & 4095), got;
		char *nul;

		if (chunk > cap - 1 - done)
			chunk = cap - 1 - done;
		got = mem_read(dst + done, a, chunk, NULL);
		nul = memchr(dst + done, 0, got);
		if (nul)
			return nul - dst;
		done += got;
		if (got < chunk) {
			dst[done] = 0;
			*truncated = 2; /* ran into unmapped memory */
			return done ? (long)done : -1;
		}
	}
	dst[done] = 0;
	*truncated = 1;
	return (long)done;
}

void mem_read_get_stats(struct mem_read_stats *s)
{
	s->fast = n_fast;
	s->slow = n_slow;
}

size_t read_file_head(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, cap);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

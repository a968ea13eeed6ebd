/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the hardening reproducers (tests/progs/hs_*.c, run by
 * tests/bats/hardening.bats): bpf calls through libc's syscall(), and the
 * per-process count of calls made, for "calls made = events recorded +
 * counted lost".  The count goes to the file named by $HS_CALLS, one
 * "PID CALLS" line per process, opened only at the end (the fd tests
 * watch fd numbers); stdout carries nothing that differs between runs.
 */
#ifndef HS_H
#define HS_H

#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long hs_calls;   /* this process's bpf calls */

static inline long hs_bpf(int cmd, union bpf_attr *a, unsigned size)
{
	__atomic_add_fetch(&hs_calls, 1, __ATOMIC_RELAXED);
	return syscall(SYS_bpf, cmd, a, size);
}

static inline int hs_map(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 4;
	return (int)hs_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

/* A lookup of key 0; its attr at @a (anywhere the caller likes). */
static inline long hs_lookup_at(int fd, union bpf_attr *a)
{
	static __thread int key;
	static __thread long long value;

	memset(a, 0, sizeof(*a));
	a->map_fd = (unsigned)fd;
	a->key = (unsigned long)&key;
	a->value = (unsigned long)&value;
	return hs_bpf(BPF_MAP_LOOKUP_ELEM, a, sizeof(*a));
}

static inline long hs_lookup(int fd)
{
	union bpf_attr a;

	return hs_lookup_at(fd, &a);
}

/* Append "PID CALLS" to $HS_CALLS (async-signal-safe: for children that
 * leave with _exit). */
static inline void hs_report(void)
{
	const char *path = getenv("HS_CALLS");
	char buf[64];
	int fd, n;

	if (!path)
		return;
	n = snprintf(buf, sizeof(buf), "%d %ld\n", (int)getpid(), hs_calls);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)!write(fd, buf, (size_t)n);
	close(fd);
}

#endif

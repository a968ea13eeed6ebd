// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lookup_bench - time one syscall in a tight loop, for bench/run-bench.sh.
 *
 *   lookup_bench N            N BPF_MAP_LOOKUP_ELEM on a 4-entry ARRAY map
 *   lookup_bench --getppid N  N getppid() (a syscall the shim passes through)
 *   lookup_bench --raw N      N lookups by the syscall instruction itself,
 *                             past libc (bpfspy run --seccomp-trap traps them)
 *   lookup_bench --union N    N lookups passing sizeof(union bpf_attr) as
 *                             the size, as many loaders do
 *   lookup_bench --libbpf N   N lookups through libbpf's bpf_map_lookup_elem()
 *                             (a libbpf event and a bpf event each)
 *   lookup_bench --heap N     N lookups with attr, key and value in malloc()ed
 *                             memory, off the stack
 *
 * All but --raw go through libc's syscall(), the entry point the bpfspy
 * shim hooks (libbpf's wrapper calls it too).
 * Prints "ns_per_op=X" on stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#define WARMUP_MAX 10000L

struct bench {
	int map_fd;
	union bpf_attr lookup;	/* prebuilt so the loop is only the call */
	__u32 key;
	__u64 value;
};

static int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

static int op_lookup(struct bench *b)
{
	/* 32 = offsetofend(union bpf_attr, flags), the size libbpf passes. */
	return syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &b->lookup, 32);
}

static int op_lookup_union(struct bench *b)
{
	return syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &b->lookup, sizeof(b->lookup));
}

static int op_lookup_libbpf(struct bench *b)
{
	return bpf_map_lookup_elem(b->map_fd, &b->key, &b->value);
}

/* x86_64 only; elsewhere the libc path. */
static int op_lookup_raw(struct bench *b)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	register long r9 __asm__("r9") = 0;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)__NR_bpf), "D"((long)BPF_MAP_LOOKUP_ELEM), "S"(&b->lookup),
			   "d"(32L), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret != 0;
#else
	return op_lookup(b);
#endif
}

static int op_getppid(struct bench *b)
{
	(void)b;
	return syscall(SYS_getppid) < 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Run op n times; returns -1 on the first failure. */
static int loop(int (*op)(struct bench *), struct bench *b, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (op(b))
			return -1;
	return 0;
}

static long parse_count(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 0);
	if (errno || *end || n <= 0)
		return -1;
	return n;
}

static int usage(void)
{
	fprintf(stderr, "usage: lookup_bench [--getppid|--raw|--union|--libbpf|--heap] N\n");
	return 2;
}

int main(int argc, char **argv)
{
	int (*op)(struct bench *) = op_lookup;
	/* --heap: off the stack, where the shim cannot read attr directly */
	struct bench on_stack = { .map_fd = -1 }, *bp = &on_stack;
	double start;
	long n;

	if (argc == 3 && !strcmp(argv[1], "--getppid"))
		op = op_getppid;
	else if (argc == 3 && !strcmp(argv[1], "--raw"))
		op = op_lookup_raw;
	else if (argc == 3 && !strcmp(argv[1], "--union"))
		op = op_lookup_union;
	else if (argc == 3 && !strcmp(argv[1], "--libbpf"))
		op = op_lookup_libbpf;
	else if (argc == 3 && !strcmp(argv[1], "--heap"))
		bp = calloc(1, sizeof(*bp));
	else if (argc != 2)
		return usage();
	n = parse_count(argv[argc - 1]);
	if (n < 0 || !bp)
		return usage();

	if (op != op_getppid) {
		bp->map_fd = map_create();
		if (bp->map_fd < 0) {
			perror("lookup_bench: BPF_MAP_CREATE");
			return 1;
		}
		bp->lookup.map_fd = bp->map_fd;
		bp->lookup.key = (__u64)(uintptr_t)&bp->key;
		bp->lookup.value = (__u64)(uintptr_t)&bp->value;
	}

	/* Warm caches, the shim's lazy state and the CPU frequency first. */
	if (loop(op, bp, n < WARMUP_MAX ? n : WARMUP_MAX))
		goto failed;
	start = now_ns();
	if (loop(op, bp, n))
		goto failed;
	printf("ns_per_op=%.1f\n", (now_ns() - start) / n);
	return 0;
failed:
	perror("lookup_bench");
	return 1;
}

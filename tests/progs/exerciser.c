// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exerciser - issue bpf(2) calls in known patterns for the bpfspy tests.
 *
 * Every call goes through libc's syscall(__NR_bpf, cmd, &attr, size), the
 * entry point the shim interposes, except in the raw* scenarios, which
 * use the syscall instruction itself (as Go and inline assembly do).  No
 * libbpf: the attrs are built by hand from <linux/bpf.h> (6.1 UAPI; every
 * field used here exists there).
 *
 * usage: exerciser SCENARIO [ARGS...]; each scenario prints a short
 * key=value summary on stdout.  Errno values are printed as numbers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <ucontext.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define ERRNO_POISON 12345
#define UNUSED __attribute__((unused))

/* What libbpf passes as size: the end of the last field a command uses. */
#define ATTR_END(field) \
	(offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* errno is set to this before each bpf call; last_errno is errno after it. */
static int errno_preset;
static int last_errno;

/* bpf(cmd, attr, size) by the syscall instruction, past libc (x86_64;
 * elsewhere syscall()): the kernel's return, -errno on failure.  The
 * unused argument registers are zero, as Go's syscall package leaves them. */
static long raw_bpf(long cmd, void *attr, unsigned long size)
{
	long ret;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	register long r9 __asm__("r9") = 0;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)__NR_bpf), "D"(cmd), "S"(attr), "d"(size), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
#else
	ret = syscall(__NR_bpf, cmd, attr, size);
	ret = ret < 0 ? -errno : ret;
#endif
	return ret;
}

static int use_raw;            /* sys_bpf() by raw_bpf() */
static long errno_clobbered;   /* raw calls after which errno had changed */

static long sys_bpf(long cmd, void *attr, unsigned long size)
{
	long ret;

	errno = errno_preset;
	if (use_raw) {
		ret = raw_bpf(cmd, attr, size);
		if (errno != errno_preset)
			errno_clobbered++;
		last_errno = ret < 0 ? (int)-ret : errno;
		return ret < 0 ? -1 : ret;
	}
	ret = syscall(__NR_bpf, cmd, attr, size);
	last_errno = errno;
	return ret;
}

static __u64 ptr_to_u64(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static void die(const char *what)
{
	fprintf(stderr, "exerciser: %s: %s\n", what, strerror(last_errno));
	exit(1);
}

static long parse_count(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 0);
	if (errno || *end || n < 0 || n > INT_MAX) {
		fprintf(stderr, "exerciser: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

/* Number of possible CPUs, as the kernel sizes per-CPU values: parse
 * /sys/devices/system/cpu/possible ("0-1", "0-3,6"). */
static long possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	unsigned a, b;
	long n = 0;
	int c;

	if (!f)
		return 0;
	while (fscanf(f, "%u", &a) == 1) {
		b = a;
		c = fgetc(f);
		if (c == '-' && fscanf(f, "%u", &b) == 1)
			c = fgetc(f);
		n += b - a + 1;
		if (c != ',')
			break;
	}
	fclose(f);
	return n;
}

/* ---- thin wrappers, one per command ------------------------------------ */

static int map_create(__u32 type, __u32 max_entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = max_entries;
	strcpy(attr.map_name, "exerciser");
	return sys_bpf(BPF_MAP_CREATE, &attr, ATTR_END(map_extra));
}

static long map_elem(int cmd, int fd, const void *key, void *value,
		     __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(cmd, &attr, ATTR_END(flags));
}

static long map_lookup(int fd, __u32 key)
{
	__u64 value;

	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 0);
}

static long map_update(int fd, __u32 key, __u64 value, __u64 flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, &key, &value, flags);
}

static int array_map(void)
{
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4);

	if (fd < 0)
		die("BPF_MAP_CREATE");
	return fd;
}

static void lookups(int fd, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (map_lookup(fd, 0))
			die("BPF_MAP_LOOKUP_ELEM");
}

/* The lowest fd the next open() would get. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("exerciser: /dev/null");
		exit(1);
	}
	close(fd);
	return fd;
}

/* ---- lookup, threads, fork, exec, fds ---------------------------------- */

static int do_lookup(char **argv)
{
	long n = parse_count(argv[0]);
	int fd = array_map();

	lookups(fd, n);
	printf("map_fd=%d lookups=%ld\n", fd, n);
	return 0;
}

/*
 * daemon FIFO N: a service that was running before its tracer: make an
 * ARRAY map and store 0x2a at key 1, then wait until a line can be read
 * from FIFO, then look key 1 up N times (bpfspy attach starts between).
 */
static int do_daemon(char **argv)
{
	long n = parse_count(argv[1]), i;
	int fd = array_map();
	char line[16];
	FILE *f;

	if (map_update(fd, 1, 0x2a, BPF_ANY))
		die("BPF_MAP_UPDATE_ELEM");
	printf("map_fd=%d ready\n", fd);
	fflush(stdout);
	f = fopen(argv[0], "re");
	if (!f || !fgets(line, sizeof(line), f))
		die("the fifo");
	fclose(f);
	for (i = 0; i < n; i++)
		if (map_lookup(fd, 1))
			die("BPF_MAP_LOOKUP_ELEM");
	printf("lookups=%ld\n", n);
	return 0;
}

struct worker {
	pthread_t tid;
	pthread_barrier_t *start;
	int map_fd;
	long n;
	long failed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	long i;

	pthread_barrier_wait(w->start);
	for (i = 0; i < w->n; i++)
		if (map_lookup(w->map_fd, 0))
			w->failed++;
	return NULL;
}

static int do_threads(char **argv)
{
	long nthreads = parse_count(argv[0]), n = parse_count(argv[1]);
	pthread_barrier_t start;
	struct worker *w;
	long i, failed = 0;
	int fd = array_map();

	if (nthreads < 1) {
		fprintf(stderr, "exerciser: need at least one thread\n");
		return 2;
	}
	w = calloc(nthreads, sizeof(*w));
	if (!w || pthread_barrier_init(&start, NULL, nthreads)) {
		fprintf(stderr, "exerciser: out of memory\n");
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		w[i].start = &start;
		w[i].map_fd = fd;
		w[i].n = n;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "exerciser: pthread_create failed\n");
			return 1;
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		failed += w[i].failed;
	}
	/* calls is per thread (as given); total counts successful lookups. */
	printf("threads=%ld calls=%ld total=%ld\n", nthreads, n,
	       nthreads * n - failed);
	free(w);
	return failed ? 1 : 0;
}

static int do_fork(char **argv UNUSED)
{
	int fd = array_map(), status;
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("exerciser: fork");
		return 1;
	}
	if (child == 0) {
		lookups(fd, 3);
		exit(0);
	}
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "exerciser: child failed (status %#x)\n", status);
		return 1;
	}
	lookups(fd, 2);
	printf("parent=%d child=%d\n", (int)getpid(), (int)child);
	return 0;
}

/* exerciser exec PATH ARGS...: the new image gets argv = {PATH, ARGS...}. */
static int do_exec(char **argv)
{
	int fd = array_map();

	lookups(fd, 1);
	printf("exec pid=%d map_fd=%d\n", (int)getpid(), fd);
	fflush(stdout);
	execv(argv[0], argv);
	perror("exerciser: execv");
	return 127;
}

static int do_fds(char **argv UNUSED)
{
	int first_free = lowest_free_fd();
	int fd = array_map();

	printf("map_fd=%d next_free=%d first_free=%d\n", fd, lowest_free_fd(),
	       first_free);
	return 0;
}

/* ---- errno: failures must come back exactly as the kernel gave them ---- */

/*
 * want_errno 0 means success is expected: ret >= 0 and errno untouched
 * (still ERRNO_POISON), as libc's syscall() leaves it.
 */
static int check(const char *name, long ret, int want_errno)
{
	int ok;

	if (want_errno)
		ok = ret == -1 && last_errno == want_errno;
	else
		ok = ret >= 0 && last_errno == ERRNO_POISON;
	printf("case=%s ret=%ld errno=%d %s\n", name, ret, last_errno,
	       ok ? "ok" : "MISMATCH");
	return ok ? 0 : 1;
}

static int do_errno(char **argv UNUSED)
{
	int fd, bad = 0;

	errno_preset = ERRNO_POISON;
	fd = map_create(BPF_MAP_TYPE_HASH, 16);
	bad |= check("create_hash", fd, 0);
	if (fd < 0)
		return 1;
	bad |= check("missing_key", map_lookup(fd, 7), ENOENT);
	bad |= check("bad_map_type", map_create(9999, 4), EINVAL);
	bad |= check("bad_fd", map_lookup(9999, 0), EBADF);
	bad |= check("insert", map_update(fd, 1, 100, BPF_ANY), 0);
	bad |= check("noexist_exists", map_update(fd, 1, 200, BPF_NOEXIST),
		     EEXIST);
	bad |= check("lookup_ok", map_lookup(fd, 1), 0);
	return bad;
}

/* ---- crashes and abrupt exits after some traced calls ------------------ */

static void crash_prelude(void)
{
	lookups(array_map(), 3);
	printf("done\n");
	fflush(stdout);
}

static int do_sigkill(char **argv UNUSED)
{
	crash_prelude();
	kill(getpid(), SIGKILL);
	return 1;
}

static int do_abort(char **argv UNUSED)
{
	crash_prelude();
	abort();
}

static int do_exit(char **argv UNUSED)
{
	crash_prelude();
	_exit(3);
}

/*
 * exit_handler: a child makes lookups, then a SIGUSR1 handler on an
 * alternate stack ends it with _exit(4); another child's handler ends it
 * with the raw exit_group instead.  The stacks are shared and poisoned:
 * the parent prints how many bytes of each the handler used (what
 * _exit() costs the caller's stack over the bare syscall).
 */
#define EXIT_STACK (64 * 1024)

static int exit_raw;
/* through the GOT, bound at load: a lazy PLT binding would take ~3 KiB
 * of the stack in the dynamic linker's resolver on the first call */
static void (*volatile exit_fn)(int) = _exit;

static void on_exit_signal(int sig UNUSED)
{
	if (exit_raw)
		syscall(SYS_exit_group, 4);
	exit_fn(4);
}

static long exit_child_stack_used(int raw)
{
	unsigned char *p = mmap(NULL, EXIT_STACK, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sigaction sa;
	pid_t pid;
	int st;
	long i = 0;

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 0xa5, EXIT_STACK);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		stack_t ss = { .ss_sp = p, .ss_size = EXIT_STACK };

		lookups(array_map(), 3);
		exit_raw = raw;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_exit_signal;
		sa.sa_flags = SA_ONSTACK;
		if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
			_exit(1);
		raise(SIGUSR1);
		_exit(1);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 4)
		die("exit_handler: the child did not end with status 4");
	while (i < EXIT_STACK && p[i] == 0xa5)
		i++;
	munmap(p, EXIT_STACK);
	return EXIT_STACK - i;
}

static int do_exit_handler(char **argv UNUSED)
{
	long via_exit = exit_child_stack_used(0), raw = exit_child_stack_used(1);

	printf("exit_stack=%ld raw_stack=%ld\n", via_exit, raw);
	return 0;
}

/* ---- badattr: hostile pointers and sizes ------------------------------- */

/* The address of a page that was mapped and is now gone. */
static void *unmapped_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("exerciser: mmap");
		exit(1);
	}
	munmap(p, page);
	return p;
}

/*
 * A LOOKUP attr whose first 16 bytes (map_fd, key) sit at the end of a
 * mapped page and whose value/flags would be in the unmapped next page.
 */
static void *straddling_attr(int map_fd, const __u32 *key)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *attr;
	__u64 key_ptr = ptr_to_u64(key);
	__u32 fd = map_fd;

	if (p == MAP_FAILED) {
		perror("exerciser: mmap");
		exit(1);
	}
	munmap(p + page, page);
	attr = p + page - 16;
	memset(attr, 0, 16);
	memcpy(attr + offsetof(union bpf_attr, map_fd), &fd, sizeof(fd));
	memcpy(attr + offsetof(union bpf_attr, key), &key_ptr, sizeof(key_ptr));
	return attr;
}

static long prog_load_bad_license(void *license)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = ptr_to_u64(insns);
	attr.license = ptr_to_u64(license);
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int do_badattr(char **argv UNUSED)
{
	union bpf_attr attr;
	__u32 key = 0;
	int fd = array_map(), bad = 0;

	/* A valid MAP_CREATE attr, so only the pointer or size is wrong. */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;

	errno_preset = ERRNO_POISON;
	bad |= check("null_attr", sys_bpf(BPF_MAP_CREATE, NULL, 32), EFAULT);
	bad |= check("unmapped_attr",
		     sys_bpf(BPF_MAP_CREATE, unmapped_page(), 32), EFAULT);
	bad |= check("size_0", sys_bpf(BPF_MAP_CREATE, &attr, 0), EINVAL);
	bad |= check("size_4097", sys_bpf(BPF_MAP_CREATE, &attr, 4097), E2BIG);
	bad |= check("unknown_cmd_77", sys_bpf(77, &attr, 32), EINVAL);
	bad |= check("bad_license", prog_load_bad_license(unmapped_page()),
		     EFAULT);
	bad |= check("straddle", sys_bpf(BPF_MAP_LOOKUP_ELEM,
					 straddling_attr(fd, &key), 32),
		     EFAULT);
	bad |= check("huge_size", sys_bpf(BPF_MAP_CREATE, &attr, 0x7fffffff),
		     E2BIG);
	return bad;
}

/* ---- every: one successful call of each common command ----------------- */

static int report(const char *cmd, long ret)
{
	printf("%s ret=%ld errno=%d\n", cmd, ret, ret < 0 ? last_errno : 0);
	return ret < 0;
}

/* Header + one "int" (signed, 32 bits) type + the string table "\0int\0". */
struct tiny_btf {
	struct btf_header hdr;
	struct btf_type int_type;
	__u32 int_enc;
	char strings[5];
};

/* The smallest valid BTF: one 32-bit signed int named "int". */
static const struct tiny_btf tiny_btf = {
		.hdr = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(struct btf_header),
		.type_off = 0,
		.type_len = sizeof(struct btf_type) + sizeof(__u32),
		.str_off = sizeof(struct btf_type) + sizeof(__u32),
		.str_len = 5,
	},
	.int_type = {
		.name_off = 1,
		.info = BTF_KIND_INT << 24,
		.size = 4,
	},
	.int_enc = (BTF_INT_SIGNED << 24) | 32,
	.strings = "\0int",
};

static int btf_load(void)
{
	const struct tiny_btf *btf = &tiny_btf;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(btf);
	attr.btf_size = offsetof(struct tiny_btf, strings) + 5;
	return sys_bpf(BPF_BTF_LOAD, &attr, ATTR_END(btf_log_level));
}

static int prog_load(char *log, __u32 log_size)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = ptr_to_u64(insns);
	attr.license = ptr_to_u64("GPL");
	attr.log_level = 1;
	attr.log_size = log_size;
	attr.log_buf = ptr_to_u64(log);
	strcpy(attr.prog_name, "exerciser");
	return sys_bpf(BPF_PROG_LOAD, &attr, ATTR_END(core_relo_rec_size));
}

static long get_info(int fd, void *info, __u32 len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = ptr_to_u64(info);
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, ATTR_END(info));
}

static long get_next_id(int cmd, __u32 start)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start;
	return sys_bpf(cmd, &attr, ATTR_END(next_id));
}

/* ---- repeat: the same call sites again and again ------------------------- */

/* One attr per call site, reused: what the shim replays once it has seen a
 * site's call (bpfspy's replay_hit()).  The keys and values change from
 * call to call; the outcomes are hits, misses (ENOENT), faults (EFAULT)
 * and an fd closed and made again for a map with larger values.  With
 * "heap" the attrs are off the stack (the shim reads them after the call:
 * late_ok()), and a last site is made to alias its output over its input
 * (GET_NEXT_KEY's next_key over key) after three calls without. */
static long repeat_call(union bpf_attr *attr, int cmd)
{
	return sys_bpf(cmd, attr, ATTR_END(flags));
}

static int map_kv(__u32 type, __u32 value_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = 8;
	return (int)sys_bpf(BPF_MAP_CREATE, &attr, ATTR_END(map_extra));
}

/* GET_NEXT_KEY at one heap attr: three calls, then key and next_key the
 * same buffer.  1 when the last call answered 6 for 5, as it should. */
static int repeat_aliased(union bpf_attr *gnk, int map_fd)
{
	__u32 k, nk;
	int i;

	gnk->map_fd = (__u32)map_fd;
	gnk->key = ptr_to_u64(&k);
	gnk->next_key = ptr_to_u64(&nk);
	for (i = 0; i < 3; i++) {
		k = (__u32)i;
		if (repeat_call(gnk, BPF_MAP_GET_NEXT_KEY) < 0)
			die("BPF_MAP_GET_NEXT_KEY");
	}
	gnk->next_key = ptr_to_u64(&k);
	k = 5;
	return repeat_call(gnk, BPF_MAP_GET_NEXT_KEY) == 0 && k == 6;
}

static int do_repeat(char **argv)
{
	long n = parse_count(argv[0]), i, hits = 0, misses = 0, faults = 0, whits = 0, einval = 0;
	int heap = argv[1] && !strcmp(argv[1], "heap");
	union bpf_attr on_stack[6];
	union bpf_attr *a = heap ? calloc(6, sizeof(*a)) : on_stack;
	union bpf_attr *look = &a[0], *miss = &a[1], *upd = &a[2], *bad = &a[3], *wide = &a[4];
	__u32 key, mkey;
	__u64 value[2] = { 0, 0 }, uval;
	int arr = map_kv(BPF_MAP_TYPE_ARRAY, 8), hash = map_kv(BPF_MAP_TYPE_HASH, 8), again;

	if (!a || arr < 0 || hash < 0)
		die("BPF_MAP_CREATE");
	memset(a, 0, 6 * sizeof(*a));
	look->map_fd = (__u32)arr;
	look->key = ptr_to_u64(&key);
	look->value = ptr_to_u64(value);
	*miss = *look;
	miss->map_fd = (__u32)hash;
	miss->key = ptr_to_u64(&mkey);
	*upd = *look;
	upd->value = ptr_to_u64(&uval);
	*bad = *look;
	bad->value = ptr_to_u64((void *)8);   /* the kernel cannot write there */
	/* One site after the other: the shim keeps four sites a thread. */
	for (i = 0; i < n; i++) {
		key = (__u32)(i % 4);
		uval = 0x1000 + (__u64)i;
		if (repeat_call(upd, BPF_MAP_UPDATE_ELEM) < 0)
			die("BPF_MAP_UPDATE_ELEM");
		hits += repeat_call(look, BPF_MAP_LOOKUP_ELEM) == 0;
	}
	for (i = 0; i < n; i++) {
		mkey = (__u32)i;
		misses += repeat_call(miss, BPF_MAP_LOOKUP_ELEM) < 0 && last_errno == ENOENT;
	}
	for (i = 0; i < n; i++) {
		key = (__u32)(i % 4);
		faults += repeat_call(bad, BPF_MAP_LOOKUP_ELEM) < 0 && last_errno == EFAULT;
	}
	/* The same fd number, another map: 16-byte values now. */
	close(arr);
	again = map_kv(BPF_MAP_TYPE_ARRAY, 16);
	if (again != arr)
		die("the fd was not made again");
	for (i = 0; i < n; i++) {
		key = (__u32)(i % 4);
		hits += repeat_call(look, BPF_MAP_LOOKUP_ELEM) == 0;
	}
	/* The size sizeof(union bpf_attr), as many loaders pass: the bytes
	 * past flags are zero, but for the last call's last byte, which
	 * the kernel refuses (EINVAL): that call is not its site's replay. */
	*wide = *look;
	for (i = 0; i < n; i++) {
		key = (__u32)(i % 4);
		if (i == n - 1)
			((unsigned char *)wide)[sizeof(*wide) - 1] = 1;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, wide, sizeof(*wide)) == 0)
			whits++;
		else if (last_errno == EINVAL)
			einval++;
	}
	printf("hits=%ld misses=%ld faults=%ld wide=%ld einval=%ld", hits, misses, faults, whits,
	       einval);
	if (heap)
		printf(" aliased=%d", repeat_aliased(&a[5], again));
	printf("\n");
	if (heap)
		free(a);
	return 0;
}

/* ---- highfd: an object behind an fd past the shim's table of notes ---- */

/* The info struct of a map reached through fd 4999, dup2()ed there: the
 * shim has no note of it (its table ends at 4096), so what the struct is
 * comes from /proc/self/fdinfo. */
static int do_highfd(char **argv UNUSED)
{
	struct bpf_map_info info;
	struct rlimit rl;
	int fd = array_map(), high = 4999;
	long ret;

	if (fd < 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= (rlim_t)high) {
		printf("skip=RLIMIT_NOFILE %llu\n", (unsigned long long)rl.rlim_max);
		return 0;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t)high) {
		rl.rlim_cur = (rlim_t)high + 1;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 1;
	}
	if (dup2(fd, high) != high)
		return 1;
	memset(&info, 0, sizeof(info));
	ret = get_info(high, &info, sizeof(info));
	printf("highfd=%d ret=%ld type=%u key_size=%u\n", high, ret, info.type, info.key_size);
	return ret == 0 ? 0 : 1;
}

static long map_fd_by_id(__u32 id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	return sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, ATTR_END(open_flags));
}

static long prog_bind_map(int prog_fd, int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = prog_fd;
	attr.prog_bind_map.map_fd = map_fd;
	return sys_bpf(BPF_PROG_BIND_MAP, &attr, ATTR_END(prog_bind_map));
}

/* The map-side commands on a HASH map (so DELETE can succeed). */
static int every_map(int *map_fd)
{
	__u32 key = 1, next;
	__u64 value = 7;
	int fd, bad = 0;

	fd = map_create(BPF_MAP_TYPE_HASH, 8);
	bad |= report("BPF_MAP_CREATE", fd);
	if (fd < 0)
		exit(1);
	bad |= report("BPF_MAP_UPDATE_ELEM",
		      map_elem(BPF_MAP_UPDATE_ELEM, fd, &key, &value, BPF_ANY));
	bad |= report("BPF_MAP_LOOKUP_ELEM",
		      map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 0));
	bad |= report("BPF_MAP_GET_NEXT_KEY",
		      map_elem(BPF_MAP_GET_NEXT_KEY, fd, NULL, &next, 0));
	bad |= report("BPF_MAP_DELETE_ELEM",
		      map_elem(BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0));
	bad |= report("BPF_MAP_FREEZE",
		      map_elem(BPF_MAP_FREEZE, fd, NULL, NULL, 0));
	*map_fd = fd;
	return bad;
}

static int do_every(char **argv UNUSED)
{
	static char log[4096];
	struct bpf_map_info map_info;
	struct bpf_prog_info prog_info;
	int map_fd, prog_fd, bad;

	bad = every_map(&map_fd);
	prog_fd = prog_load(log, sizeof(log));
	bad |= report("BPF_PROG_LOAD", prog_fd);
	bad |= report("BPF_BTF_LOAD", btf_load());

	memset(&map_info, 0, sizeof(map_info));
	bad |= report("BPF_OBJ_GET_INFO_BY_FD",
		      get_info(map_fd, &map_info, sizeof(map_info)));
	memset(&prog_info, 0, sizeof(prog_info));
	bad |= report("BPF_OBJ_GET_INFO_BY_FD",
		      get_info(prog_fd, &prog_info, sizeof(prog_info)));

	bad |= report("BPF_MAP_GET_NEXT_ID", get_next_id(BPF_MAP_GET_NEXT_ID, 0));
	bad |= report("BPF_PROG_GET_NEXT_ID",
		      get_next_id(BPF_PROG_GET_NEXT_ID, 0));
	bad |= report("BPF_MAP_GET_FD_BY_ID", map_fd_by_id(map_info.id));
	bad |= report("BPF_PROG_BIND_MAP", prog_bind_map(prog_fd, map_fd));
	return bad;
}

/* ---- pin DIR (DIR must be on bpffs) ------------------------------------ */

static int do_pin(char **argv)
{
	char path[PATH_MAX];
	union bpf_attr attr;
	int fd = array_map(), got;

	snprintf(path, sizeof(path), "%s/m1", argv[0]);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	attr.bpf_fd = fd;
	if (sys_bpf(BPF_OBJ_PIN, &attr, ATTR_END(file_flags)))
		die("BPF_OBJ_PIN");

	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	got = sys_bpf(BPF_OBJ_GET, &attr, ATTR_END(file_flags));
	if (got < 0)
		die("BPF_OBJ_GET");
	printf("map_fd=%d pinned_fd=%d\n", fd, got);
	unlink(path);
	return 0;
}

/* ---- names NAME: a hostile program's strings ----------------------------- */

/*
 * NAME becomes the thread's comm, a map's name and an OBJ_GET path, so a
 * test can see how bpfspy writes and prints bytes it does not control
 * (escape sequences, invalid UTF-8).  The kernel refuses such a map name
 * and the path does not exist: both calls fail, and are recorded.
 */
static int do_names(char **argv)
{
	union bpf_attr attr;
	int map, got;

	prctl(PR_SET_NAME, argv[0]);
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	strncpy(attr.map_name, argv[0], sizeof(attr.map_name) - 1);
	map = sys_bpf(BPF_MAP_CREATE, &attr, ATTR_END(map_extra));
	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(argv[0]);
	got = sys_bpf(BPF_OBJ_GET, &attr, ATTR_END(file_flags));
	printf("map=%d get=%d\n", map, got);
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

struct scenario {
	const char *name;
	int nargs;		/* minimum number of arguments */
	const char *args;
	int (*run)(char **argv);
};

/*
 * payload: map keys and values as the tracer should show them.  A per-CPU
 * array's value is one 8-byte slot per possible CPU (each slot 0x11 * cpu
 * + 1 in every byte); an update whose value pointer is unmapped fails
 * with EFAULT after the key was read.  Prints "cpus=N".
 */
static int do_payload(char **argv UNUSED)
{
	static __u8 values[64 * 8], back[64 * 8];
	__u32 key = 1, ncpu = 0, i;
	int pc, hash;
	long ret;

	ncpu = (__u32)possible_cpus();
	if (!ncpu || ncpu > 64)
		die("possible cpus");
	for (i = 0; i < ncpu; i++)
		memset(values + 8 * i, 0x11 * (int)(i + 1), 8);
	pc = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4);
	if (pc < 0)
		die("BPF_MAP_CREATE percpu");
	if (map_elem(BPF_MAP_UPDATE_ELEM, pc, &key, values, BPF_ANY) != 0)
		die("BPF_MAP_UPDATE_ELEM percpu");
	if (map_elem(BPF_MAP_LOOKUP_ELEM, pc, &key, back, 0) != 0 ||
	    memcmp(values, back, 8 * ncpu))
		die("BPF_MAP_LOOKUP_ELEM percpu");
	hash = map_create(BPF_MAP_TYPE_HASH, 4);
	if (hash < 0)
		die("BPF_MAP_CREATE hash");
	ret = map_elem(BPF_MAP_UPDATE_ELEM, hash, &key, unmapped_page(), BPF_ANY);
	if (ret != -1 || errno != EFAULT)
		die("BPF_MAP_UPDATE_ELEM with an unmapped value should fail with EFAULT");
	printf("cpus=%u\n", ncpu);
	return 0;
}

/* batch: map batch commands with known elements.  A hash map gets keys
 * 1..4 with values 10..40 in one UPDATE_BATCH, is read back whole with
 * LOOKUP_BATCH (the kernel says ENOENT: no more, count 4), then loses
 * keys 1 and 2 in one DELETE_BATCH.  Prints "updated=N looked_up=N
 * deleted=N". */
static long map_batch(int cmd, int fd, void *keys, void *values, __u32 *count,
		      void *out_batch)
{
	union bpf_attr attr;
	long ret;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = fd;
	attr.batch.keys = ptr_to_u64(keys);
	attr.batch.values = ptr_to_u64(values);
	attr.batch.count = *count;
	attr.batch.out_batch = ptr_to_u64(out_batch);
	ret = sys_bpf(cmd, &attr, ATTR_END(batch));
	*count = attr.batch.count;
	return ret;
}

/* An array map (4 entries) walked two at a time: the generic batch ops
 * keep the last key as the cursor, handed back in as in_batch.  Prints
 * "cursor=K" after each step. */
static int batch_cursor(void)
{
	__u32 keys[4], in = 0, out = 0, count;
	__u64 values[4];
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4), step;
	union bpf_attr attr;
	long ret;

	if (fd < 0)
		die("BPF_MAP_CREATE array");
	for (step = 0; step < 2; step++) {
		memset(&attr, 0, sizeof(attr));
		attr.batch.map_fd = fd;
		attr.batch.in_batch = step ? ptr_to_u64(&in) : 0;
		attr.batch.out_batch = ptr_to_u64(&out);
		attr.batch.keys = ptr_to_u64(keys);
		attr.batch.values = ptr_to_u64(values);
		attr.batch.count = count = 2;
		ret = sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr, ATTR_END(batch));
		if (ret != 0 && errno != ENOENT)
			die("BPF_MAP_LOOKUP_BATCH array");
		printf("cursor=%u\n", out);
		in = out;
	}
	(void)count;
	return 0;
}

static int do_batch(char **argv UNUSED)
{
	__u32 keys[16] = { 1, 2, 3, 4 }, got_keys[16], out_batch = 0, n;
	__u64 values[16] = { 10, 20, 30, 40 }, got_values[16];
	__u32 updated = 4, looked_up = 16, deleted = 2;
	int fd = map_create(BPF_MAP_TYPE_HASH, 16);
	long ret;

	if (fd < 0)
		die("BPF_MAP_CREATE hash");
	if (map_batch(BPF_MAP_UPDATE_BATCH, fd, keys, values, &updated, NULL) != 0)
		die("BPF_MAP_UPDATE_BATCH");
	ret = map_batch(BPF_MAP_LOOKUP_BATCH, fd, got_keys, got_values, &looked_up, &out_batch);
	if (ret != 0 && errno != ENOENT)
		die("BPF_MAP_LOOKUP_BATCH");
	if (map_batch(BPF_MAP_DELETE_BATCH, fd, keys, NULL, &deleted, NULL) != 0)
		die("BPF_MAP_DELETE_BATCH");
	n = looked_up;
	printf("updated=%u looked_up=%u deleted=%u\n", updated, n, deleted);
	return batch_cursor();
}

/* ---- allcmds, sizes, eperm: every command with known arguments ---------
 *
 * Each bpf(2) call prints one line:
 *   NAME size=S ret=R errno=E tag=T [KEY=VALUE...] [log=TEXT]
 * NAME is the command as the trace names it (BPF_CMD_N when unknown), E
 * is 0 on success or the errno's symbolic name, T names the call (unique
 * within a run), the KEY=VALUEs are what the call set or got back, and a
 * verifier or BTF log comes last, with \ and newline escaped as \\ and \n.
 * Lines that are not calls start with "#".  Line N is the call with seq N.
 *
 * The attrs are built as raw bytes at the offsets of the newest UAPI
 * (bpf-attr-offsets-x86_64.txt): <linux/bpf.h> here may predate them.
 */

enum {
	CMD_TOKEN_CREATE = 36,
	CMD_PROG_STREAM_READ_BY_FD = 37,
	CMD_PROG_ASSOC_STRUCT_OPS = 38,
	CMD_COMMON_ATTRS = 0x10000,
	BPF_PAGE = 4096,
	ENOTSUPP_KERNEL = 524,  /* kernel-internal, reaches user space */
	EXIT_SKIP = 77,         /* the machine lacks something: skip */
};

static const char *const cmd_names[] = {
	"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
	"BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD",
	"BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH",
	"BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
	"BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID",
	"BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY", "BPF_RAW_TRACEPOINT_OPEN",
	"BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID", "BPF_TASK_FD_QUERY",
	"BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE",
	"BPF_BTF_GET_NEXT_ID", "BPF_MAP_LOOKUP_BATCH",
	"BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH",
	"BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE",
	"BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS",
	"BPF_ITER_CREATE", "BPF_LINK_DETACH", "BPF_PROG_BIND_MAP",
	"BPF_TOKEN_CREATE", "BPF_PROG_STREAM_READ_BY_FD",
	"BPF_PROG_ASSOC_STRUCT_OPS",
};

#define NCMDS ((long)(sizeof(cmd_names) / sizeof(cmd_names[0])))

static const char *cmd_name(long cmd)
{
	static char buf[32];

	cmd &= ~(long)CMD_COMMON_ATTRS;
	if (cmd >= 0 && cmd < NCMDS)
		return cmd_names[cmd];
	snprintf(buf, sizeof(buf), "BPF_CMD_%ld", cmd);
	return buf;
}

/* The errnos these scenarios meet, named as <errno.h> names them. */
static const char *errno_sym(int e)
{
	static char buf[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTDIR: return "ENOTDIR";
	case EBADFD: return "EBADFD";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTSUPP_KERNEL: return "ENOTSUPP";
	}
	snprintf(buf, sizeof(buf), "ERRNO_%d", e);
	return buf;
}

/* One attr for every call: two pages, so sizes up to page+1 (and more)
 * read zeroed memory that belongs to us. */
static __u8 attr_buf[2 * BPF_PAGE] __attribute__((aligned(BPF_PAGE)));

static void attr_new(void)
{
	memset(attr_buf, 0, sizeof(attr_buf));
}

static void set32(size_t off, __u32 v)
{
	memcpy(attr_buf + off, &v, sizeof(v));
}

static void set64(size_t off, __u64 v)
{
	memcpy(attr_buf + off, &v, sizeof(v));
}

static void setptr(size_t off, const void *p)
{
	set64(off, ptr_to_u64(p));
}

static __u32 get32(size_t off)
{
	__u32 v;

	memcpy(&v, attr_buf + off, sizeof(v));
	return v;
}

static __u64 get64(size_t off)
{
	__u64 v;

	memcpy(&v, attr_buf + off, sizeof(v));
	return v;
}

static int line_open;

static void eol(void)
{
	if (line_open)
		putchar('\n');
	line_open = 0;
}

/* Append " FMT" to the current call's line. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	putchar(' ');
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* The log, last on the line, with \ and newlines escaped. */
static void note_log(const char *log, size_t cap)
{
	size_t i;

	fputs(" log=", stdout);
	for (i = 0; i < cap && log[i]; i++) {
		if (log[i] == '\\')
			fputs("\\\\", stdout);
		else if (log[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(log[i]);
	}
}

static long emit(long cmd, const char *tag, unsigned long size, long ret)
{
	eol();
	printf("%s size=%lu ret=%ld errno=%s tag=%s", cmd_name(cmd), size, ret,
	       ret < 0 ? errno_sym(last_errno) : "0", tag);
	line_open = 1;
	return ret;
}

/* bpf(cmd, attr_buf, size), printed. */
static long call(long cmd, const char *tag, unsigned long size)
{
	return emit(cmd, tag, size, sys_bpf(cmd, attr_buf, size));
}

/* bpf(cmd, attr, size) with any attr pointer, printed. */
static long call_at(long cmd, const char *tag, void *attr, unsigned long size)
{
	return emit(cmd, tag, size, sys_bpf(cmd, attr, size));
}

static int fail(const char *what)
{
	eol();
	fprintf(stderr, "exerciser: %s: %s\n", what, strerror(last_errno));
	exit(1);
}

/* ---- object makers ----------------------------------------------------- */

/* MAP_CREATE at the newest size (92), or SIZE. */
static long mk_map(const char *tag, __u32 type, __u32 key_size,
		   __u32 value_size, __u32 max_entries, __u32 flags,
		   const char *name, unsigned long size)
{
	long fd;

	attr_new();
	set32(0, type);
	set32(4, key_size);
	set32(8, value_size);
	set32(12, max_entries);
	set32(16, flags);
	strncpy((char *)attr_buf + 28, name, 15);
	fd = call(BPF_MAP_CREATE, tag, size);
	note("map_type=%u key_size=%u value_size=%u max_entries=%u map_flags=%u map_name=%s",
	     type, key_size, value_size, max_entries, flags, name);
	return fd;
}

/* r0 = IMM; exit */
struct two_insns {
	struct bpf_insn i[2];
};

static struct two_insns ret_imm(__s32 imm)
{
	struct two_insns p = { {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = imm },
		{ .code = BPF_JMP | BPF_EXIT },
	} };

	return p;
}

struct load_args {
	__u32 type, expected_attach_type, attach_btf_id;
	const struct bpf_insn *insns;
	__u32 insn_cnt;
	const char *name;
	char *log;
	__u32 log_size, log_level;
	unsigned long size;  /* 0: 168, the newest */
	__u32 prog_flags, kern_version;
};

static long load(const char *tag, const struct load_args *a)
{
	unsigned long size = a->size ? a->size : 168;
	long fd;

	attr_new();
	set32(0, a->type);
	set32(4, a->insn_cnt);
	setptr(8, a->insns);
	setptr(16, "GPL");
	set32(24, a->log_level);
	set32(28, a->log_size);
	setptr(32, a->log);
	set32(40, a->kern_version);
	set32(44, a->prog_flags);
	strncpy((char *)attr_buf + 48, a->name, 15);
	set32(68, a->expected_attach_type);
	set32(108, a->attach_btf_id);
	if (a->log)
		memset(a->log, 0, a->log_size);
	fd = call(BPF_PROG_LOAD, tag, size);
	note("prog_type=%u insn_cnt=%u expected_attach_type=%u prog_name=%s",
	     a->type, a->insn_cnt, a->expected_attach_type, a->name);
	if (a->prog_flags || a->kern_version)
		note("prog_flags=%u kern_version=%u log_level=%u", a->prog_flags,
		     a->kern_version, a->log_level);
	/* The kernel writes log_true_size only when size covers it. */
	if (size >= 144)
		note("log_true_size=%u", get32(140));
	if (a->log && a->log_level)
		note_log(a->log, a->log_size);
	return fd;
}

/* A socket filter returning IMM, loaded with a 4 KiB level-1 log. */
static long load_simple(const char *tag, __u32 type, __s32 imm,
			const char *name, unsigned long size)
{
	static char log[4096];
	struct two_insns p = ret_imm(imm);
	struct load_args a = {
		.type = type, .insns = p.i, .insn_cnt = 2, .name = name,
		.log = log, .log_size = sizeof(log), .log_level = 1,
		.size = size,
	};

	return load(tag, &a);
}

/* The tiny BTF of btf_load(), at SIZE, with a log; MAGIC 0 breaks it. */
static long load_btf(const char *tag, int broken, char *log, __u32 log_size,
		     unsigned long size)
{
	static struct tiny_btf btf;
	__u32 btf_size = offsetof(struct tiny_btf, strings) + 5;
	long fd;

	btf = tiny_btf;
	btf.hdr.magic = broken ? 0xbad : BTF_MAGIC;
	attr_new();
	setptr(0, &btf);
	setptr(8, log);
	set32(16, btf_size);
	set32(20, log ? log_size : 0);
	set32(24, log ? 1 : 0);
	if (log)
		memset(log, 0, log_size);
	fd = call(BPF_BTF_LOAD, tag, size);
	note("btf_size=%u btf_log_size=%u", btf_size, log ? log_size : 0);
	if (size >= 32)
		note("btf_log_true_size=%u", get32(28));
	if (log)
		note_log(log, log_size);
	return fd;
}

/* OBJ_GET_INFO_BY_FD into a zeroed 1 KiB buffer: prints info_len (what
 * the kernel filled) and the object's id (offset 4 in prog, map and link
 * info; 12 in BTF info). */
static __u32 info_id(const char *tag, int fd, int is_btf)
{
	static __u64 info[128];
	__u32 id;

	memset(info, 0, sizeof(info));
	attr_new();
	set32(0, fd);
	set32(4, sizeof(info));
	setptr(8, info);
	if (call(BPF_OBJ_GET_INFO_BY_FD, tag, 16) < 0)
		fail("BPF_OBJ_GET_INFO_BY_FD");
	memcpy(&id, (char *)info + (is_btf ? 12 : 4), sizeof(id));
	note("bpf_fd=%d info_len_in=%zu info_len=%u id=%u", fd, sizeof(info),
	     get32(4), id);
	return id;
}

static long next_id(long cmd, const char *tag, __u32 start)
{
	long r;

	attr_new();
	set32(0, start);
	set32(4, 0xdeadbeef);  /* what out.next_id shows when nothing is left */
	r = call(cmd, tag, 12);
	note("start_id=%u next_id=%u", start, get32(4));
	return r;
}

static long fd_by_id(long cmd, const char *tag, __u32 id, __u32 open_flags,
		     unsigned long size)
{
	long r;

	attr_new();
	set32(0, id);
	set32(8, open_flags);
	r = call(cmd, tag, size);
	note("id=%u open_flags=%u", id, open_flags);
	return r;
}

static long elem(long cmd, const char *tag, int fd, const void *key,
		 void *value, __u64 flags)
{
	attr_new();
	set32(0, fd);
	setptr(8, key);
	setptr(16, value);
	set64(24, flags);
	return call(cmd, tag, 32);
}

static long batch(long cmd, const char *tag, int fd, void *keys, void *values,
		  __u32 count, void *out_batch)
{
	long r;

	attr_new();
	setptr(8, out_batch);
	setptr(16, keys);
	setptr(24, values);
	set32(32, count);
	set32(36, fd);
	r = call(cmd, tag, 56);
	note("map_fd=%d count_in=%u count=%u", fd, count, get32(32));
	return r;
}

/* The mount point of cgroup v2, from /proc/self/mounts. */
static int cgroup2_mount(char *out, size_t cap)
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup2")) {
			snprintf(out, cap, "%s", dir);
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

/*
 * The BTF type id of the FUNC named NAME in the kernel's BTF
 * (/sys/kernel/btf/vmlinux), or 0.  Walks the type section: each type is
 * a struct btf_type followed by kind-specific data.
 */
static __u32 vmlinux_func_id(const char *name)
{
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "r");
	struct btf_header hdr;
	char *data = NULL, *types, *strs;
	size_t cap = 0, len = 0, n, off;
	__u32 id = 0, found = 0;

	if (!f)
		return 0;
	for (;;) {
		if (len == cap) {
			char *p = realloc(data, cap = cap ? 2 * cap : 1 << 20);

			if (!p)
				break;
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (!data || len < sizeof(hdr))
		goto out;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC ||
	    (size_t)hdr.hdr_len + hdr.str_off + hdr.str_len > len ||
	    (size_t)hdr.hdr_len + hdr.type_off + hdr.type_len > len)
		goto out;
	types = data + hdr.hdr_len + hdr.type_off;
	strs = data + hdr.hdr_len + hdr.str_off;
	for (off = 0; off + sizeof(struct btf_type) <= hdr.type_len;) {
		struct btf_type t;
		__u32 vlen, kind;

		memcpy(&t, types + off, sizeof(t));
		vlen = t.info & 0xffff;
		kind = (t.info >> 24) & 0x1f;
		id++;
		if (kind == BTF_KIND_FUNC && t.name_off < hdr.str_len &&
		    !strcmp(strs + t.name_off, name)) {
			found = id;
			break;
		}
		off += sizeof(t);
		switch (kind) {
		case 1:  /* INT */
		case 14: /* VAR */
		case 17: /* DECL_TAG */
			off += 4;
			break;
		case 3:  /* ARRAY */
			off += 12;
			break;
		case 4:  /* STRUCT */
		case 5:  /* UNION */
		case 15: /* DATASEC */
		case 19: /* ENUM64 */
			off += 12 * (size_t)vlen;
			break;
		case 6:  /* ENUM */
		case 13: /* FUNC_PROTO */
			off += 8 * (size_t)vlen;
			break;
		case 2: case 7: case 8: case 9: case 10: case 11: case 12:
		case 16: case 18:
			break;
		default: /* a kind this walker does not know */
			goto out;
		}
	}
out:
	free(data);
	return found;
}

/* ---- allcmds BPFFS: each of the 39 commands, success and failure ------- */

struct ac_objs {
	int hash, array, sock, skb_a, skb_b, rawtp, iter, btf;
	__u32 hash_id, array_id, sock_id, skb_a_id, skb_b_id, rawtp_id, btf_id;
	int cg;
	char cg_path[PATH_MAX + 64];
};

/* Program info with room for CAP map ids (at most 4): the kernel fills
 * min(CAP, maps) entries; the rest keep the 0xaaaaaaaa put there. */
static void info_prog_maps(const char *tag, int fd, __u32 cap)
{
	static struct bpf_prog_info info;
	static __u32 ids[4];

	memset(&info, 0, sizeof(info));
	memset(ids, 0xaa, sizeof(ids));
	info.nr_map_ids = cap;
	info.map_ids = ptr_to_u64(ids);
	attr_new();
	set32(0, fd);
	set32(4, sizeof(info));
	setptr(8, &info);
	call(BPF_OBJ_GET_INFO_BY_FD, tag, 16);
	note("info_len=%u nr_map_ids_in=%u nr_map_ids=%u map_ids=%u,%u",
	     get32(4), cap, info.nr_map_ids, ids[0], ids[1]);
}

/* Raw tracepoint link info with a buffer for the tracepoint's name. */
static void info_link_name(const char *tag, int fd)
{
	static struct bpf_link_info info;
	static char name[64];

	memset(&info, 0, sizeof(info));
	memset(name, 0, sizeof(name));
	info.raw_tracepoint.tp_name = ptr_to_u64(name);
	info.raw_tracepoint.tp_name_len = sizeof(name);
	attr_new();
	set32(0, fd);
	set32(4, sizeof(info));
	setptr(8, &info);
	call(BPF_OBJ_GET_INFO_BY_FD, tag, 16);
	note("info_len=%u type=%u id=%u prog_id=%u tp_name=%s tp_name_len=%u",
	     get32(4), info.type, info.id, info.prog_id, name,
	     info.raw_tracepoint.tp_name_len);
}

/* BTF info with a buffer for the BTF's name. */
static void info_btf_name(const char *tag, int fd)
{
	static struct bpf_btf_info info;
	static char name[64];

	memset(&info, 0, sizeof(info));
	memset(name, 0, sizeof(name));
	info.name = ptr_to_u64(name);
	info.name_len = sizeof(name);
	attr_new();
	set32(0, fd);
	set32(4, sizeof(info));
	setptr(8, &info);
	call(BPF_OBJ_GET_INFO_BY_FD, tag, 16);
	note("info_len=%u id=%u btf_size=%u name=%s name_len=%u kernel_btf=%u",
	     get32(4), info.id, info.btf_size, name[0] ? name : "-",
	     info.name_len, info.kernel_btf);
}

static void ac_maps(struct ac_objs *o)
{
	__u32 key, next, keys[16] = { 1, 2, 3, 4 }, got_keys[16], out_batch;
	__u64 value, values[16] = { 10, 20, 30, 40 }, got_values[16];

	o->hash = mk_map("map_hash", BPF_MAP_TYPE_HASH, 4, 8, 16,
			 BPF_F_NO_PREALLOC, "ac_hash", 92);
	o->array = mk_map("map_array", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0,
			  "ac_array", 92);
	if (o->hash < 0 || o->array < 0)
		fail("BPF_MAP_CREATE");
	{
		long fd = mk_map("map_flags", BPF_MAP_TYPE_ARRAY, 4, 8, 4,
				 BPF_F_RDONLY_PROG | BPF_F_MMAPABLE,
				 "ac_flags", 92);

		if (fd >= 0)
			close((int)fd);
	}
	mk_map("map_bad_type", 9999, 4, 8, 4, 0, "ac_bad", 92);
	mk_map("map_bad_name", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "ac-bad", 92);

	key = 1, value = 0x1111;
	elem(BPF_MAP_UPDATE_ELEM, "update", o->hash, &key, &value, BPF_ANY);
	note("key=%u value=%llu flags=BPF_ANY", key, (unsigned long long)value);
	elem(BPF_MAP_UPDATE_ELEM, "update_exists", o->hash, &key, &value,
	     BPF_NOEXIST);
	key = 2, value = 0x2222;
	elem(BPF_MAP_UPDATE_ELEM, "update2", o->hash, &key, &value,
	     BPF_NOEXIST);
	elem(BPF_MAP_UPDATE_ELEM, "update_lock", o->hash, &key, &value,
	     BPF_EXIST | BPF_F_LOCK);
	key = 1, value = 0;
	elem(BPF_MAP_LOOKUP_ELEM, "lookup", o->hash, &key, &value, 0);
	note("key=%u value=%llu", key, (unsigned long long)value);
	key = 7;
	elem(BPF_MAP_LOOKUP_ELEM, "lookup_missing", o->hash, &key, &value, 0);
	/* BPF_F_CPU (newest UAPI) with CPU 3 in the upper half. */
	key = 1;
	elem(BPF_MAP_LOOKUP_ELEM, "lookup_cpu", o->hash, &key, &value,
	     (3ull << 32) | 0x8 /* BPF_F_CPU */);

	next = 0;
	elem(BPF_MAP_GET_NEXT_KEY, "next_key_first", o->hash, NULL, &next, 0);
	note("next_key=%u", next);
	key = next;
	elem(BPF_MAP_GET_NEXT_KEY, "next_key_second", o->hash, &key, &next, 0);
	note("next_key=%u", next);
	key = next;
	elem(BPF_MAP_GET_NEXT_KEY, "next_key_end", o->hash, &key, &next, 0);

	key = 2;
	attr_new();
	set32(0, o->hash);
	setptr(8, &key);
	call(BPF_MAP_DELETE_ELEM, "delete", 16);
	call(BPF_MAP_DELETE_ELEM, "delete_missing", 16);
	/* A value pointer: past DELETE's last field (key), so EINVAL. */
	setptr(16, &value);
	call(BPF_MAP_DELETE_ELEM, "delete_value_ptr", 32);

	key = 1, value = 0;
	elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "lookup_and_delete", o->hash,
	     &key, &value, 0);
	note("key=%u value=%llu", key, (unsigned long long)value);
	elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "lookup_and_delete_missing",
	     o->hash, &key, &value, 0);

	/* The hash is empty again: the batch commands. */
	batch(BPF_MAP_UPDATE_BATCH, "update_batch", o->hash, keys, values, 4,
	      NULL);
	batch(BPF_MAP_LOOKUP_BATCH, "lookup_batch", o->hash, got_keys,
	      got_values, 16, &out_batch);
	batch(BPF_MAP_DELETE_BATCH, "delete_batch", o->hash, keys, NULL, 2,
	      NULL);
	batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, "lookup_and_delete_batch",
	      o->hash, got_keys, got_values, 16, &out_batch);
	batch(BPF_MAP_DELETE_BATCH, "delete_batch_array", o->array, keys,
	      NULL, 1, NULL);

	/* Freeze the array: a second freeze is EBUSY, writes are EPERM. */
	attr_new();
	set32(0, o->array);
	call(BPF_MAP_FREEZE, "freeze", 4);
	call(BPF_MAP_FREEZE, "freeze_again", 4);
	key = 0, value = 5;
	elem(BPF_MAP_UPDATE_ELEM, "update_frozen", o->array, &key, &value,
	     BPF_ANY);
}

static void ac_progs(struct ac_objs *o, __u32 iter_btf_id)
{
	static const struct bpf_insn bad[] = { { .code = BPF_JMP | BPF_EXIT } };
	static char log[4096];
	struct two_insns zero = ret_imm(0);
	struct load_args a;
	long fd;

	o->sock = load_simple("load_sock", BPF_PROG_TYPE_SOCKET_FILTER, 42,
			      "ac_sock", 0);
	/* exit without setting r0: the verifier says "R0 !read_ok" */
	a = (struct load_args){ .type = BPF_PROG_TYPE_SOCKET_FILTER,
		.insns = bad, .insn_cnt = 1, .name = "ac_bad", .log = log,
		.log_size = sizeof(log), .log_level = 1 };
	load("load_bad", &a);
	a.insn_cnt = 0;
	load("load_empty", &a);
	/* prog_flags, kern_version (KERNEL_VERSION(6, 18, 44)), log flags */
	a = (struct load_args){ .type = BPF_PROG_TYPE_SOCKET_FILTER,
		.insns = zero.i, .insn_cnt = 2, .name = "ac_flags",
		.log = log, .log_size = sizeof(log), .log_level = 1 | 4,
		.prog_flags = BPF_F_STRICT_ALIGNMENT,
		.kern_version = (6 << 16) + (18 << 8) + 44 };
	fd = load("load_flags", &a);
	if (fd >= 0)
		close((int)fd);
	o->skb_a = load_simple("load_skb_a", BPF_PROG_TYPE_CGROUP_SKB, 1,
			       "ac_skb_a", 0);
	o->skb_b = load_simple("load_skb_b", BPF_PROG_TYPE_CGROUP_SKB, 1,
			       "ac_skb_b", 0);
	o->rawtp = load_simple("load_rawtp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0,
			       "ac_rawtp", 0);
	if (o->sock < 0 || o->skb_a < 0 || o->skb_b < 0 || o->rawtp < 0)
		fail("BPF_PROG_LOAD");
	o->iter = -1;
	if (iter_btf_id) {
		a = (struct load_args){ .type = BPF_PROG_TYPE_TRACING,
			.expected_attach_type = BPF_TRACE_ITER,
			.attach_btf_id = iter_btf_id, .insns = zero.i,
			.insn_cnt = 2, .name = "ac_iter", .log = log,
			.log_size = sizeof(log), .log_level = 1 };
		o->iter = load("load_iter", &a);
		note("attach_btf_id=%u", iter_btf_id);
	}

	o->btf = load_btf("btf_load", 0, log, sizeof(log), 40);
	load_btf("btf_load_bad_magic", 1, log, sizeof(log), 40);
	if (o->btf < 0)
		fail("BPF_BTF_LOAD");
}

static void ac_info_ids(struct ac_objs *o)
{
	static __u64 info[128];

	o->hash_id = info_id("info_hash", o->hash, 0);
	o->array_id = info_id("info_array", o->array, 0);
	o->sock_id = info_id("info_sock", o->sock, 0);
	o->skb_a_id = info_id("info_skb_a", o->skb_a, 0);
	o->skb_b_id = info_id("info_skb_b", o->skb_b, 0);
	o->rawtp_id = info_id("info_rawtp", o->rawtp, 0);
	o->btf_id = info_id("info_btf", o->btf, 1);

	/* A nonzero byte past the kernel's struct bpf_map_info: E2BIG. */
	memset(info, 0, sizeof(info));
	((__u8 *)info)[600] = 1;
	attr_new();
	set32(0, o->hash);
	set32(4, sizeof(info));
	setptr(8, info);
	call(BPF_OBJ_GET_INFO_BY_FD, "info_e2big", 16);
	note("info_len=%u", get32(4));
	set32(0, 9999);
	call(BPF_OBJ_GET_INFO_BY_FD, "info_bad_fd", 16);
	/* Room for type and id only. */
	memset(info, 0, sizeof(info));
	attr_new();
	set32(0, o->sock);
	set32(4, 8);
	setptr(8, info);
	call(BPF_OBJ_GET_INFO_BY_FD, "info_sock_8", 16);
	{
		__u32 head[2];

		memcpy(head, info, sizeof(head));
		note("info_len=%u type=%u id=%u", get32(4), head[0], head[1]);
	}

	next_id(BPF_PROG_GET_NEXT_ID, "prog_next_id_0", 0);
	next_id(BPF_PROG_GET_NEXT_ID, "prog_next_id", o->sock_id - 1);
	next_id(BPF_PROG_GET_NEXT_ID, "prog_next_id_end", 0x7ffffffe);
	next_id(BPF_PROG_GET_NEXT_ID, "prog_next_id_intmax", 0x7fffffff);
	next_id(BPF_MAP_GET_NEXT_ID, "map_next_id", o->hash_id - 1);
	next_id(BPF_MAP_GET_NEXT_ID, "map_next_id_end", 0x7ffffffe);
	next_id(BPF_BTF_GET_NEXT_ID, "btf_next_id", o->btf_id - 1);
	next_id(BPF_BTF_GET_NEXT_ID, "btf_next_id_end", 0x7ffffffe);

	fd_by_id(BPF_PROG_GET_FD_BY_ID, "prog_by_id", o->sock_id, 0, 12);
	fd_by_id(BPF_PROG_GET_FD_BY_ID, "prog_by_id_missing", 0x7ffffffe, 0, 12);
	/* open_flags is past PROG_GET_FD_BY_ID's last field (prog_id). */
	fd_by_id(BPF_PROG_GET_FD_BY_ID, "prog_by_id_flags", o->sock_id,
		 BPF_F_RDONLY, 12);
	{
		long ro = fd_by_id(BPF_MAP_GET_FD_BY_ID, "map_by_id_rdonly",
				   o->hash_id, BPF_F_RDONLY, 12);
		__u32 key = 3;
		__u64 value = 3;

		fd_by_id(BPF_MAP_GET_FD_BY_ID, "map_by_id_rdwr", o->hash_id,
			 BPF_F_RDONLY | BPF_F_WRONLY, 12);
		elem(BPF_MAP_UPDATE_ELEM, "update_rdonly", (int)ro, &key,
		     &value, BPF_ANY);
		if (ro >= 0)
			close((int)ro);
	}
	fd_by_id(BPF_BTF_GET_FD_BY_ID, "btf_by_id", o->btf_id, 0, 16);
	fd_by_id(BPF_BTF_GET_FD_BY_ID, "btf_by_id_missing", 0x7ffffffe, 0, 16);
	{
		/* BTF id 1 is the kernel's own (vmlinux). */
		long vmlinux = fd_by_id(BPF_BTF_GET_FD_BY_ID, "btf_by_id_1", 1,
					0, 16);

		if (vmlinux >= 0) {
			info_btf_name("info_btf_vmlinux", (int)vmlinux);
			close((int)vmlinux);
		}
		info_btf_name("info_btf_name", o->btf);
	}
}

static void ac_pin(struct ac_objs *o, const char *dir)
{
	char path[PATH_MAX + 16], missing[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/ac_map", dir);
	snprintf(missing, sizeof(missing), "%s/ac_missing", dir);
	unlink(path);
	attr_new();
	setptr(0, path);
	set32(8, o->hash);
	call(BPF_OBJ_PIN, "pin", 20);
	note("pathname=%s bpf_fd=%d", path, o->hash);
	call(BPF_OBJ_PIN, "pin_exists", 20);
	attr_new();
	setptr(0, path);
	set32(12, BPF_F_RDONLY);
	call(BPF_OBJ_GET, "obj_get", 20);
	note("pathname=%s file_flags=%d", path, BPF_F_RDONLY);
	setptr(0, missing);
	call(BPF_OBJ_GET, "obj_get_missing", 20);
	note("pathname=%s", missing);
	setptr(0, path);
	set32(12, 0x1);
	call(BPF_OBJ_GET, "obj_get_bad_flags", 20);
	/* Relative to a directory fd (BPF_F_PATH_FD, 6.5). */
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		long fd;

		attr_new();
		setptr(0, "ac_map");
		set32(12, 0x4000 /* BPF_F_PATH_FD */);
		set32(16, dfd);
		fd = call(BPF_OBJ_GET, "obj_get_path_fd", 20);
		note("pathname=ac_map path_fd=%d", dfd);
		if (fd >= 0)
			close((int)fd);
		if (dfd >= 0)
			close(dfd);
	}
	unlink(path);
}

static void ac_test_run(struct ac_objs *o)
{
	static __u8 data_in[64], data_out[128];
	size_t i;

	for (i = 0; i < sizeof(data_in); i++)
		data_in[i] = (__u8)i;
	memset(data_out, 0, sizeof(data_out));
	attr_new();
	set32(0, o->sock);
	set32(8, sizeof(data_in));
	set32(12, sizeof(data_out));
	setptr(16, data_in);
	setptr(24, data_out);
	set32(32, 1);
	call(BPF_PROG_TEST_RUN, "test_run", 80);
	note("retval=%u data_size_out=%u duration=%u data_out=", get32(4),
	     get32(12), get32(36));
	for (i = 0; i < 16; i++)
		printf("%02x", data_out[i]);
	/* An output buffer too small: ENOSPC, sizes still written. */
	set32(4, 0);
	set32(12, 8);
	call(BPF_PROG_TEST_RUN, "test_run_enospc", 80);
	note("retval=%u data_size_out=%u", get32(4), get32(12));
	/* A __sk_buff context in and out (zeroed in). */
	{
		static struct __sk_buff ctx_in, ctx_out;

		memset(&ctx_in, 0, sizeof(ctx_in));
		memset(&ctx_out, 0xaa, sizeof(ctx_out));
		attr_new();
		set32(0, o->sock);
		set32(8, sizeof(data_in));
		setptr(16, data_in);
		set32(32, 1);
		set32(40, sizeof(ctx_in));
		set32(44, sizeof(ctx_out));
		setptr(48, &ctx_in);
		setptr(56, &ctx_out);
		call(BPF_PROG_TEST_RUN, "test_run_ctx_out", 80);
		note("retval=%u ctx_size_out=%u ctx_len=%u", get32(4),
		     get32(44), ctx_out.len);
	}
	/* ctx_size_in without ctx_in */
	attr_new();
	set32(0, o->sock);
	set32(8, sizeof(data_in));
	setptr(16, data_in);
	set32(40, 4);
	call(BPF_PROG_TEST_RUN, "test_run_ctx", 80);
}

static long attach(long cmd, const char *tag, int cg, int prog, __u32 type,
		   __u32 flags)
{
	attr_new();
	set32(0, cg);
	set32(4, prog);
	set32(8, type);
	set32(12, flags);
	return call(cmd, tag, 32);
}

static void query(const char *tag, int cg, __u32 cap, __u32 query_flags)
{
	__u32 ids[8] = { 0 };

	attr_new();
	set32(0, cg);
	set32(4, BPF_CGROUP_INET_INGRESS);
	set32(8, query_flags);
	setptr(16, ids);
	set32(24, cap);
	call(BPF_PROG_QUERY, tag, 64);
	note("attach_flags=%u prog_cnt=%u revision=%llu ids=%u,%u", get32(12),
	     get32(24), (unsigned long long)get64(56), ids[0], ids[1]);
}

static void ac_cgroup(struct ac_objs *o)
{
	attach(BPF_PROG_ATTACH, "attach_a", o->cg, o->skb_a,
	       BPF_CGROUP_INET_INGRESS, BPF_F_ALLOW_MULTI);
	/* skb_b goes before skb_a, named by id (BPF_F_ID: relative_id). */
	attr_new();
	set32(0, o->cg);
	set32(4, o->skb_b);
	set32(8, BPF_CGROUP_INET_INGRESS);
	set32(12, BPF_F_ALLOW_MULTI | 0x8 /* BPF_F_BEFORE */ | 0x20 /* BPF_F_ID */);
	set32(20, o->skb_a_id);
	call(BPF_PROG_ATTACH, "attach_b", 32);
	note("relative_id=%u", o->skb_a_id);
	attach(BPF_PROG_ATTACH, "attach_bad_type", o->cg, o->skb_a, 9999,
	       BPF_F_ALLOW_MULTI);
	query("query", o->cg, 8, 0);
	query("query_enospc", o->cg, 1, 0);
	query("query_bad_flags", o->cg, 8, 0x80);
	attach(BPF_PROG_DETACH, "detach_b", o->cg, o->skb_b,
	       BPF_CGROUP_INET_INGRESS, 0);
	attach(BPF_PROG_DETACH, "detach_b_again", o->cg, o->skb_b,
	       BPF_CGROUP_INET_INGRESS, 0);
	attach(BPF_PROG_DETACH, "detach_a", o->cg, o->skb_a,
	       BPF_CGROUP_INET_INGRESS, 0);
}

static long link_create(const char *tag, int prog, int target, __u32 type)
{
	attr_new();
	set32(0, prog);
	set32(4, target);
	set32(8, type);
	return call(BPF_LINK_CREATE, tag, 64);
}

static long raw_tp_open(const char *tag, const char *name, int prog,
			unsigned long size, __u64 cookie)
{
	attr_new();
	setptr(0, name);
	set32(8, prog);
	set64(16, cookie);
	return call(BPF_RAW_TRACEPOINT_OPEN, tag, size);
}

static void task_fd_query(const char *tag, int fd, __u32 buf_len)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	attr_new();
	set32(0, getpid());
	set32(4, fd);
	set32(12, buf_len);
	setptr(16, buf);
	call(BPF_TASK_FD_QUERY, tag, 48);
	note("pid=%d fd=%d buf_len=%u prog_id=%u fd_type=%u buf=%s",
	     (int)getpid(), fd, get32(12), get32(24), get32(28),
	     buf[0] ? buf : "-");
}

/*
 * LINK_CREATE once per arm of the link_create union, with a socket filter
 * the kernel refuses for each of them: the decoding of each arm (which
 * field at which offset, nested under which key) is what is checked.
 */
static void ac_link_arms(struct ac_objs *o)
{
	static const char *syms[2] = { "bpfspy_fn_a", "bpfspy_fn_b" };
	static __u64 cookies[2] = { 0x11, 0x22 }, offsets[1] = { 0x1000 };

	/* kprobe_multi: flags 16, cnt 20, syms 24, addrs 32, cookies 40 */
	attr_new();
	set32(0, o->sock);
	set32(8, 42 /* BPF_TRACE_KPROBE_MULTI */);
	set32(16, 1 /* BPF_F_KPROBE_MULTI_RETURN */);
	set32(20, 2);
	setptr(24, syms);
	setptr(40, cookies);
	call(BPF_LINK_CREATE, "link_kprobe_multi", 64);

	/* uprobe_multi: path 16, offsets 24, ref_ctr_offsets 32, cookies
	 * 40, cnt 48, flags 52, pid 56 */
	attr_new();
	set32(0, o->sock);
	set32(8, 48 /* BPF_TRACE_UPROBE_MULTI */);
	setptr(16, "/proc/self/exe");
	setptr(24, offsets);
	set32(48, 1);
	set32(52, 1 /* BPF_F_UPROBE_MULTI_RETURN */);
	set32(56, getpid());
	call(BPF_LINK_CREATE, "link_uprobe_multi", 64);
	note("pid=%d", (int)getpid());

	/* tcx: target_ifindex 4, flags 12, relative_id 16, revision 24 */
	attr_new();
	set32(0, o->sock);
	set32(4, 1);
	set32(8, 46 /* BPF_TCX_INGRESS */);
	set32(12, 0x8 | 0x20 /* BPF_F_BEFORE | BPF_F_ID */);
	set32(16, 12345);
	set64(24, 7);
	call(BPF_LINK_CREATE, "link_tcx", 64);

	/* netkit: relative_fd 16 (no BPF_F_ID) */
	attr_new();
	set32(0, o->sock);
	set32(4, 1);
	set32(8, 54 /* BPF_NETKIT_PRIMARY */);
	set32(12, 0x10 /* BPF_F_AFTER */);
	set32(16, o->skb_a);
	call(BPF_LINK_CREATE, "link_netkit", 64);

	/* netfilter: pf 16, hooknum 20, priority 24, flags 28 */
	attr_new();
	set32(0, o->sock);
	set32(8, 45 /* BPF_NETFILTER */);
	set32(16, 2 /* NFPROTO_IPV4 */);
	set32(20, 1);
	set32(24, (__u32)-100);
	set32(28, 1 /* BPF_F_NETFILTER_IP_DEFRAG */);
	call(BPF_LINK_CREATE, "link_netfilter", 64);

	/* perf_event: bpf_cookie 16 */
	attr_new();
	set32(0, o->sock);
	set32(8, 41 /* BPF_PERF_EVENT */);
	set64(16, 0xabcdef);
	call(BPF_LINK_CREATE, "link_perf_event", 64);

	/* tracing (fentry): target_btf_id 16, cookie 24 */
	attr_new();
	set32(0, o->sock);
	set32(8, 24 /* BPF_TRACE_FENTRY */);
	set32(16, 777);
	set64(24, 0x99);
	call(BPF_LINK_CREATE, "link_fentry", 64);

	/* xdp: target_ifindex 4, flags 12 as XDP flags */
	attr_new();
	set32(0, o->sock);
	set32(4, 1);
	set32(8, 37 /* BPF_XDP */);
	set32(12, 2 /* XDP_FLAGS_SKB_MODE */);
	call(BPF_LINK_CREATE, "link_xdp", 64);

	/* struct_ops: offset 0 is a map fd */
	attr_new();
	set32(0, o->array);
	set32(8, 44 /* BPF_STRUCT_OPS */);
	call(BPF_LINK_CREATE, "link_struct_ops", 64);
}

static void ac_links(struct ac_objs *o)
{
	__u32 link_id, rawtp_link_id;
	long link, rawtp_link, iter_link = -1, r;
	char buf[256];

	link = link_create("link_cgroup", o->skb_a, o->cg,
			   BPF_CGROUP_INET_INGRESS);
	link_create("link_bad_prog", o->sock, o->cg, BPF_CGROUP_INET_INGRESS);
	rawtp_link = raw_tp_open("raw_tp_open", "sys_enter", o->rawtp, 24,
				 0x1122334455667788ull);
	note("cookie=0x1122334455667788");
	raw_tp_open("raw_tp_open_missing", "bpfspy_no_such_tp", o->rawtp, 24, 0);
	if (link < 0 || rawtp_link < 0)
		fail("BPF_LINK_CREATE/BPF_RAW_TRACEPOINT_OPEN");
	link_id = info_id("info_link", (int)link, 0);
	rawtp_link_id = info_id("info_rawtp_link", (int)rawtp_link, 0);
	note("rawtp_link_id=%u", rawtp_link_id);
	info_link_name("info_rawtp_link_name", (int)rawtp_link);
	next_id(BPF_LINK_GET_NEXT_ID, "link_next_id", link_id - 1);
	next_id(BPF_LINK_GET_NEXT_ID, "link_next_id_end", 0x7ffffffe);
	fd_by_id(BPF_LINK_GET_FD_BY_ID, "link_by_id", link_id, 0, 12);
	fd_by_id(BPF_LINK_GET_FD_BY_ID, "link_by_id_missing", 0x7ffffffe, 0, 12);

	/* Replace skb_a by skb_b; a second time skb_a is no longer there. */
	attr_new();
	set32(0, (__u32)link);
	set32(4, o->skb_b);
	set32(8, BPF_F_REPLACE);
	set32(12, o->skb_a);
	call(BPF_LINK_UPDATE, "link_update", 16);
	call(BPF_LINK_UPDATE, "link_update_stale", 16);
	query("query_link", o->cg, 8, 0);

	task_fd_query("task_fd_query", (int)rawtp_link, 64);
	task_fd_query("task_fd_query_enospc", (int)rawtp_link, 4);
	task_fd_query("task_fd_query_map", o->hash, 64);

	if (o->iter >= 0) {
		iter_link = link_create("link_iter", o->iter, 0, BPF_TRACE_ITER);
		attr_new();
		set32(0, (__u32)iter_link);
		r = call(BPF_ITER_CREATE, "iter_create", 8);
		if (r >= 0) {
			ssize_t got, total = 0;

			while ((got = read((int)r, buf, sizeof(buf))) > 0)
				total += got;
			note("read=%zd", got < 0 ? got : total);
			close((int)r);
		}
	}
	/* A cgroup link is no iterator. */
	attr_new();
	set32(0, (__u32)link);
	call(BPF_ITER_CREATE, "iter_create_not_iter", 8);
	set32(4, 1);
	call(BPF_ITER_CREATE, "iter_create_flags", 8);

	attr_new();
	set32(0, (__u32)link);
	call(BPF_LINK_DETACH, "link_detach", 4);
	call(BPF_LINK_DETACH, "link_detach_again", 4);
	set32(0, (__u32)rawtp_link);
	call(BPF_LINK_DETACH, "link_detach_rawtp", 4);
	close((int)link);
	close((int)rawtp_link);
	if (iter_link >= 0)
		close((int)iter_link);
}

static void ac_rest(struct ac_objs *o, const char *bpffs)
{
	char buf[256], log[256];
	__u8 common[24];
	long fd;
	int dir;

	attr_new();
	set32(0, 0);  /* BPF_STATS_RUN_TIME */
	fd = call(BPF_ENABLE_STATS, "enable_stats", 4);
	if (fd >= 0)
		close((int)fd);
	set32(0, 1);
	call(BPF_ENABLE_STATS, "enable_stats_bad_type", 4);

	attr_new();
	set32(0, o->sock);
	set32(4, o->array);
	call(BPF_PROG_BIND_MAP, "bind_map", 12);
	call(BPF_PROG_BIND_MAP, "bind_map_again", 12);
	set32(8, 1);
	call(BPF_PROG_BIND_MAP, "bind_map_flags", 12);
	info_prog_maps("info_sock_map_ids", o->sock, 4);
	attr_new();
	set32(0, o->sock);
	set32(4, o->hash);
	call(BPF_PROG_BIND_MAP, "bind_map_hash", 12);
	/* Room for one id of two: the kernel fills one, says 2. */
	info_prog_maps("info_sock_map_ids_short", o->sock, 1);

	/* From the init user namespace: EOPNOTSUPP on a bpffs root. */
	dir = open(bpffs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	attr_new();
	set32(4, dir);
	call(CMD_TOKEN_CREATE, "token_create", 8);
	note("bpffs_fd=%d", dir);
	if (dir >= 0)
		close(dir);
	dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	set32(4, dir);
	call(CMD_TOKEN_CREATE, "token_create_not_bpffs", 8);
	note("bpffs_fd=%d", dir);
	if (dir >= 0)
		close(dir);

	memset(buf, 0, sizeof(buf));
	attr_new();
	setptr(0, buf);
	set32(8, sizeof(buf));
	set32(12, 2);  /* BPF_STREAM_STDERR */
	set32(16, o->sock);
	fd = call(CMD_PROG_STREAM_READ_BY_FD, "stream_read", 24);
	note("prog_fd=%d stream_id=2 read=%ld", o->sock, fd);
	set32(12, 3);
	call(CMD_PROG_STREAM_READ_BY_FD, "stream_read_bad_id", 24);

	attr_new();
	set32(0, o->array);
	set32(4, o->sock);
	call(CMD_PROG_ASSOC_STRUCT_OPS, "assoc_struct_ops", 12);

	/* The 5-argument form: a PROG_LOAD with a struct bpf_common_attr. */
	memset(common, 0, sizeof(common));
	memset(log, 0, sizeof(log));
	{
		__u64 p = ptr_to_u64(log);
		__u32 sz = sizeof(log), level = 1;

		memcpy(common, &p, 8);
		memcpy(common + 8, &sz, 4);
		memcpy(common + 12, &level, 4);
	}
	attr_new();
	errno = errno_preset;
	fd = syscall(__NR_bpf, BPF_PROG_LOAD | CMD_COMMON_ATTRS, attr_buf,
		     148, common, sizeof(common));
	last_errno = errno;
	emit(BPF_PROG_LOAD, "common_attrs", 148, fd);
	note("common_addr=%p common_size=%zu log_true_size=%u", (void *)common,
	     sizeof(common), ((__u32 *)common)[4]);

	attr_new();
	call(NCMDS, "cmd_39", 32);
}

static int do_allcmds(char **argv)
{
	struct ac_objs o;
	char mnt[PATH_MAX];
	__u32 iter_btf_id;

	memset(&o, 0, sizeof(o));
	if (!cgroup2_mount(mnt, sizeof(mnt))) {
		printf("# skip: no cgroup v2 mount in /proc/self/mounts\n");
		return EXIT_SKIP;
	}
	snprintf(o.cg_path, sizeof(o.cg_path), "%s/bpfspy-allcmds.%d", mnt,
		 (int)getpid());
	if (mkdir(o.cg_path, 0755) != 0) {
		printf("# skip: mkdir %s: %s\n", o.cg_path, strerror(errno));
		return EXIT_SKIP;
	}
	o.cg = open(o.cg_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	iter_btf_id = vmlinux_func_id("bpf_iter_bpf_map");
	{
		struct stat st;

		if (stat(o.cg_path, &st) != 0)
			st.st_ino = 0;
		printf("# cgroup=%s cgroup_fd=%d cgroup_ino=%llu iter_btf_id=%u pid=%d\n",
		       o.cg_path, o.cg, (unsigned long long)st.st_ino,
		       iter_btf_id, (int)getpid());
	}
	if (o.cg < 0) {
		rmdir(o.cg_path);
		printf("# skip: open %s failed\n", o.cg_path);
		return EXIT_SKIP;
	}

	ac_maps(&o);
	ac_progs(&o, iter_btf_id);
	ac_info_ids(&o);
	ac_pin(&o, argv[0]);
	ac_test_run(&o);
	ac_cgroup(&o);
	ac_links(&o);
	ac_link_arms(&o);
	ac_rest(&o, argv[0]);
	eol();

	close(o.cg);
	if (rmdir(o.cg_path) != 0)
		fprintf(stderr, "exerciser: rmdir %s: %s\n", o.cg_path,
			strerror(errno));
	return 0;
}

/* ---- sizes: the size argument and the tail rules ----------------------- */

/* Where each command's zero tail starts (bpf-abi.md §2, the kernel's
 * offsetofend(*_LAST_FIELD)).  LINK_CREATE: 64, the newest layout (6.18
 * checks from 60 already: see "link_create_tail_60"). */
static const unsigned short tail_from[] = {
	92, 32, 32, 16, 24, 168, 20, 20, 32, 32,
	76, 8, 8, 4, 12, 16, 64, 24, 40, 16,
	48, 32, 4, 8, 56, 56, 56, 56, 64, 16,
	4, 8, 4, 8, 4, 12, 8, 20, 8,
};

/* A MAP_CREATE attr (1-entry ARRAY) whose first READABLE bytes are mapped
 * and end where an unmapped page begins. */
static void *attr_before_hole(size_t readable)
{
	long page = sysconf(_SC_PAGESIZE);
	__u8 *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	__u32 v[4] = { BPF_MAP_TYPE_ARRAY, 4, 8, 1 };
	__u8 *a;

	if (p == MAP_FAILED) {
		perror("exerciser: mmap");
		exit(1);
	}
	munmap(p + page, page);
	a = p + page - readable;
	memset(a, 0, readable);
	memcpy(a, v, readable < sizeof(v) ? readable : sizeof(v));
	return a;
}

/* MAP_CREATE of a 1-entry ARRAY at SIZE with one nonzero byte at AT (0:
 * none). */
static long map_create_at(const char *tag, unsigned long size,
			  unsigned long at)
{
	long fd;

	attr_new();
	set32(0, BPF_MAP_TYPE_ARRAY);
	set32(4, 4);
	set32(8, 8);
	set32(12, 1);
	strcpy((char *)attr_buf + 28, "sz");
	if (at)
		attr_buf[at] = 1;
	fd = call(BPF_MAP_CREATE, tag, size);
	if (at)
		note("nonzero_at=%lu", at);
	if (fd >= 0)
		close((int)fd);
	return fd;
}

static void sizes_map_create(void)
{
	/* libbpf and older loaders: map_flags end (4.6), map_name end
	 * (4.15), map_ifindex, btf_value_type_id, btf_vmlinux_value_type_id,
	 * map_extra (5.16), map_token_fd (6.9), excl_prog_hash_size (6.18),
	 * the whole union, a page. */
	static const unsigned long ok[] = {
		20, 44, 48, 60, 64, 72, 80, 92, 168, BPF_PAGE,
	};
	static const struct {
		unsigned long size, at;
		const char *tag;
	} tails[] = {
		{ 96, 92, "map_create_tail_92" },
		{ 168, 167, "map_create_tail_167" },
		{ 172, 168, "map_create_tail_168" },
		{ 256, 200, "map_create_tail_200" },
		{ BPF_PAGE, 3000, "map_create_tail_3000" },
	};
	char tag[64];
	size_t i;

	map_create_at("map_create_0", 0, 0);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(tag, sizeof(tag), "map_create_%lu", ok[i]);
		map_create_at(tag, ok[i], 0);
	}
	map_create_at("map_create_4097", BPF_PAGE + 1, 0);
	map_create_at("map_create_huge", 0x7fffffff, 0);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		map_create_at(tails[i].tag, tails[i].size, tails[i].at);
	/* 40 nonzero bytes (100..139): 16 offsets listed, and the count. */
	attr_new();
	set32(0, BPF_MAP_TYPE_ARRAY);
	set32(4, 4);
	set32(8, 8);
	set32(12, 1);
	memset(attr_buf + 100, 0xff, 40);
	call(BPF_MAP_CREATE, "map_create_tail_many", 256);
	note("nonzero_at=100..139");

	call_at(BPF_MAP_CREATE, "null_attr_32", NULL, 32);
	call_at(BPF_MAP_CREATE, "null_attr_0", NULL, 0);
	call_at(BPF_MAP_CREATE, "unmapped_attr", unmapped_page(), 32);
	call_at(BPF_MAP_CREATE, "straddle_16", attr_before_hole(16), 32);
	call_at(BPF_MAP_CREATE, "tail_unreadable", attr_before_hole(256),
		BPF_PAGE);
}

static void sizes_prog_load(void)
{
	/* prog_name end... expected_attach_type (4.17), line_info_cnt (5.0),
	 * attach_prog_fd (5.5), core_relo_cnt, fd_array (5.14), core_relos,
	 * log_true_size (6.4), prog_token_fd (6.9), fd_array_cnt (6.14),
	 * keyring_id (6.18), a page. */
	static const unsigned long ok[] = {
		72, 108, 116, 120, 128, 144, 148, 152, 168, BPF_PAGE,
	};
	static const struct bpf_insn bad[] = { { .code = BPF_JMP | BPF_EXIT } };
	static char small[16];
	struct load_args a = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = bad,
		.insn_cnt = 1, .name = "sz_enospc", .log = small,
		.log_size = sizeof(small), .log_level = 1,
	};
	char tag[64];
	size_t i;
	long fd;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(tag, sizeof(tag), "prog_load_%lu", ok[i]);
		fd = load_simple(tag, BPF_PROG_TYPE_SOCKET_FILTER, 7, "sz",
				 ok[i]);
		if (fd >= 0)
			close((int)fd);
	}
	load_simple("prog_load_4097", BPF_PROG_TYPE_SOCKET_FILTER, 7, "sz",
		    BPF_PAGE + 1);

	/* Past the union (168): E2BIG, nonzero in or beyond the snapshot. */
	{
		struct two_insns p = ret_imm(7);
		static const struct { unsigned long size, at; const char *tag; } t[] = {
			{ 172, 168, "prog_load_tail_168" },
			{ BPF_PAGE, 3000, "prog_load_tail_3000" },
		};

		for (i = 0; i < 2; i++) {
			attr_new();
			set32(0, BPF_PROG_TYPE_SOCKET_FILTER);
			set32(4, 2);
			setptr(8, p.i);
			setptr(16, "GPL");
			attr_buf[t[i].at] = 1;
			call(BPF_PROG_LOAD, t[i].tag, t[i].size);
			note("nonzero_at=%lu", t[i].at);
		}
	}

	/* A 16-byte log for a program the verifier rejects: ENOSPC. */
	load("prog_load_enospc", &a);
	/* The same at 128 bytes: no log_true_size to report. */
	a.size = 128;
	load("prog_load_enospc_128", &a);
}

static void sizes_others(void)
{
	static char log[4096];
	__u32 key = 0;
	__u64 value = 0;
	long map, prog, fd;
	size_t i;

	map = mk_map("array", BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "sz_array", 92);
	if (map < 0)
		fail("BPF_MAP_CREATE");
	/* LOOKUP without flags (24), with (32), a nonzero byte past flags. */
	attr_new();
	set32(0, (__u32)map);
	setptr(8, &key);
	setptr(16, &value);
	call(BPF_MAP_LOOKUP_ELEM, "lookup_24", 24);
	call(BPF_MAP_LOOKUP_ELEM, "lookup_32", 32);
	attr_buf[33] = 1;
	call(BPF_MAP_LOOKUP_ELEM, "lookup_tail_33", 40);
	note("nonzero_at=33");

	/* BTF_LOAD: btf_log_level end (28, before 6.4), btf_log_true_size
	 * (32), btf_token_fd (40). */
	fd = load_btf("btf_load_28", 0, log, sizeof(log), 28);
	if (fd >= 0)
		close((int)fd);
	fd = load_btf("btf_load_32", 0, log, sizeof(log), 32);
	if (fd >= 0)
		close((int)fd);
	fd = load_btf("btf_load_40", 0, log, sizeof(log), 40);
	if (fd >= 0)
		close((int)fd);

	/* RAW_TRACEPOINT_OPEN without (16) and with (24) the cookie. */
	prog = load_simple("load_rawtp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0,
			   "sz_rawtp", 0);
	fd = raw_tp_open("raw_tp_open_16", "sys_enter", (int)prog, 16, 0);
	if (fd >= 0)
		close((int)fd);
	fd = raw_tp_open("raw_tp_open_24", "sys_enter", (int)prog, 24, 0);
	if (fd >= 0)
		close((int)fd);

	/* PROG_TEST_RUN: ctx_out end (64, 5.2), cpu (72, 5.10), batch_size
	 * (76, 5.18), the padded struct (80, libbpf). */
	{
		static const unsigned long sizes[] = { 64, 72, 76, 80 };
		static __u8 data[64];
		struct two_insns p = ret_imm(7);
		struct load_args a = {
			.type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = p.i,
			.insn_cnt = 2, .name = "sz_test_run",
		};
		long sock = load("load_sock", &a);
		char tag[32];

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			snprintf(tag, sizeof(tag), "test_run_%lu", sizes[i]);
			attr_new();
			set32(0, (__u32)sock);
			set32(8, sizeof(data));
			setptr(16, data);
			set32(32, 1);
			call(BPF_PROG_TEST_RUN, tag, sizes[i]);
			note("retval=%u", get32(4));
		}
		/* LINK_CREATE: flags end (16, 5.7), iter_info_len (28, 5.9),
		 * the whole struct (64, libbpf). */
		for (i = 0; i < 3; i++) {
			static const unsigned long lsz[] = { 16, 28, 64 };

			snprintf(tag, sizeof(tag), "link_create_%lu", lsz[i]);
			attr_new();
			set32(0, (__u32)sock);
			set32(8, BPF_TRACE_ITER);
			set32(24, 8);
			call(BPF_LINK_CREATE, tag, lsz[i]);
		}
		close((int)sock);
	}
	/* OBJ_GET: file_flags end (16, 4.15), path_fd (20, 6.5). */
	attr_new();
	setptr(0, "/sys/fs/bpf/bpfspy-sizes-missing");
	call(BPF_OBJ_GET, "obj_get_16", 16);
	call(BPF_OBJ_GET, "obj_get_20", 20);

	/* A 16-byte log in BPF_LOG_FIXED mode: the start of the log. */
	{
		static const struct bpf_insn bad[] = { { .code = BPF_JMP | BPF_EXIT } };
		static char small[16];
		struct load_args a = {
			.type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = bad,
			.insn_cnt = 1, .name = "sz_fixed", .log = small,
			.log_size = sizeof(small), .log_level = 1 | 8,
		};

		load("prog_load_enospc_fixed", &a);
	}

	/* GET_NEXT_ID: 8 (next_id end) and 12 (libbpf). */
	attr_new();
	call(BPF_MAP_GET_NEXT_ID, "map_next_id_8", 8);
	note("next_id=%u", get32(4));
	call(BPF_MAP_GET_NEXT_ID, "map_next_id_12", 12);
	note("next_id=%u", get32(4));

	/* Each command, zero attr but one byte at its zero-tail offset. */
	for (i = 0; i < sizeof(tail_from) / sizeof(tail_from[0]); i++) {
		char tag[32];

		snprintf(tag, sizeof(tag), "tail_%zu", i);
		attr_new();
		attr_buf[tail_from[i]] = 1;
		call((long)i, tag, tail_from[i] + 8);
		note("nonzero_at=%u", tail_from[i]);
	}
	/* LINK_CREATE: 6.18 checks from uprobe_multi.pid's end (60). */
	attr_new();
	attr_buf[60] = 1;
	call(BPF_LINK_CREATE, "link_create_tail_60", 64);
	note("nonzero_at=60");
	close((int)prog);
	close((int)map);
}

static int do_sizes(char **argv UNUSED)
{
	sizes_map_create();
	sizes_prog_load();
	sizes_others();
	eol();
	return 0;
}

/* ---- eperm: run without capabilities ----------------------------------- */

static void print_caps(void)
{
	char line[256], capeff[64] = "?", sysctl[16] = "?";
	FILE *f = fopen("/proc/self/status", "r");

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CapEff: %63s", capeff) == 1)
				break;
		fclose(f);
	}
	f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r");
	if (f) {
		if (fscanf(f, "%15s", sysctl) != 1)
			strcpy(sysctl, "?");
		fclose(f);
	}
	printf("# capeff=%s uid=%d euid=%d unprivileged_bpf_disabled=%s\n",
	       capeff, (int)getuid(), (int)geteuid(), sysctl);
}

static int do_eperm(char **argv UNUSED)
{
	long fd;

	print_caps();
	mk_map("map_create_array", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "ep_array", 92);
	mk_map("map_create_hash", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, "ep_hash", 92);
	fd = load_simple("prog_load_socket_filter", BPF_PROG_TYPE_SOCKET_FILTER,
			 0, "ep_sock", 0);
	(void)fd;
	next_id(BPF_PROG_GET_NEXT_ID, "prog_get_next_id", 0);
	next_id(BPF_MAP_GET_NEXT_ID, "map_get_next_id", 0);
	next_id(BPF_BTF_GET_NEXT_ID, "btf_get_next_id", 0);
	next_id(BPF_LINK_GET_NEXT_ID, "link_get_next_id", 0);
	fd_by_id(BPF_PROG_GET_FD_BY_ID, "prog_get_fd_by_id", 1, 0, 12);
	fd_by_id(BPF_MAP_GET_FD_BY_ID, "map_get_fd_by_id", 1, 0, 12);
	fd_by_id(BPF_BTF_GET_FD_BY_ID, "btf_get_fd_by_id", 1, 0, 16);
	fd_by_id(BPF_LINK_GET_FD_BY_ID, "link_get_fd_by_id", 1, 0, 12);
	load_btf("btf_load", 0, NULL, 0, 40);
	attr_new();
	call(BPF_ENABLE_STATS, "enable_stats", 4);
	attr_new();
	set32(0, getpid());
	call(BPF_TASK_FD_QUERY, "task_fd_query", 48);
	/* The capability check comes before CHECK_ATTR: EPERM, not EINVAL. */
	attr_new();
	set32(4, BPF_CGROUP_INET_INGRESS);
	attr_buf[64] = 1;
	call(BPF_PROG_QUERY, "prog_query_tail", 72);
	note("nonzero_at=64");
	eol();
	return 0;
}

/* ---- rules: a passing and a failing call for the checker's rules -------- */

/* Pins of the array map @fd at DIR/NAME, tagged TAG. */
static void pin_at(const char *tag, int fd, const char *dir, const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	attr_new();
	setptr(0, path);
	set32(8, fd);
	if (call(BPF_OBJ_PIN, tag, 20) == 0)
		unlink(path);
	note("pathname=%s", path);
}

static void rules_elem(int arr, int hash)
{
	__u32 k0 = 0, k1 = 1, k3 = 3, k5 = 5, nk;
	__u64 v = 7;

	elem(BPF_MAP_LOOKUP_ELEM, "tail_ok", arr, &k0, &v, 0);
	attr_new();
	set32(0, arr);
	setptr(8, &k0);
	setptr(16, &v);
	attr_buf[40] = 1;
	call(BPF_MAP_LOOKUP_ELEM, "tail_bad", 48);
	attr_new();
	set32(0, arr);
	call(BPF_MAP_LOOKUP_ELEM, "tail_page", BPF_PAGE + 1);
	attr_new();
	set32(0, arr);
	attr_buf[180] = 1;
	call(BPF_MAP_LOOKUP_ELEM, "tail_union", 200);
	elem(BPF_MAP_UPDATE_ELEM, "upd_ok", arr, &k0, &v, BPF_ANY);
	elem(BPF_MAP_UPDATE_ELEM, "upd_bad_flags", arr, &k0, &v, 3);
	elem(BPF_MAP_UPDATE_ELEM, "upd_noexist", arr, &k0, &v, BPF_NOEXIST);
	elem(BPF_MAP_UPDATE_ELEM, "upd_exist", hash, &k5, &v, BPF_EXIST);
	elem(BPF_MAP_LOOKUP_ELEM, "lookup_bad_flags", arr, &k0, &v, BPF_NOEXIST);
	elem(BPF_MAP_GET_NEXT_KEY, "nextkey_null", arr, NULL, &nk, 0);
	elem(BPF_MAP_GET_NEXT_KEY, "nextkey_ok", arr, &k0, &nk, 0);
	elem(BPF_MAP_GET_NEXT_KEY, "nextkey_last", arr, &k3, &nk, 0);
	elem(BPF_MAP_UPDATE_ELEM, "hash_add", hash, &k1, &v, BPF_ANY);
	elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "pop_hash", hash, &k1, &v, 0);
	elem(BPF_MAP_FREEZE, "freeze_ok", arr, NULL, NULL, 0);
}

static void rules_queue(void)
{
	__u64 v = 9;
	__u32 k = 1;
	long q = mk_map("queue", BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, "rq", 72);

	if (q < 0)
		fail("BPF_MAP_CREATE (queue)");
	elem(BPF_MAP_UPDATE_ELEM, "push", (int)q, NULL, &v, BPF_ANY);
	elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "pop_ok", (int)q, NULL, &v, 0);
	elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "pop_key", (int)q, &k, &v, 0);
	close((int)q);
}

static void rules_batch(int hash)
{
	__u32 keys[2] = { 11, 12 }, cursor = 5;
	__u64 values[2] = { 1, 2 };

	batch(BPF_MAP_UPDATE_BATCH, "ubatch_ok", hash, keys, values, 2, NULL);
	batch(BPF_MAP_UPDATE_BATCH, "ubatch_dirty", hash, keys, values, 2, &cursor);
	batch(BPF_MAP_DELETE_BATCH, "dbatch_values", hash, keys, values, 2, NULL);
}

static void rules_log(void)
{
	static char log[4096];
	struct two_insns p = ret_imm(0);
	struct load_args a = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = p.i, .insn_cnt = 2,
		.name = "rules_log", .log = log, .log_size = sizeof(log),
	};
	long fd;

	load("log_nolevel", &a);
	a.log = NULL;
	a.log_level = 1;
	load("log_nobuf", &a);
	a.log = log;
	a.log_level = 0;
	a.log_level = 2;
	a.log_size = 16;
	fd = load("log_small", &a);
	if (fd >= 0)
		close((int)fd);
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = load("log_ok", &a);
	if (fd >= 0)
		close((int)fd);
}

/*
 * rules BPFFS OTHERDIR: calls that pass and calls that break each rule of
 * the checker (tags name them), on this kernel.  BPFFS is a BPF filesystem,
 * OTHERDIR any other directory.
 */
/*
 * rules2: good and bad calls for the rules of issue 18, each tagged:
 * PROG_QUERY's query_flags and attach_type, DELETE_BATCH's elem_flags,
 * BTF_LOAD without a buffer, ITER_CREATE on a map, GET_INFO's info_len,
 * GET_FD_BY_ID's id, PROG_TEST_RUN's ENOSPC, PROG_BIND_MAP's fds.
 */
static void query2(const char *tag, int target, __u32 type, __u32 flags)
{
	static __u32 ids[8];

	attr_new();
	set32(0, (__u32)target);
	set32(4, type);
	set32(8, flags);
	setptr(16, ids);
	set32(24, 8);
	call(BPF_PROG_QUERY, tag, 40);
}

static int do_rules2(char **argv)
{
	__u32 keys[1] = { 1 }, id;
	__u64 v = 3;
	static __u8 info[80], data[64], out[8];
	static char btf_junk[400];
	struct two_insns p = ret_imm(0);
	struct load_args a = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = p.i, .insn_cnt = 2,
		.name = "rules2",
	};
	long hash = mk_map("hash", BPF_MAP_TYPE_HASH, 4, 8, 8, 0, "r2hash", 72), prog;
	int cg = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (hash < 0 || cg < 0)
		fail("BPF_MAP_CREATE or the cgroup directory");
	query2("query_ok", cg, BPF_CGROUP_INET_INGRESS, BPF_F_QUERY_EFFECTIVE);
	query2("query_bad_flags", cg, BPF_CGROUP_INET_INGRESS, 2);
	query2("query_bad_type", cg, 999, 0);
	query2("query_not_cgroup", 0, BPF_CGROUP_INET_INGRESS, 0);

	attr_new();
	setptr(16, keys);
	set32(32, 1);
	set32(36, (__u32)hash);
	set64(40, BPF_NOEXIST);
	call(BPF_MAP_DELETE_BATCH, "dbatch_bad_flags", 56);

	attr_new();
	setptr(0, NULL);
	set32(16, sizeof(btf_junk));
	call(BPF_BTF_LOAD, "btf_null", 40);

	attr_new();
	set32(0, (__u32)hash);
	call(BPF_ITER_CREATE, "iter_on_map", 12);

	attr_new();
	set32(0, (__u32)hash);
	set32(4, sizeof(info));
	setptr(8, info);
	call(BPF_OBJ_GET_INFO_BY_FD, "info_ok", 16);
	memcpy(&id, info + 4, 4);   /* struct bpf_map_info: type, id */
	attr_new();
	set32(0, id);
	call(BPF_MAP_GET_FD_BY_ID, "fdbyid_ok", 12);

	prog = load("prog", &a);
	if (prog < 0)
		fail("BPF_PROG_LOAD");
	attr_new();
	set32(0, (__u32)prog);
	set32(8, sizeof(data));
	set32(12, sizeof(out));
	setptr(16, data);
	setptr(24, out);
	set32(32, 1);
	call(BPF_PROG_TEST_RUN, "testrun_small", 76);

	attr_new();
	set32(0, (__u32)prog);
	set32(4, (__u32)hash);
	call(BPF_PROG_BIND_MAP, "bind_ok", 12);
	attr_new();
	set32(0, (__u32)hash);
	set32(4, (__u32)prog);
	call(BPF_PROG_BIND_MAP, "bind_swapped", 12);

	attr_new();
	set32(0, (__u32)hash);
	call(BPF_MAP_FREEZE, "freeze", 4);
	elem(BPF_MAP_UPDATE_ELEM, "upd_frozen", (int)hash, keys, &v, BPF_ANY);
	eol();
	return 0;
}

static int do_rules(char **argv)
{
	long arr = mk_map("array", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "rarr", 72);
	long hash = mk_map("hash", BPF_MAP_TYPE_HASH, 4, 8, 8, 0, "rhash", 72);

	if (arr < 0 || hash < 0)
		fail("BPF_MAP_CREATE");
	rules_elem((int)arr, (int)hash);
	rules_queue();
	rules_batch((int)hash);
	rules_log();
	next_id(BPF_MAP_GET_NEXT_ID, "nextid", 0);
	pin_at("pin_ok", (int)arr, argv[0], "rules_map");
	pin_at("pin_dot", (int)arr, argv[0], "rules.map");
	pin_at("pin_other", (int)arr, argv[1], "rules_map");
	eol();
	return 0;
}

/* privs: calls whose EPERM the audit explains, for runs without some
 * capabilities. */
static int do_privs(char **argv UNUSED)
{
	static const struct bpf_insn tp[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct load_args a = { .insns = tp, .insn_cnt = 2 };

	print_caps();
	mk_map("map_hash", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, "pv_hash", 72);
	mk_map("map_lru", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, "pv_lru", 72);
	a.type = BPF_PROG_TYPE_TRACEPOINT;
	a.name = "pv_tp";
	load("prog_tp", &a);
	a.type = BPF_PROG_TYPE_XDP;
	a.name = "pv_xdp";
	load("prog_xdp", &a);
	next_id(BPF_PROG_GET_NEXT_ID, "prog_next_id", 0);
	eol();
	return 0;
}

/* raw CMD: one bpf(CMD, zeroed attr, 168) by the syscall instruction
 * itself, past libc and so past the shim (x86_64; elsewhere syscall()).
 * Prints "raw cmd=CMD ret=RET errno=ERRNO". */
static int do_raw(char **argv)
{
	static char attr[168];
	long cmd = strtol(argv[0], NULL, 0), ret;

	ret = raw_bpf(cmd, attr, sizeof(attr));
	printf("raw cmd=%#lx ret=%ld errno=%ld\n", cmd, ret < 0 ? -1 : ret, ret < 0 ? -ret : 0);
	return 0;
}

/* ---- raw*: bpf(2) past libc, for bpfspy run --seccomp-trap ------------- */

#define ALTSTACK_BYTES (64 * 1024)
#define STACK_POISON 0xa5

/* A poisoned alternate signal stack: the shim's SIGSYS handler runs on it
 * (SA_ONSTACK), and the untouched bytes at its bottom tell how much of it
 * the trapped calls used. */
static unsigned char *altstack_on(void)
{
	unsigned char *p = mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = p, .ss_size = ALTSTACK_BYTES };

	if (p == MAP_FAILED || (memset(p, STACK_POISON, ALTSTACK_BYTES), sigaltstack(&ss, NULL))) {
		perror("exerciser: sigaltstack");
		exit(1);
	}
	return p;
}

static unsigned char *altstack;

/* At exit, also after a failure. */
static void print_altstack_used(void)
{
	size_t i = 0;

	while (i < ALTSTACK_BYTES && altstack[i] == STACK_POISON)
		i++;
	printf("# altstack_used=%zu\n", (size_t)ALTSTACK_BYTES - i);
}

/* A map element call at the size libbpf passes (32). */
static long elem_call(long cmd, const char *tag, int fd, __u32 *key, __u64 *value)
{
	attr_new();
	set32(0, (__u32)fd);
	setptr(8, key);
	setptr(16, value);
	return call(cmd, tag, 32);
}

/*
 * rawcalls [altstack]: calls by the syscall instruction (tags raw_*) and a
 * few through libc (libc_*), tagged lines as the allcmds scenarios print
 * them.  errno is ERRNO_POISON before each call:
 * "# errno_clobbered=N" counts raw calls after which it had changed (a
 * syscall instruction never changes it).  With altstack, the calls run
 * with a poisoned alternate signal stack and "# altstack_used=BYTES" says
 * at exit how much of it the signal handlers used.
 */
static int do_rawcalls(char **argv)
{
	__u32 key = 1, missing = 9;
	__u64 value = 0x1122334455667788ull;
	long fd;

	if (argv[0] && !strcmp(argv[0], "altstack")) {
		altstack = altstack_on();
		atexit(print_altstack_used);
	}
	errno_preset = ERRNO_POISON;
	use_raw = 1;
	fd = mk_map("raw_create", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "raw_array", 72);
	if (fd < 0)
		fail("raw BPF_MAP_CREATE");
	use_raw = 0;
	elem_call(BPF_MAP_UPDATE_ELEM, "libc_update", (int)fd, &key, &value);
	use_raw = 1;
	value = 0;
	elem_call(BPF_MAP_LOOKUP_ELEM, "raw_lookup", (int)fd, &key, &value);
	note("value=%#llx", (unsigned long long)value);
	elem_call(BPF_MAP_LOOKUP_ELEM, "raw_lookup_missing", (int)fd, &missing, &value);
	elem_call(BPF_MAP_UPDATE_ELEM, "raw_update_badfd", 9999, &key, &value);
	attr_new();
	call(999, "raw_badcmd", 168);
	load_simple("raw_load", BPF_PROG_TYPE_SOCKET_FILTER, 0, "raw_prog", 0);
	use_raw = 0;
	elem_call(BPF_MAP_LOOKUP_ELEM, "libc_lookup", (int)fd, &key, &value);
	eol();
	printf("# errno_clobbered=%ld\n", errno_clobbered);
	return 0;
}

/* rawblocked: one raw bpf(999) with SIGSYS blocked.  Under --seccomp-trap
 * the kernel kills the process (a forced SIGSYS that is blocked). */
static int do_rawblocked(char **argv UNUSED)
{
	static char attr[168];
	struct rlimit no_core = { 0, 0 };
	sigset_t set;
	long ret;

	setrlimit(RLIMIT_CORE, &no_core);
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ret = raw_bpf(999, attr, sizeof(attr));
	printf("rawblocked ret=%ld\n", ret);
	return 0;
}

/* rawexec PATH [ARGS...]: execve(2) by the syscall instruction, with an
 * empty environment and no core dumps: past libc, so the new image has no
 * shim even under --seccomp-trap. */
static int do_rawexec(char **argv)
{
	static char *const envp[] = { NULL };
	struct rlimit no_core = { 0, 0 };
	long ret;

	setrlimit(RLIMIT_CORE, &no_core);
	fflush(stdout);
#if defined(__x86_64__)
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)__NR_execve), "D"(argv[0]), "S"(argv), "d"(envp)
			 : "rcx", "r11", "memory");
#else
	ret = syscall(__NR_execve, argv[0], argv, envp);
	ret = -errno;
#endif
	fprintf(stderr, "exerciser: raw execve: %s\n", strerror((int)-ret));
	return 127;
}

static volatile sig_atomic_t sigsys_count, sigsys_code;
static volatile long nested_ret;

/* A program's own SIGSYS handler: emulates its trapped getpgid() as 4242
 * and makes a raw bpf(999) call from inside the handler. */
static void own_sigsys(int sig UNUSED, siginfo_t *si, void *ctx)
{
	static char attr[168];
	int saved = errno;

	sigsys_count++;
	sigsys_code = si->si_code;
	if (si->si_code == 1 /* SYS_SECCOMP */ && si->si_errno == 42) {
		((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RAX] = 4242;
		nested_ret = raw_bpf(999, attr, sizeof(attr));
	}
	errno = saved;
}

static void plain_sigsys(int sig UNUSED)
{
	sigsys_count++;
}

/* The program's own seccomp filter: getpgid() traps with data 42. */
static void own_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getpgid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 42),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p)) {
		perror("exerciser: seccomp");
		exit(1);
	}
}

/*
 * sigsys MODE: a program with its own SIGSYS action and seccomp filter.
 * MODE sigaction: an SA_SIGINFO handler; signal: signal(); sysv:
 * sysv_signal() (reset on delivery); ign: SIG_IGN; dfl: none.  Then
 * kill(self, SIGSYS) (not for dfl), its own filter trapping getpgid(), a
 * getpgid() (the handler's answer, or death), a raw bpf(999), and for
 * sysv a second getpgid() that kills.  Prints "# KEY=VALUE" lines.
 */
static int do_sigsys(char **argv)
{
	static char attr[168];
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa, old;
	const char *mode = argv[0];
	sighandler_t prev = NULL;
	long r;

	setrlimit(RLIMIT_CORE, &no_core);   /* dying of SIGSYS dumps core */
	memset(&sa, 0, sizeof(sa));
	if (!strcmp(mode, "sigaction")) {
		sa.sa_sigaction = own_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
		sigaction(SIGSYS, NULL, &old);
		printf("# old_is_mine=%d\n",
		       old.sa_sigaction == own_sigsys && (old.sa_flags & SA_SIGINFO));
	} else if (!strcmp(mode, "signal") || !strcmp(mode, "sysv")) {
		prev = mode[1] == 'i' ? signal(SIGSYS, plain_sigsys) :
					sysv_signal(SIGSYS, plain_sigsys);
		printf("# prev_dfl=%d\n", prev == SIG_DFL);
		sigaction(SIGSYS, NULL, &old);
		printf("# old_is_mine=%d\n", old.sa_handler == plain_sigsys);
	} else if (!strcmp(mode, "ign")) {
		signal(SIGSYS, SIG_IGN);
	}
	if (strcmp(mode, "dfl")) {
		kill(getpid(), SIGSYS);
		printf("# after_kill count=%d code=%d\n", (int)sigsys_count, (int)sigsys_code);
	}
	own_filter();
	fflush(stdout);
	r = syscall(__NR_getpgid, 0);
	/* Only an SA_SIGINFO handler can give the trapped call a result. */
	printf("# getpgid=%ld count=%d code=%d nested=%ld\n", strcmp(mode, "sigaction") ? 0 : r,
	       (int)sigsys_count, (int)sigsys_code, nested_ret);
	r = raw_bpf(999, attr, sizeof(attr));
	printf("# raw=%ld\n", r);
	fflush(stdout);
	if (!strcmp(mode, "sysv"))
		syscall(__NR_getpgid, 0);
	return 0;
}

/* retitle N: rewrite the command line as setproctitle() does and reorder
 * argv as getopt() does, then lookup N.  /proc/self/cmdline now says
 * "retitled"; the trace header keeps the command line the image was
 * started with. */
static char **main_argv;
static int main_argc;

static int do_retitle(char **argv)
{
	char *first = main_argv[0], *end = main_argv[main_argc - 1];
	char *tmp, buf[256], count[32], *args[] = { count, NULL };
	ssize_t n;
	int fd;

	snprintf(count, sizeof(count), "%s", argv[0]);
	end += strlen(end) + 1;
	memset(first, 0, (size_t)(end - first));
	strcpy(first, "retitled");
	tmp = main_argv[1];
	main_argv[1] = main_argv[2];
	main_argv[2] = tmp;
	fd = open("/proc/self/cmdline", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	printf("cmdline=%s\n", buf);
	fflush(stdout);
	return do_lookup(args);
}

static const struct scenario scenarios[] = {
	{ "lookup", 1, "N", do_lookup },
	{ "daemon", 2, "FIFO N", do_daemon },
	{ "threads", 2, "T N", do_threads },
	{ "fork", 0, "", do_fork },
	{ "exec", 1, "PATH [ARGS...]", do_exec },
	{ "errno", 0, "", do_errno },
	{ "fds", 0, "", do_fds },
	{ "highfd", 0, "", do_highfd },
	{ "repeat", 1, "N [heap]", do_repeat },
	{ "sigkill", 0, "", do_sigkill },
	{ "abort", 0, "", do_abort },
	{ "_exit", 0, "", do_exit },
	{ "exit_handler", 0, "", do_exit_handler },
	{ "badattr", 0, "", do_badattr },
	{ "every", 0, "", do_every },
	{ "pin", 1, "DIR", do_pin },
	{ "payload", 0, "", do_payload },
	{ "batch", 0, "", do_batch },
	{ "allcmds", 1, "BPFFS", do_allcmds },
	{ "sizes", 0, "", do_sizes },
	{ "eperm", 0, "", do_eperm },
	{ "rules", 2, "BPFFS OTHERDIR", do_rules },
	{ "rules2", 1, "CGROUPDIR", do_rules2 },
	{ "privs", 0, "", do_privs },
	{ "raw", 1, "CMD", do_raw },
	{ "rawcalls", 0, "[altstack]", do_rawcalls },
	{ "rawblocked", 0, "", do_rawblocked },
	{ "rawexec", 1, "PATH [ARGS...]", do_rawexec },
	{ "sigsys", 1, "sigaction|signal|sysv|ign|dfl", do_sigsys },
	{ "names", 1, "NAME", do_names },
	{ "retitle", 1, "N", do_retitle },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage:\n");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(stderr, "  exerciser %s%s%s\n", scenarios[i].name,
			*scenarios[i].args ? " " : "", scenarios[i].args);
	return 2;
}

int main(int argc, char **argv)
{
	const struct scenario *s;
	size_t i;

	if (argc < 2)
		return usage();
	main_argc = argc;
	main_argv = argv;
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		s = &scenarios[i];
		if (strcmp(argv[1], s->name))
			continue;
		if (argc - 2 < s->nargs)
			return usage();
		return s->run(argv + 2);
	}
	return usage();
}

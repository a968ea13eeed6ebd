// SPDX-License-Identifier: GPL-2.0
/*
 * exerciser - issue bpf(2) calls in known patterns for the bpfspy tests.
 *
 * Every call goes through libc's syscall(__NR_bpf, cmd, &attr, size), the
 * entry point the shim interposes.  No libbpf: the attrs are built by hand
 * from <linux/bpf.h> (6.1 UAPI; every field used here exists there).
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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#define ERRNO_POISON 12345
#define UNUSED __attribute__((unused))

/* What libbpf passes as size: the end of the last field a command uses. */
#define ATTR_END(field) \
	(offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* errno is set to this before each bpf call; last_errno is errno after it. */
static int errno_preset;
static int last_errno;

static long sys_bpf(long cmd, void *attr, unsigned long size)
{
	long ret;

	errno = errno_preset;
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

static int btf_load(void)
{
	static const struct tiny_btf btf = {
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
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(&btf);
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
	return 0;
}

static const struct scenario scenarios[] = {
	{ "lookup", 1, "N", do_lookup },
	{ "threads", 2, "T N", do_threads },
	{ "fork", 0, "", do_fork },
	{ "exec", 1, "PATH [ARGS...]", do_exec },
	{ "errno", 0, "", do_errno },
	{ "fds", 0, "", do_fds },
	{ "sigkill", 0, "", do_sigkill },
	{ "abort", 0, "", do_abort },
	{ "_exit", 0, "", do_exit },
	{ "badattr", 0, "", do_badattr },
	{ "every", 0, "", do_every },
	{ "pin", 1, "DIR", do_pin },
	{ "payload", 0, "", do_payload },
	{ "batch", 0, "", do_batch },
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

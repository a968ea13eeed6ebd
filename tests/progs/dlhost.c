// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlhost: loads dlplugin.so with dlopen() the ways programs do, and calls
 * it (tests/bats/dlopen.bats).  Not linked with libbpf.
 *
 *   dlhost open FLAGS PLUGIN      dlopen with FLAGS (local|global, now|lazy,
 *                                 joined by commas), make a map, round-trip
 *                                 a value, dlclose
 *   dlhost reopen ROUNDS PLUGIN   open, call, dlclose, ROUNDS times; before
 *                                 each reopen, the addresses libbpf had are
 *                                 reserved, so the next libbpf loads
 *                                 elsewhere (a stale pointer would fault)
 *   dlhost two PLUGIN_A PLUGIN_B  two plugins with two libbpf copies, both
 *                                 RTLD_LOCAL: each one's calls must run in
 *                                 its own copy (plugin_print_probe)
 *   dlhost thread PLUGIN_A PLUGIN_B  a thread calls A in a loop while the
 *                                 main thread loads B and calls it
 *   dlhost churn ROUNDS PLUGIN_A PLUGIN_B  a thread calls A in a loop while
 *                                 the main thread opens B, calls it and
 *                                 closes it ROUNDS times (B another file:
 *                                 each dlclose unloads it)
 *   dlhost fork PLUGIN_A PLUGIN_B two plugins with two libbpf copies, called
 *                                 in the parent, then in a forked child
 *   dlhost late PLUGIN            a bpf(2) call through syscall() first (so
 *                                 bpfspy writes its header before libbpf is
 *                                 loaded), then open local,now PLUGIN
 *
 * Prints one line per step, the same with and without bpfspy.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

struct plugin {
	void *h;
	int (*make_map)(const char *);
	int (*err)(void);
	long (*roundtrip)(int, long);
	int (*print_probe)(void);
};

static int flags_of(const char *s)
{
	int f = strstr(s, "global") ? RTLD_GLOBAL : RTLD_LOCAL;

	return f | (strstr(s, "lazy") ? RTLD_LAZY : RTLD_NOW);
}

static void *sym(void *h, const char *name)
{
	void *f = dlsym(h, name);

	if (!f) {
		fprintf(stderr, "dlhost: %s\n", dlerror());
		exit(1);
	}
	return f;
}

static void load(struct plugin *p, const char *path, int flags)
{
	p->h = dlopen(path, flags);
	if (!p->h) {
		fprintf(stderr, "dlhost: %s\n", dlerror());
		exit(1);
	}
	p->make_map = sym(p->h, "plugin_make_map");
	p->err = sym(p->h, "plugin_errno");
	p->roundtrip = sym(p->h, "plugin_roundtrip");
	p->print_probe = sym(p->h, "plugin_print_probe");
}

/* One map made and used through the plugin; prints "TAG map=OK rt=V". */
static void use(struct plugin *p, const char *tag, long v)
{
	int fd = p->make_map("dlhost");

	if (fd < 0) {
		printf("%s map=%d errno=%d\n", tag, fd, p->err());
		return;
	}
	printf("%s map=ok rt=%ld\n", tag, p->roundtrip(fd, v));
	close(fd);
}

/* Whose bpf_map_create dlsym(RTLD_DEFAULT) finds: libbpf's once it is
 * global, nothing while it is local; never a wrapper of bpfspy's. */
static void default_owner(void)
{
	void *f = dlsym(RTLD_DEFAULT, "bpf_map_create");
	Dl_info di;

	if (!f || !dladdr(f, &di) || !di.dli_fname)
		printf("dlsym=none\n");
	else
		printf("dlsym=%s\n", strstr(di.dli_fname, "libbpf.so") ? "libbpf" : di.dli_fname);
}

static int do_open(const char *flags, const char *path)
{
	struct plugin p;

	load(&p, path, flags_of(flags));
	use(&p, flags, 42);
	default_owner();
	dlclose(p.h);
	return 0;
}

struct range {
	const char *part;
	uintptr_t lo, hi;
};

static int range_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct range *r = arg;
	int i;

	(void)size;
	if (!strstr(info->dlpi_name, r->part))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!r->lo || a < r->lo)
			r->lo = a;
		if (a + ph->p_memsz > r->hi)
			r->hi = a + ph->p_memsz;
	}
	return 1;
}

static int do_reopen(int rounds, const char *path)
{
	struct plugin p;
	int i, moved = 0;

	for (i = 0; i < rounds; i++) {
		struct range r = { "libbpf.so", 0, 0 }, after = { "libbpf.so", 0, 0 };
		char tag[32];

		load(&p, path, RTLD_LOCAL | RTLD_NOW);
		dl_iterate_phdr(range_cb, &r);
		snprintf(tag, sizeof(tag), "round%d", i);
		use(&p, tag, i);
		dlclose(p.h);
		dl_iterate_phdr(range_cb, &after);
		if (after.lo) {
			printf("libbpf stayed loaded\n");
			return 1;
		}
		/* keep libbpf's old addresses from being reused */
		r.lo &= ~(uintptr_t)4095;
		if (mmap((void *)r.lo, r.hi - r.lo, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == (void *)r.lo)
			moved++;
	}
	printf("reserved=%d\n", moved == rounds);
	return 0;
}

static int do_two(const char *a, const char *b)
{
	struct plugin pa, pb;

	load(&pa, a, RTLD_LOCAL | RTLD_NOW);
	load(&pb, b, RTLD_LOCAL | RTLD_NOW);
	printf("copies=%s\n", dlsym(pa.h, "bpf_map_create") != dlsym(pb.h, "bpf_map_create") ?
	       "two" : "one");
	printf("a probe=%s\n", pa.print_probe() > 0 ? "own" : "none");
	printf("b probe=%s\n", pb.print_probe() > 0 ? "own" : "none");
	use(&pa, "a", 1);
	use(&pb, "b", 2);
	return 0;
}

#define LOOPS 2000

static int stop;

static void *loop(void *arg)
{
	struct plugin *p = arg;
	int fd = p->make_map("dlhost_loop");
	long i, bad = 0;

	for (i = 0; fd >= 0 && !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); i++)
		bad += p->roundtrip(fd, i) != i;
	if (fd >= 0)
		close(fd);
	return (void *)(fd < 0 ? -1 : bad);
}

static int do_thread(const char *a, const char *b)
{
	struct plugin pa, pb;
	pthread_t t;
	void *res;
	long i, bad = 0;
	int fd;

	load(&pa, a, RTLD_LOCAL | RTLD_NOW);
	pthread_create(&t, NULL, loop, &pa);
	load(&pb, b, RTLD_LOCAL | RTLD_LAZY);
	fd = pb.make_map("dlhost_b");
	for (i = 0; fd >= 0 && i < LOOPS; i++)
		bad += pb.roundtrip(fd, i) != i;
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, &res);
	printf("b map=%s bad=%ld\n", fd >= 0 ? "ok" : "failed", bad);
	printf("a loop=%s\n", (long)res == 0 ? "ok" : "failed");
	return 0;
}

static int do_churn(int rounds, const char *a, const char *b)
{
	struct plugin pa, pb;
	long i, bad = 0;
	pthread_t t;
	void *res;
	int fd;

	load(&pa, a, RTLD_LOCAL | RTLD_NOW);
	pthread_create(&t, NULL, loop, &pa);
	for (i = 0; i < rounds; i++) {
		load(&pb, b, RTLD_LOCAL | (i & 1 ? RTLD_LAZY : RTLD_NOW));
		fd = pb.make_map("dlhost_churn");
		bad += fd < 0 || pb.roundtrip(fd, i) != i;
		if (fd >= 0)
			close(fd);
		dlclose(pb.h);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, &res);
	printf("b rounds=%d bad=%ld\n", rounds, bad);
	printf("a loop=%s\n", (long)res == 0 ? "ok" : "failed");
	return 0;
}

static int do_fork(const char *a, const char *b)
{
	struct plugin pa, pb;
	int status;
	pid_t pid;

	load(&pa, a, RTLD_LOCAL | RTLD_NOW);
	load(&pb, b, RTLD_LOCAL | RTLD_NOW);
	use(&pa, "parent a", 1);
	use(&pb, "parent b", 2);
	pid = fork();
	if (pid == 0) {
		use(&pa, "child a", 3);
		use(&pb, "child b", 4);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	printf("child status=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int do_late(const char *path)
{
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	printf("raw map=%s\n", fd >= 0 ? "ok" : "failed");
	if (fd >= 0)
		close((int)fd);
	return do_open("local,now", path);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "open"))
		return do_open(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "reopen"))
		return do_reopen(atoi(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "two"))
		return do_two(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "thread"))
		return do_thread(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "churn"))
		return do_churn(atoi(argv[2]), argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "fork"))
		return do_fork(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "late"))
		return do_late(argv[2]);
	fprintf(stderr, "usage: dlhost open FLAGS|reopen N|two A B|thread A B|churn N A B|fork A B|late PLUGIN\n");
	return 2;
}

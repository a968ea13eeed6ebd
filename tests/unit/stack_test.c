// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shim's address cache (preload/stack.c), linked in here with the
 * shim's spool replaced by a list of the BPF_REC_SYM records it would
 * spool: an address is named once (static functions from .symtab,
 * exported ones from .dynsym, by containing symbol only), spooled once
 * per spool generation, the same by every thread, and still named when
 * the cache is full.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "preload/shim.h"
#include "tap.h"

/* ---- what stack.c uses of the rest of the shim ------------------------- */

#define MAX_RECS 32768
static struct {
	uint64_t ip;
	char module[64], function[128];
	uint64_t offset, module_addr;
	uint32_t flags;
} recs[MAX_RECS];
static unsigned nrecs;
static pthread_mutex_t recs_lock = PTHREAD_MUTEX_INITIALIZER;

void bpfspy_spool_record(uint32_t type, const void *rec, size_t len)
{
	const struct bpf_rec_sym *r = rec;
	unsigned i;

	if (type != BPF_REC_SYM || len != sizeof(*r) + r->module_len + r->function_len)
		abort();
	pthread_mutex_lock(&recs_lock);
	i = nrecs < MAX_RECS ? nrecs++ : MAX_RECS - 1;
	recs[i].ip = r->ip;
	snprintf(recs[i].module, sizeof(recs[i].module), "%.*s", r->module_len, r->names);
	snprintf(recs[i].function, sizeof(recs[i].function), "%.*s", r->function_len,
		 r->names + r->module_len);
	recs[i].offset = r->offset;
	recs[i].module_addr = r->module_addr;
	recs[i].flags = r->flags;
	pthread_mutex_unlock(&recs_lock);
}

unsigned bpfspy_libbpf_depth(void)
{
	return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

__attribute__((noinline)) static int a_static_function(int x)
{
	return x * 3 + 1;
}

/* Spool the names of @n addresses as the shim does before a packed
 * record; returns how many records that took. */
static unsigned spool(const uint64_t *ips, unsigned n)
{
	struct bpf_stack s = { ips, (uint16_t)n, false, NULL, NULL };
	unsigned before = nrecs;

	bpfspy_stack_spool_syms(&s);
	return nrecs - before;
}

static int rec_of(uint64_t ip)
{
	unsigned i;

	for (i = nrecs; i-- > 0;)
		if (recs[i].ip == ip)
			return (int)i;
	return -1;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_names(void)
{
	uint64_t fn = (uint64_t)(uintptr_t)a_static_function;
	uint64_t ips[3] = { fn + 5, (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid") + 3, 0x10 };
	int r;

	tap_ok(spool(ips, 3) == 3, "three new addresses: three records");
	r = rec_of(ips[0]);
	tap_ok(r >= 0 && !strcmp(recs[r].module, "stack_test") &&
	       !strcmp(recs[r].function, "a_static_function") && recs[r].offset == 5,
	       "a static function of the program, from its .symtab: %s %s+%llu",
	       r >= 0 ? recs[r].module : "-", r >= 0 ? recs[r].function : "-",
	       r >= 0 ? (unsigned long long)recs[r].offset : 0ull);
	r = rec_of(ips[1]);
	tap_ok(r >= 0 && !strncmp(recs[r].module, "libc.so", 7) && strstr(recs[r].function, "getpid") &&
	       recs[r].offset == 3, "an exported function of libc: %s %s+%llu",
	       r >= 0 ? recs[r].module : "-", r >= 0 ? recs[r].function : "-",
	       r >= 0 ? (unsigned long long)recs[r].offset : 0ull);
	r = rec_of(ips[2]);
	tap_ok(r >= 0 && recs[r].flags == 0, "an address in no object: no module, no function");
	tap_ok(spool(ips, 3) == 0, "the same addresses again: nothing spooled");
	bpfspy_stack_fork();
	tap_ok(spool(ips, 3) == 3, "after fork (a new spool): spooled again");
	tap_ok(spool(ips, 3) == 0, "...once");
}

/* A symbol must contain the address: past the end of a function whose
 * next bytes belong to no symbol, the frame has no function. */
static void test_containment(void)
{
	Dl_info di;
	void *lm;
	uint64_t ip;
	int r;

	/* the ELF header of libc: in the module, in no function */
	if (!dladdr1((void *)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid"), &di, &lm,
		     RTLD_DL_LINKMAP)) {
		tap_skip("dladdr1 failed", "containment");
		return;
	}
	ip = (uint64_t)(uintptr_t)di.dli_fbase + 0x11;
	spool(&ip, 1);
	r = rec_of(ip);
	tap_ok(r >= 0 && !strncmp(recs[r].module, "libc.so", 7) && !recs[r].function[0] &&
	       (recs[r].flags & BPF_SYM_MODULE) && !(recs[r].flags & BPF_SYM_FUNCTION) &&
	       recs[r].module_addr == 0x11,
	       "libc's ELF header: module %s at 0x%llx, no function (got '%s')",
	       r >= 0 ? recs[r].module : "-", r >= 0 ? (unsigned long long)recs[r].module_addr : 0,
	       r >= 0 ? recs[r].function : "-");
}

#define THREADS 4
#define SITES   256

static uint64_t sites[SITES];
static pthread_barrier_t go;

static void *spooler(void *arg __maybe_unused)
{
	struct bpf_stack s = { sites, 64, false, NULL, NULL };
	unsigned i;

	pthread_barrier_wait(&go);
	for (i = 0; i < SITES; i += 64) {
		s.ip = sites + i;
		bpfspy_stack_spool_syms(&s);
	}
	return NULL;
}

/* Threads naming the same new addresses at once: every record of an
 * address says the same, every address is spooled, none is lost. */
static void test_threads(void)
{
	uint64_t base = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "write");
	pthread_t t[THREADS];
	unsigned i, j, before = nrecs, missing = 0, differ = 0;

	for (i = 0; i < SITES; i++)
		sites[i] = base + 1 + i;   /* inside write() and what follows it */
	pthread_barrier_init(&go, NULL, THREADS);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, spooler, NULL);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < SITES; i++) {
		int first = -1;

		for (j = before; j < nrecs; j++) {
			if (recs[j].ip != sites[i])
				continue;
			if (first < 0)
				first = (int)j;
			else if (strcmp(recs[j].function, recs[first].function) ||
				 recs[j].offset != recs[first].offset)
				differ++;
		}
		missing += first < 0;
	}
	tap_ok(!missing && !differ, "threads: %u records of %u addresses, %u missing, %u differ",
	       nrecs - before, SITES, missing, differ);
	tap_ok(spool(sites, 64) == 0, "threads: then nothing more to spool");
}

/* More addresses than the cache holds: each still named, correctly. */
static void test_full_cache(void)
{
	uint64_t fn = (uint64_t)(uintptr_t)a_static_function, ip;
	unsigned i, wrong = 0, n = 20000;   /* CACHE_SLOTS is 4096 */
	uint64_t libc = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "printf");

	for (i = 0; i < n; i++) {
		ip = libc + 0x10000 + i * 8;
		spool(&ip, 1);
	}
	ip = fn + 2;
	spool(&ip, 1);
	i = (unsigned)rec_of(ip);
	wrong = i == (unsigned)-1 || strcmp(recs[i].function, "a_static_function");
	tap_ok(!wrong, "a full cache still names a new address");
	tap_ok(spool(&ip, 1) == 1, "...each time it is used (it could not be cached)");
	tap_ok(a_static_function(1) == 4, "(the function itself)");
}

static void test_capture(void)
{
	uint64_t ips[BPF_STACK_MAX];
	struct bpf_stack s;
	unsigned i, own = 0;
	Dl_info self, di;

	tap_ok(bpfspy_stack_capture(&s, ips, 0), "capture");
	/* this program holds stack.c: its frames are "ours" and left out */
	dladdr((void *)(uintptr_t)test_capture, &self);
	for (i = 0; i < s.n; i++)
		if (dladdr((void *)(uintptr_t)(s.ip[i] - 1), &di) && di.dli_fbase == self.dli_fbase)
			own++;
	tap_ok(s.n >= 1 && s.n <= 3 && s.sym, "capture: %u frames outside the program (libc's)", s.n);
	tap_ok(!own, "capture: none of ours");
}

/* The lowest free fd (left free). */
static int lowest_fd(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);

	close(fd);
	return fd;
}

#if defined(__x86_64__)
/* A frame without unwind info (no CFI): libunwind guesses it from the
 * frame pointer and validates the memory it reads, through its pipe. */
void nocfi_call(void (*fn)(void));
__asm__(".text\n"
	".globl nocfi_call\n"
	".type nocfi_call, @function\n"
	"nocfi_call:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	call *%rdi\n"
	"	pop %rbp\n"
	"	ret\n"
	".size nocfi_call, .-nocfi_call\n");

static unsigned captured;

static void capture_here(void)
{
	uint64_t ips[BPF_STACK_MAX];
	struct bpf_stack s;

	if (bpfspy_stack_capture(&s, ips, 0))
		captured = s.n;
}
#endif

/* libunwind keeps a pipe; it must not take the program's fd numbers, and
 * the moved pipe must be the one libunwind uses when it validates. */
static void test_fds(int lowest_before)
{
	int sentinel;

	tap_ok(lowest_fd() == lowest_before, "fds: libunwind took none of the low fds (%d, %d)",
	       lowest_fd(), lowest_before);
#if defined(__x86_64__)
	sentinel = open("/dev/null", O_RDONLY | O_CLOEXEC);
	nocfi_call(capture_here);
	nocfi_call(capture_here);
	tap_ok(fcntl(sentinel, F_GETFD) >= 0 && lowest_fd() == sentinel + 1,
	       "fds: a frame without unwind info (libunwind validates through its pipe) "
	       "leaves the program's fds alone");
	tap_ok(captured >= 1, "fds: that stack was taken (%u frames)", captured);
	close(sentinel);
#else
	(void)sentinel;
	tap_skip("x86-64 only", "fds: a frame without unwind info");
#endif
}

int main(void)
{
	int lowest = lowest_fd();
	struct jsonw w;
	char buf[256];

	bpfspy_stack_init(3, 900);
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	bpfspy_stack_header(&w);
	jw_obj_close(&w);
	buf[w.len] = 0;
	tap_ok(!strcmp(buf, "{\"stack\":{\"depth\":3}}"), "header: %s", buf);
	test_names();
	test_containment();
	test_threads();
	test_full_cache();
	test_capture();
	test_fds(lowest);
	return tap_done();
}

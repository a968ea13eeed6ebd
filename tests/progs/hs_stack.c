// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_stack: bpf calls where there is little stack.
 *
 *   hs_stack thread16k N    on a thread with a 16 KiB stack, the process's
 *                           first call (a map) and N lookups
 *   hs_stack altstack8k N   N lookups, each from a SIGUSR1 handler on an
 *                           8 KiB sigaltstack
 *   hs_stack guard N        N lookups from a frame 1 KiB above the
 *                           PROT_NONE guard page of a thread's own stack,
 *                           the attr at the bottom of that frame
 *   hs_stack measure        bytes of caller stack a first and a warm
 *                           call use (for bench/: not for tests)
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include "hs.h"

static int map_fd = -1;
static long n_calls, ok;

static void *lookups(void *arg)
{
	long i;

	if (arg)   /* the process's first call, on this thread */
		map_fd = hs_map();
	for (i = 0; i < n_calls; i++)
		if (hs_lookup(map_fd) == 0)
			ok++;
	return NULL;
}

static int thread16k(void)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_attr_init(&at);
	if (pthread_attr_setstacksize(&at, 16384) || pthread_create(&t, &at, lookups, (void *)1))
		return 1;
	pthread_join(t, NULL);
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
	if (hs_lookup(map_fd) == 0)
		ok++;
}

static int altstack8k(void)
{
	static char alt[8192] __attribute__((aligned(16)));
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa;
	long i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		return 1;
	for (i = 0; i < n_calls; i++)
		raise(SIGUSR1);
	return 0;
}

/* The thread's stack: [guard page][STACK_BYTES], ours. */
#define STACK_BYTES (64 << 10)
static char *stack_lo;   /* first byte above the guard */

/* Recurse in 256-byte steps down to 1 KiB above the guard, then call
 * with the attr at the bottom of that last frame. */
static __attribute__((noinline)) long deep(char *prev)
{
	volatile char pad[256];
	union bpf_attr *a;

	pad[0] = 0;
	if ((char *)pad - stack_lo > 1024 + 512)
		return deep((char *)pad) + pad[0];
	a = __builtin_alloca(sizeof(*a) + 16);
	(void)prev;
	return hs_lookup_at(map_fd, a);
}

static void *guard_main(void *arg)
{
	long i;

	(void)arg;
	for (i = 0; i < n_calls; i++)
		if (deep(NULL) == 0)
			ok++;
	return NULL;
}

static int guard(void)
{
	char *m = mmap(NULL, 4096 + STACK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pthread_attr_t at;
	pthread_t t;

	if (m == MAP_FAILED || mprotect(m, 4096, PROT_NONE))
		return 1;
	stack_lo = m + 4096;
	pthread_attr_init(&at);
	if (pthread_attr_setstack(&at, stack_lo, STACK_BYTES) ||
	    pthread_create(&t, &at, guard_main, NULL))
		return 1;
	pthread_join(t, NULL);
	return 0;
}

/* ---- measure: paint the stack below us, call, see how deep it got ---- */
#define PAINT 0xa5
#define PAINT_BYTES (48 << 10)

static char *call_sp;   /* one_call's frame */

/* Paint from the frame above one_call's, so all of one_call's is painted. */
static __attribute__((noinline)) void paint(void)
{
	char *p = __builtin_frame_address(0);

	__asm__ volatile("" : "+r"(p));   /* an address, not an object */
	memset(p - PAINT_BYTES, PAINT, PAINT_BYTES - 96);
}

static __attribute__((noinline)) void one_call(void)
{
	call_sp = __builtin_frame_address(0);
	hs_lookup(map_fd);
}

/* Bytes below one_call's frame that the call dirtied. */
static __attribute__((noinline)) size_t measured(char *top)
{
	char *p = top - PAINT_BYTES + 1024;

	__asm__ volatile("" : "+r"(p));
	while (p < call_sp && (unsigned char)*p == PAINT)
		p++;
	return (size_t)(call_sp - p);
}

static __attribute__((noinline)) size_t measure_one(void)
{
	paint();
	one_call();
	return measured(__builtin_frame_address(0));
}

static void *measure_main(void *arg)
{
	size_t first = measure_one(), warm = measure_one();

	(void)arg;
	printf("stack first=%zu warm=%zu\n", first, warm);
	return NULL;
}

static int measure(void)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 << 10);
	if (pthread_create(&t, &at, measure_main, NULL))
		return 1;
	pthread_join(t, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return 2;
	n_calls = argc > 2 ? atol(argv[2]) : 1;
	if (strcmp(argv[1], "thread16k"))
		map_fd = hs_map();
	if (map_fd < 0 && strcmp(argv[1], "thread16k")) {
		perror("BPF_MAP_CREATE");
		return 1;
	}
	if (!strcmp(argv[1], "thread16k"))
		rc = thread16k();
	else if (!strcmp(argv[1], "altstack8k"))
		rc = altstack8k();
	else if (!strcmp(argv[1], "guard"))
		rc = guard();
	else if (!strcmp(argv[1], "measure"))
		rc = measure();
	else
		rc = 2;
	if (strcmp(argv[1], "measure"))
		printf("%s calls=%ld ok=%ld\n", argv[1], n_calls, ok);
	hs_report();
	return rc;
}

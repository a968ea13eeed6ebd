// SPDX-License-Identifier: GPL-2.0-or-later
/* Fault-safe reads: unmapped and half-mapped memory is reported, never
 * touched; stack memory takes the fast path. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/memread.h"
#include "tap.h"

static void *thread_fast_path(void *arg)
{
	char local[64] = "on this thread's stack";
	struct mem_read_stats a, b;
	char out[64];
	int err;

	(void)arg;
	mem_read_get_stats(&a);
	mem_read(out, (uint64_t)(uintptr_t)local, sizeof(local), &err);
	mem_read_get_stats(&b);
	return (void *)(uintptr_t)(b.fast == a.fast + 1 && !strcmp(out, local));
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char stackbuf[32] = "stack bytes", out[64], str[64];
	struct mem_read_stats a, b;
	pthread_t th;
	void *res;
	size_t n;
	long l;
	int err, trunc;

	memset(two, 'x', 2 * pg);
	munmap(two + pg, pg);   /* second page now unmapped */

	n = mem_read(out, 0, 8, &err);
	tap_ok(n == 0 && err == EFAULT, "NULL: nothing read, EFAULT");
	n = mem_read(out, (uint64_t)(uintptr_t)(two + pg), 8, &err);
	tap_ok(n == 0 && err == EFAULT, "unmapped page: nothing read, EFAULT");
	n = mem_read(out, (uint64_t)(uintptr_t)(two + pg - 16), 32, &err);
	tap_ok(n == 16 && err == EFAULT, "straddling: the mapped 16 bytes, EFAULT (got %zu)", n);
	n = mem_read(out, (uint64_t)-8, 32, &err);
	tap_ok(n == 0 && err == EFAULT, "address wrap: EFAULT");

	mem_read_get_stats(&a);
	n = mem_read(out, (uint64_t)(uintptr_t)stackbuf, sizeof(stackbuf), &err);
	mem_read_get_stats(&b);
	tap_ok(n == sizeof(stackbuf) && !strcmp(out, "stack bytes"), "stack read");
	tap_ok(b.fast == a.fast + 1, "stack read takes the fast path");
	n = mem_read(out, (uint64_t)(uintptr_t)two, 16, &err);
	mem_read_get_stats(&a);
	tap_ok(n == 16 && a.slow == b.slow + 1, "heap read takes process_vm_readv");

	memcpy(two + pg - 6, "hello", 6);
	l = mem_read_str(str, (uint64_t)(uintptr_t)(two + pg - 6), sizeof(str), &trunc);
	tap_ok(l == 5 && !strcmp(str, "hello") && !trunc, "string ending at a page edge");
	memset(two + pg - 6, 'y', 6);
	l = mem_read_str(str, (uint64_t)(uintptr_t)(two + pg - 6), sizeof(str), &trunc);
	tap_ok(l == 6 && trunc == 2, "string running into unmapped memory is flagged");
	l = mem_read_str(str, (uint64_t)(uintptr_t)two, 8, &trunc);
	tap_ok(l == 7 && trunc == 1, "long string truncated at the cap");

	{
		uintptr_t lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, at = (uintptr_t)stackbuf;
		int r1 = mem_read_mapping_of(at, &lo1, &hi1, true);
		int r2 = mem_read_mapping_of(at, &lo2, &hi2, false);

		tap_ok(r1 == 0 && r2 == 0 && lo1 == lo2 && hi1 == hi2 && lo1 <= at && at < hi1,
		       "the stack's mapping: PROCMAP_QUERY and the maps text agree");
		r1 = mem_read_mapping_of((uintptr_t)(two + pg), &lo1, &hi1, true);
		r2 = mem_read_mapping_of((uintptr_t)(two + pg), &lo2, &hi2, false);
		tap_ok(r1 == -1 && r2 == -1, "an unmapped page has no mapping either way");
		mprotect(two, pg, PROT_NONE);
		r1 = mem_read_mapping_of((uintptr_t)two, &lo1, &hi1, true);
		r2 = mem_read_mapping_of((uintptr_t)two, &lo2, &hi2, false);
		tap_ok(r1 == -1 && r2 == -1, "a PROT_NONE page is not readable either way");
		mprotect(two, pg, PROT_READ | PROT_WRITE);
	}
	pthread_create(&th, NULL, thread_fast_path, NULL);
	pthread_join(th, &res);
	tap_ok(res == (void *)1, "another thread's stack takes its own fast path");
	return tap_done();
}

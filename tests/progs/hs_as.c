// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_as: the address space the program has left under RLIMIT_AS.
 *
 *   hs_as MIB N   set RLIMIT_AS to MIB MiB, make N lookups, then find the
 *                 largest block it can still mmap (to 1 MiB), on stderr:
 *                 "largest=M" (it differs natively by what bpfspy maps)
 */
#include <sys/mman.h>
#include <sys/resource.h>

#include "hs.h"

static int fits(size_t mib)
{
	void *p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, mib << 20);
	return 1;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	size_t lo = 0, hi;
	long n, i, ok = 0;
	int map;

	if (argc < 3)
		return 2;
	hi = (size_t)atol(argv[1]);
	n = atol(argv[2]);
	rl.rlim_cur = rl.rlim_max = (rlim_t)hi << 20;
	if (setrlimit(RLIMIT_AS, &rl)) {
		perror("setrlimit");
		return 1;
	}
	map = hs_map();
	for (i = 0; i < n; i++)
		ok += hs_lookup(map) == 0;
	while (lo < hi) {   /* the largest m that fits */
		size_t m = (lo + hi + 1) / 2;

		if (fits(m))
			lo = m;
		else
			hi = m - 1;
	}
	printf("map=%d lookups=%ld ok=%ld\n", map, n, ok);
	fprintf(stderr, "largest=%zu\n", lo);
	hs_report();
	return 0;
}

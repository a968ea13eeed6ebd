// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_spool: a thread whose first call finds the spool already full.
 *
 *   hs_spool N     N lookups on the main thread, then one on a new thread
 */
#include <pthread.h>

#include "hs.h"

static int map_fd;
static long late_ok;

static void *late(void *arg)
{
	(void)arg;
	late_ok = hs_lookup(map_fd) == 0;
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, i, ok = 0;
	pthread_t t;

	map_fd = hs_map();
	if (map_fd < 0)
		return 1;
	for (i = 0; i < n; i++)
		ok += hs_lookup(map_fd) == 0;
	if (pthread_create(&t, NULL, late, NULL))
		return 1;
	pthread_join(t, NULL);
	printf("ok=%ld late=%ld\n", ok, late_ok);
	hs_report();
	return 0;
}

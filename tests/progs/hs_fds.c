// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_fds: the program's fds under a small RLIMIT_NOFILE.
 *
 *   hs_fds SOFT HARD N   set the limit, create a map (the first call),
 *                        open /dev/null until it fails, print what it
 *                        got, close them, create a second map and make
 *                        N lookups
 */
#include <errno.h>
#include <sys/resource.h>

#include "hs.h"

int main(int argc, char **argv)
{
	struct rlimit rl;
	int fds[4096], n = 0, map, map2, e, i;
	long calls, ok = 0;

	if (argc < 4)
		return 2;
	rl.rlim_cur = (rlim_t)atol(argv[1]);
	rl.rlim_max = (rlim_t)atol(argv[2]);
	calls = atol(argv[3]);
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit");
		return 1;
	}
	map = hs_map();
	e = map < 0 ? errno : 0;
	printf("map=%d err=%s\n", map, e ? strerror(e) : "-");
	while (n < 4096 && (fds[n] = open("/dev/null", O_RDONLY)) >= 0)
		n++;
	e = errno;
	printf("opened=%d first=%d last=%d then=%s\n", n, n ? fds[0] : -1,
	       n ? fds[n - 1] : -1, strerror(e));
	for (i = 0; i < n; i++)
		close(fds[i]);
	map2 = hs_map();
	for (i = 0; i < calls; i++)
		ok += hs_lookup(map >= 0 ? map : map2) == 0;
	printf("map2=%d lookups=%ld ok=%ld\n", map2, calls, ok);
	close(map);   /* room for the report */
	close(map2);
	hs_report();
	return 0;
}

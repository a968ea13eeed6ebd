// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_files: programs that do what they like with fds that are not theirs.
 *
 *   hs_files steal FILE N   after the first call, raise the soft fd limit,
 *                           close every fd that is a spool and dup2() FILE
 *                           (5 bytes) onto its number; N lookups; print
 *                           FILE's size
 *   hs_files closefrom N    after the first call, closefrom(3); a new map
 *                           and N lookups
 *   hs_files calls N        N lookups (a full spool's filesystem)
 */
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "hs.h"

static long lookups(int fd, long n)
{
	long i, ok = 0;

	for (i = 0; i < n; i++)
		ok += hs_lookup(fd) == 0;
	return ok;
}

/* The fds whose link names a spool: natively, none. */
static int spool_fds(int *out, int cap)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], link[4096];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < cap) {
		ssize_t l;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = 0;
		if (strstr(link, ".spool"))
			out[n++] = atoi(e->d_name);
	}
	closedir(d);
	return n;
}

static int steal(const char *file, long n)
{
	struct rlimit rl;
	struct stat st;
	int map = hs_map(), fds[8], k, i, own;
	long ok;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 8192)
		rl.rlim_max = 8192;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	own = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (own < 0 || write(own, "hello", 5) != 5)
		return 1;
	k = spool_fds(fds, 8);
	for (i = 0; i < k; i++) {
		close(fds[i]);
		dup2(own, fds[i]);
	}
	ok = lookups(map, n);
	fstat(own, &st);
	printf("lookups=%ld ok=%ld size=%lld\n", n, ok, (long long)st.st_size);
	return 0;
}

static int do_closefrom(long n)
{
	int map = hs_map();
	long ok;

	(void)map;
	closefrom(3);
	map = hs_map();
	ok = lookups(map, n);
	printf("map=%d lookups=%ld ok=%ld\n", map, n, ok);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "steal") && argc > 3)
		rc = steal(argv[2], atol(argv[3]));
	else if (!strcmp(argv[1], "closefrom"))
		rc = do_closefrom(atol(argv[2]));
	else if (!strcmp(argv[1], "calls"))
		rc = lookups(hs_map(), atol(argv[2])) == atol(argv[2]) ? 0 : 1;
	if (!strcmp(argv[1], "calls"))
		printf("calls done\n");
	hs_report();
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reproducers for live collection (tests/bats/collect.bats):
 *   hs_live steady SECONDS RATE   RATE lookups a second for SECONDS
 *   hs_live flood N               N lookups back to back, timed
 *   hs_live exitthreads N MS      N threads call until main exit()s after
 *                                 MS ms; calls completed counted in the
 *                                 8-byte file $HS_COUNT (shared mapping)
 *   hs_live setuidfork N          a call, setuid(65534), then a forked
 *                                 worker makes N calls
 * Calls per process go to $HS_CALLS (hs.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "hs.h"

static int map_fd;
static uint64_t *completed;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int steady(double seconds, double rate)
{
	uint64_t start = now_ns(), gap = (uint64_t)(1e9 / rate), next = start;
	uint64_t end = start + (uint64_t)(seconds * 1e9);
	long n = 0;

	while (now_ns() < end) {
		struct timespec ts;

		hs_lookup(map_fd);
		n++;
		next += gap;
		ts.tv_sec = (time_t)(next / 1000000000ull);
		ts.tv_nsec = (long)(next % 1000000000ull);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	printf("calls=%ld\n", n + 1);
	return 0;
}

static int flood(long n)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		hs_lookup(map_fd);
	fprintf(stderr, "flood_ns=%llu\n", (unsigned long long)(now_ns() - t0));
	printf("lookups=%ld\n", n);
	fflush(stdout);   /* now, not after the shim's destructor has drained */
	return 0;
}

static void *caller(void *arg)
{
	(void)arg;
	for (;;) {
		hs_lookup(map_fd);
		__atomic_add_fetch(completed, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int exitthreads(int n, int ms)
{
	const char *path = getenv("HS_COUNT");
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	pthread_t t;
	int fd, i;

	fd = path ? open(path, O_RDWR | O_CREAT | O_TRUNC, 0644) : -1;
	if (fd < 0 || ftruncate(fd, 8) != 0)
		return 2;
	completed = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (completed == MAP_FAILED)
		return 2;
	*completed = 1;   /* the map's creation */
	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, caller, NULL);
	nanosleep(&ts, NULL);
	printf("exiting\n");
	exit(0);   /* the threads are still calling */
}

static int setuidfork(long n)
{
	pid_t pid;
	int st;
	long i;

	hs_lookup(map_fd);
	if (setgid(65534) != 0 || setuid(65534) != 0) {
		perror("setuid");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			hs_lookup(map_fd);
		hs_report();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	hs_report();
	printf("worker=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	map_fd = hs_map();
	if (map_fd < 0) {
		perror("map");
		return 2;
	}
	if (!strcmp(argv[1], "steady") && argc == 4) {
		int rc = steady(atof(argv[2]), atof(argv[3]));

		hs_report();
		return rc;
	}
	if (!strcmp(argv[1], "flood")) {
		int rc = flood(atol(argv[2]));

		hs_report();
		return rc;
	}
	if (!strcmp(argv[1], "exitthreads") && argc == 4)
		return exitthreads(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(argv[1], "setuidfork"))
		return setuidfork(atol(argv[2]));
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn_bench: wall time of starting commands, interleaved.
 *
 *   spawn_bench [-n RUNS] [-r PATH]... CMD ARGS... [::: CMD ARGS...]...
 *
 * Runs each command RUNS times, one run of each in turn, the order
 * rotating every round, so that a slow stretch of a noisy host falls on
 * all of them alike (hyperfine runs one command's runs, then the next's).
 * Before every run the -r PATHs are removed (a trace each run writes
 * anew).  The commands' output goes to /dev/null.  Prints one line per
 * command: "fastest p25 median" in microseconds, then the command.
 * Exits 1 when a run fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_RM   8

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run of @argv; its wall time in us, or a negative value if it failed. */
static double run_once(char **argv)
{
	double t0 = now_us();
	int st, fd;
	pid_t p = fork();

	if (p < 0)
		return -1;
	if (!p) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return now_us() - t0;
}

static int usage(void)
{
	fprintf(stderr, "usage: spawn_bench [-n RUNS] [-r PATH]... CMD ARGS... [::: CMD ARGS...]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	char **cmd[MAX_CMDS], *rm[MAX_RM];
	int ncmd = 0, nrm = 0, runs = 100, i, j, k, c, opt;
	double *t;

	while ((opt = getopt(argc, argv, "+n:r:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'r' && nrm < MAX_RM)
			rm[nrm++] = optarg;
		else
			return usage();
	}
	if (runs < 1 || optind >= argc)
		return usage();
	cmd[ncmd++] = argv + optind;
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], ":::"))
			continue;
		argv[i] = NULL;
		if (i + 1 >= argc || ncmd == MAX_CMDS)
			return usage();
		cmd[ncmd++] = argv + i + 1;
	}
	t = calloc((size_t)runs * (size_t)ncmd, sizeof(*t));
	if (!t)
		return 1;
	for (i = 0; i < runs; i++) {
		for (j = 0; j < ncmd; j++) {
			c = (i + j) % ncmd;
			for (k = 0; k < nrm; k++)
				unlink(rm[k]);
			t[c * runs + i] = run_once(cmd[c]);
			if (t[c * runs + i] < 0) {
				fprintf(stderr, "spawn_bench: '%s' failed\n", cmd[c][0]);
				return 1;
			}
		}
	}
	for (c = 0; c < ncmd; c++) {
		double *x = t + c * runs;

		qsort(x, (size_t)runs, sizeof(*x), by_value);
		printf("%.0f %.0f %.0f", x[0], x[runs / 4], x[runs / 2]);
		for (i = 0; cmd[c][i]; i++)
			printf(" %s", cmd[c][i]);
		printf("\n");
	}
	free(t);
	return 0;
}

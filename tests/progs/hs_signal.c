// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_signal: signal handlers that call bpf while their thread makes its
 * first traced call (the shim creating its spool, the thread's work area).
 *
 *   hs_signal CHILDREN CALLS   CHILDREN forked processes, each making
 *                              CALLS lookups while a thread sends its main
 *                              thread SIGUSR1 as fast as it can; the
 *                              handler makes one more (50 per process)
 * Each process reports its calls (hs.h).
 */
#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <sys/wait.h>

#include "hs.h"

static int map_fd = -1;
static volatile sig_atomic_t handler_calls;
static volatile int stop;
static volatile sig_atomic_t signals, armed;

static void on_usr1(int sig)
{
	int e = errno;

	(void)sig;
	signals++;
	if (armed && handler_calls < 50) {
		handler_calls++;
		hs_lookup(map_fd);
	}
	errno = e;
}

/* Signals for the main thread, as fast as they go, until it is done. */
static void *pester(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;

	while (!stop && handler_calls < 50)
		pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static int child(long calls)
{
	pthread_t self = pthread_self(), t;
	long i, ok = 0;

	hs_calls = 0;
	if (pthread_create(&t, NULL, pester, &self))
		return 1;
	while (!signals)   /* they are coming */
		;
	/* the first call creates this process's spool */
	armed = 1;
	map_fd = hs_map();
	for (i = 0; i < calls; i++)
		ok += hs_lookup(map_fd) == 0;
	stop = 1;
	pthread_join(t, NULL);
	hs_report();
	return ok == calls ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	long n, calls, i, bad = 0;

	if (argc < 3)
		return 2;
	n = atol(argv[1]);
	calls = atol(argv[2]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(child(calls));
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	printf("children=%ld failed=%ld\n", n, bad);
	return bad != 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_fork: children the shim's fork handler does not see.
 *
 *   hs_fork vfork N M     M calls, then a vfork child makes N calls and
 *                         _exits, then M more calls
 *   hs_fork vforkexec N M a vfork child makes N calls, then execs
 *                         "hs_fork calls M"; the parent makes M calls
 *   hs_fork vforkfirst N M  before any other call, a vfork child makes N
 *                         calls and leaves with exit() (atexit handlers,
 *                         destructors: the shim's too); then M calls
 *   hs_fork sysfork N M   M calls, a syscall(SYS_fork) child makes N, M more
 *   hs_fork clone N M     the same with clone() (no CLONE_VM)
 *   hs_fork calls M       M calls
 * Each process reports its calls (hs.h); the parent prints what it saw.
 */
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "hs.h"

static int map_fd;
static long n_child, m_parent;

static long calls(long n)
{
	long i, ok = 0;

	for (i = 0; i < n; i++)
		ok += hs_lookup(map_fd) == 0;
	return ok;
}

static int wait_child(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int do_vfork(char *self, bool exec)
{
	long before = hs_calls, ok = calls(exec ? 0 : m_parent), child_ok = 0;
	char m[24];
	pid_t pid;

	snprintf(m, sizeof(m), "%ld", m_parent);
	pid = vfork();
	if (pid == 0) {
		/* our memory is the parent's: count apart, leave its count be */
		long mine = hs_calls;

		child_ok = calls(n_child);
		hs_calls -= mine;
		hs_report();
		hs_calls = mine;
		if (exec) {
			execl(self, self, "calls", m, (char *)NULL);
			_exit(127);
		}
		_exit(child_ok == n_child ? 0 : 1);
	}
	(void)before;
	printf("child exit=%d\n", wait_child(pid));
	ok += calls(m_parent);
	printf("parent ok=%ld\n", ok);
	return 0;
}

static int do_vforkfirst(void)
{
	long ok;
	pid_t pid;

	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		long mine = hs_calls, child_ok;

		map_fd = hs_map();
		child_ok = calls(n_child);

		hs_calls -= mine;
		hs_report();
		hs_calls = mine;
		exit(child_ok == n_child ? 0 : 1);
	}
	printf("child exit=%d\n", wait_child(pid));
	map_fd = hs_map();
	ok = calls(m_parent);
	printf("parent ok=%ld\n", ok);
	return 0;
}

static int child_main(void *arg)
{
	(void)arg;
	hs_calls = 0;
	calls(n_child);
	hs_report();
	_exit(0);
}

static int do_sysfork(bool use_clone)
{
	static char stack[64 << 10] __attribute__((aligned(16)));
	long ok = calls(m_parent);
	pid_t pid;

	fflush(stdout);
	if (use_clone) {
		pid = clone(child_main, stack + sizeof(stack), SIGCHLD, NULL);
	} else {
		pid = (pid_t)syscall(SYS_fork);
		if (pid == 0)
			child_main(NULL);
	}
	printf("child exit=%d\n", wait_child(pid));
	ok += calls(m_parent);
	printf("parent ok=%ld\n", ok);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc < 3)
		return 2;
	n_child = atol(argv[2]);
	m_parent = argc > 3 ? atol(argv[3]) : 0;
	if (!strcmp(argv[1], "vforkfirst")) {
		rc = do_vforkfirst();
		hs_report();
		return rc;
	}
	map_fd = hs_map();
	if (map_fd < 0) {
		perror("BPF_MAP_CREATE");
		return 1;
	}
	m_parent = argc > 3 ? atol(argv[3]) : 0;
	if (!strcmp(argv[1], "vfork"))
		rc = do_vfork(argv[0], false);
	else if (!strcmp(argv[1], "vforkexec"))
		rc = do_vfork(argv[0], true);
	else if (!strcmp(argv[1], "sysfork"))
		rc = do_sysfork(false);
	else if (!strcmp(argv[1], "clone"))
		rc = do_sysfork(true);
	else if (!strcmp(argv[1], "calls"))
		rc = calls(n_child) == n_child ? 0 : 1;
	hs_report();
	return rc;
}

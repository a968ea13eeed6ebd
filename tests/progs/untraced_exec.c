// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * untraced_exec [-b] HOW PATH [ARG...]: start PATH with ARGs by one of the
 * exec functions the shim wraps (tests/bats/untraced.bats).  A dynamically
 * linked program, so the shim is in it; -b makes a bpf call first (a
 * BPF_MAP_CREATE through syscall(), which the shim records), so that its
 * spool exists before the exec.
 *
 * HOW: execve execv execvp execvpe execl execlp execle fexecve execveat
 * (PATH relative to the directory of its first "/" or to ".") spawn spawnp
 * (waited for: exits with the child's status) vfork (vfork, then execve).
 * The execl ones pass PATH alone, without ARGs.
 * When the exec fails: "HOW: errno=N" on stdout and exit 127.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void bpf_call(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}

static int wait_for(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 126;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int spawn(const char *how, char **argv)
{
	pid_t pid;
	int rc;

	if (!strcmp(how, "spawn"))
		rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	else
		rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc) {
		printf("%s: errno=%d\n", how, rc);
		return 127;
	}
	return wait_for(pid);
}

/* execveat(dirfd, name): the directory part of @path opened, or ".". */
static void at(char **argv)
{
	char dir[4096], *slash;
	const char *name = argv[0];
	int fd;

	snprintf(dir, sizeof(dir), "%s", argv[0]);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		name = argv[0] + (slash - dir) + 1;
	}
	fd = open(slash ? (dir[0] ? dir : "/") : ".", O_RDONLY | O_DIRECTORY);
	execveat(fd, name, argv, environ, 0);
}

static int run(const char *how, char **argv)
{
	char *const *a = argv;
	pid_t pid;

	if (!strcmp(how, "spawn") || !strcmp(how, "spawnp"))
		return spawn(how, argv);
	if (!strcmp(how, "execve"))
		execve(a[0], a, environ);
	else if (!strcmp(how, "execv"))
		execv(a[0], a);
	else if (!strcmp(how, "execvp"))
		execvp(a[0], a);
	else if (!strcmp(how, "execvpe"))
		execvpe(a[0], a, environ);
	else if (!strcmp(how, "execl"))
		execl(a[0], a[0], (char *)NULL);
	else if (!strcmp(how, "execlp"))
		execlp(a[0], a[0], (char *)NULL);
	else if (!strcmp(how, "execle"))
		execle(a[0], a[0], (char *)NULL, environ);
	else if (!strcmp(how, "fexecve"))
		fexecve(open(a[0], O_RDONLY | O_CLOEXEC), a, environ);
	else if (!strcmp(how, "execveat"))
		at(argv);
	else if (!strcmp(how, "vfork")) {
		pid = vfork();
		if (pid == 0) {
			execve(a[0], a, environ);
			_exit(127);
		}
		return pid < 0 ? 126 : wait_for(pid);
	} else {
		fprintf(stderr, "untraced_exec: unknown HOW '%s'\n", how);
		return 2;
	}
	printf("%s: errno=%d\n", how, errno);
	return 127;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-b")) {
		bpf_call();
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: untraced_exec [-b] HOW PATH [ARG...]\n");
		return 2;
	}
	fflush(stdout);
	return run(argv[i], argv + i + 1);
}

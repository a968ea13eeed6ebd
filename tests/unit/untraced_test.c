// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/untraced.c: bpfspy run's warning about a PROGRAM the shim cannot
 * enter, its wording per reason, its search through $PATH, and that it
 * is said once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/untraced.h"
#include "tap.h"

#ifndef STATIC_PROG
#define STATIC_PROG "tests/progs/exerciser_static"
#endif
#define TAIL "; its bpf calls are not recorded (bpfspy run --kernel or bpfspy attach can trace it)\n"

static char dir[] = "/tmp/untraced_test.XXXXXX";

static void line_is(const char *prog, const char *shim, const char *want)
{
	char buf[8192];
	bool said = run_untraceable_line(prog, shim, buf, sizeof(buf));

	tap_ok(want ? said && !strcmp(buf, want) : !said && !buf[0],
	       "%s (shim %s): [%s] (want [%s])", prog, shim ? shim : "unchecked", buf,
	       want ? want : "nothing");
}

static bool copy_static(const char *to, mode_t mode)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod %o '%s'", STATIC_PROG, to,
		 (unsigned)mode, to);
	return system(cmd) == 0;
}

static void lines(void)
{
	char want[4 * PATH_MAX], path[256], *old = getenv("PATH");

	line_is("/bin/true", NULL, NULL);
	line_is("true", NULL, NULL);
	line_is("/nonexistent/prog", NULL, NULL);   /* execvp says why */
	line_is("/bin/true", "/nonexistent/libbpfspy.so",
		"bpfspy run: PROGRAM '/bin/true' cannot be traced: shim not found at "
		"/nonexistent/libbpfspy.so (as PROGRAM's root and mount namespace show it)" TAIL);
	if (access(STATIC_PROG, X_OK) != 0) {
		tap_skip(STATIC_PROG " was not built", "a static PROGRAM");
		return;
	}
	line_is(STATIC_PROG, NULL,
		"bpfspy run: PROGRAM '" STATIC_PROG "' cannot be traced: statically linked" TAIL);
	/* found through $PATH as execvp finds it */
	snprintf(path, sizeof(path), "%s/static-tool", dir);
	copy_static(path, 0755);
	setenv("PATH", dir, 1);
	snprintf(want, sizeof(want),
		 "bpfspy run: PROGRAM '%s' cannot be traced: statically linked" TAIL, path);
	line_is("static-tool", NULL, want);
	setenv("PATH", old ? old : "/usr/bin:/bin", 1);
	if (geteuid() != 0) {
		tap_skip("not root", "a set-user-ID PROGRAM of another user");
		return;
	}
	snprintf(path, sizeof(path), "%s/suid", dir);
	snprintf(want, sizeof(want), "cp /bin/true '%s' && chown 65534 '%s' && chmod 4755 '%s'",
		 path, path, path);
	tap_ok(system(want) == 0, "a set-user-ID copy");
	snprintf(want, sizeof(want),
		 "bpfspy run: PROGRAM '%s' cannot be traced: set-user-ID: the dynamic linker "
		 "ignores LD_PRELOAD" TAIL, path);
	line_is(path, NULL, want);
}

/* Said once, on fd 2, errno kept. */
static void once(void)
{
	char buf[8192] = "";
	int fds[2], saved = dup(2);
	ssize_t n;

	if (pipe(fds) != 0 || saved < 0 || dup2(fds[1], 2) < 0) {
		tap_ok(0, "pipe");
		return;
	}
	errno = 1234;
	run_warn_untraceable("/bin/true", "/nonexistent/libbpfspy.so");
	run_warn_untraceable("/bin/true", "/nonexistent/libbpfspy.so");
	tap_ok(errno == 1234, "errno kept (%d)", errno);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	buf[n > 0 ? n : 0] = 0;
	tap_ok(n > 0 && strchr(buf, '\n') == buf + n - 1 && !strncmp(buf, "bpfspy run: ", 12),
	       "said once: [%s]", buf);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	lines();
	once();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* bpfspy run's warning about a PROGRAM the shim cannot enter: see untraced.h. */
#include "untraced.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "base/exe_check.h"

/* Append @s to @buf of @cap bytes holding @len: the new length. */
static size_t put(char *buf, size_t cap, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len >= cap)
		return len;
	if (n > cap - 1 - len)
		n = cap - 1 - len;
	memcpy(buf + len, s, n);
	buf[len + n] = 0;
	return len + n;
}

/* What the reason means for the shim, after the reason itself. */
static const char *hint(const char *why)
{
	if (exe_why_secure(why))
		return ": the dynamic linker ignores LD_PRELOAD";
	if (!strncmp(why, EXE_WHY_NO_SHIM, strlen(EXE_WHY_NO_SHIM)) ||
	    !strncmp(why, EXE_WHY_SHIM_UNREADABLE, strlen(EXE_WHY_SHIM_UNREADABLE)))
		return " (as PROGRAM's root and mount namespace show it)";
	return "";
}

bool run_untraceable_line(const char *prog_argv0, const char *shim_path, char *buf,
			  size_t cap)
{
	char path[PATH_MAX], why[PATH_MAX + 64];
	size_t len = 0;

	if (cap)
		buf[0] = 0;
	if (!prog_argv0 || exe_search(prog_argv0, path, sizeof(path)) != 0)
		return false;
	if (exe_untraceable(AT_FDCWD, path, shim_path, why, sizeof(why)) != EXE_UNTRACED)
		return false;
	len = put(buf, cap, len, "bpfspy run: PROGRAM '");
	len = put(buf, cap, len, path);
	len = put(buf, cap, len, "' cannot be traced: ");
	len = put(buf, cap, len, why);
	len = put(buf, cap, len, hint(why));
	len = put(buf, cap, len, "; its bpf calls are not recorded "
				 "(bpfspy run --kernel or bpfspy attach can trace it)\n");
	return len > 0;
}

void run_warn_untraceable(const char *prog_argv0, const char *shim_path)
{
	static bool said;
	char line[2 * PATH_MAX + 256];
	int e = errno;

	if (said || !run_untraceable_line(prog_argv0, shim_path, line, sizeof(line)))
		return;
	said = true;
	(void)!write(2, line, strlen(line));
	errno = e;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfspy run: say so when PROGRAM is an image the shim cannot enter (a
 * statically linked one, an AT_SECURE one, one in a root without the
 * shim): it runs, and none of its bpf calls is recorded.  The judging is
 * exe_untraceable() (base/exe_check.h).
 */
#ifndef BPFSPY_UNTRACED_H
#define BPFSPY_UNTRACED_H

#include <stdbool.h>
#include <stddef.h>

/*
 * When an exec of @prog_argv0 (found through $PATH as execvp(3) finds it)
 * would start it without the shim at @shim_path (NULL: do not check that
 * the shim exists), say so once on standard error:
 *
 *   bpfspy run: PROGRAM '/usr/bin/x' cannot be traced: statically linked;
 *   its bpf calls are not recorded (bpfspy run --kernel or bpfspy attach
 *   can trace it)
 *
 * Nothing when it is traceable or when the exec would fail (execvp says
 * why then).  For bpfspy run's child right before it execs PROGRAM, after
 * the sandbox is applied (the shim's path as PROGRAM's root shows it): no
 * allocation, no stdio, one write(2); errno is kept.
 */
void run_warn_untraceable(const char *prog_argv0, const char *shim_path);

/* The line run_warn_untraceable() writes, newline included, into @buf
 * (always terminated); false when there is nothing to say. */
bool run_untraceable_line(const char *prog_argv0, const char *shim_path, char *buf,
			  size_t cap);

#endif

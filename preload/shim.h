/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libbpfspy.so internals shared between the C shim and the assembly hook. */
#ifndef BPFSPY_SHIM_H
#define BPFSPY_SHIM_H

/* glibc's syscall(), found with dlsym(RTLD_NEXT).  Starts out pointing at a
 * resolver so a call made before our constructor still works.  Takes the
 * syscall number and up to six arguments (the 7th C argument is on the
 * stack, which a plain call forwards unchanged). */
typedef long (*syscall_fn)(long, long, long, long, long, long, long);
extern syscall_fn bpfspy_real_syscall;

/* The bpf(2) path, reached from the hook when number == __NR_bpf. */
long bpfspy_bpf_syscall(long nr, long cmd, long attr, long size, long a4, long a5);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policies bpfspy run imposes on the traced program's bpf calls:
 * faults to inject (--inject) and commands to deny (--deny).  One parser
 * for both sides: bpfspy run checks what the user typed and hands the
 * shim the canonical numeric form, which the shim parses again.
 */
#ifndef BPFSPY_BPF_POLICY_H
#define BPFSPY_BPF_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define BPF_POLICY_MAX 16     /* rules of each kind */
#define BPF_POLICY_CMDS 64    /* commands a rule can name: 0..63 */

/* Fail calls @from..@to (1-based, to == 0: no end) of command @cmd with
 * @err, per process. */
struct bpf_inject {
	uint32_t cmd;
	int err;
	uint32_t from, to;
};

/* Calls of @cmd fail with @err (a seccomp filter). */
struct bpf_deny {
	uint32_t cmd;
	int err;
};

/* "BPF_PROG_LOAD", "prog_load" or "5": the command number, or -1. */
int bpf_policy_cmd(const char *s, size_t n);
/* "EPERM", "eperm" or "1": the errno, or -1. */
int bpf_policy_errno(const char *s, size_t n);

/* "CMD:ERRNO[:N|:N+]": 0, or -1 when malformed. */
int bpf_inject_parse(const char *spec, struct bpf_inject *r);
/* The canonical form of @r, which bpf_inject_parse reads back. */
void bpf_inject_format(const struct bpf_inject *r, char *buf, size_t cap);
/* "N", "N+" or "every" of @r. */
void bpf_inject_when(const struct bpf_inject *r, char *buf, size_t cap);

/* "CMD[,CMD...][:ERRNO]" (default EPERM) appended to @r[*n]: 0, or -1
 * when malformed or more than @max rules in all. */
int bpf_deny_parse(const char *spec, struct bpf_deny *r, unsigned *n, unsigned max);

#endif

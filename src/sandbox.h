/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What bpfspy run imposes on PROGRAM: faults injected by the shim
 * (--inject), a seccomp policy on bpf(2) (--deny) and capabilities taken
 * away (--drop-caps, --unprivileged).  The options are checked when
 * parsed; the child applies them between fork and exec.
 */
#ifndef BPFSPY_SANDBOX_H
#define BPFSPY_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/bpf_policy.h"

struct sandbox {
	char inject[1024];      /* BPFSPY_INJECT: canonical rules, comma separated
				 * (commands by number, functions by name) */
	unsigned ninject;
	struct bpf_deny deny[BPF_POLICY_MAX];
	unsigned ndeny;
	char deny_env[1024];    /* BPFSPY_DENY */
	uint64_t drop_caps;     /* bit per capability */
};

/* Each returns 0, or -1 after saying what is wrong with @arg. */
int sandbox_add_inject(struct sandbox *s, const char *arg);
int sandbox_add_deny(struct sandbox *s, const char *arg);
int sandbox_add_caps(struct sandbox *s, const char *arg);
/* Warn on standard error about options that will not do what they seem
 * to (--drop-caps CAP_BPF keeping CAP_SYS_ADMIN).  After parsing. */
void sandbox_warn(const struct sandbox *s);
/* --unprivileged: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN. */
void sandbox_unprivileged(struct sandbox *s);

/* The policies for the shim, as PROGRAM's environment: @set(@u, NAME,
 * VALUE) for each variable, VALUE NULL for one to remove. */
typedef void (*sandbox_setenv_fn)(void *u, const char *name, const char *value);
void sandbox_env(const struct sandbox *s, sandbox_setenv_fn set, void *u);
/* Whether sandbox_apply() has anything to do in the child. */
bool sandbox_in_child(const struct sandbox *s);
/* In the child, before exec: drop the capabilities, install the seccomp
 * filter.  0, or -1 with a message. */
int sandbox_apply(const struct sandbox *s);

#endif

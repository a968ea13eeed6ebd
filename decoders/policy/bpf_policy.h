/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policies bpfspy run imposes on the traced program's bpf calls:
 * faults to inject (--inject) and commands to deny (--deny).  One parser
 * for both sides: bpfspy run checks what the user typed and hands the
 * shim the canonical form, which the shim parses again.
 *
 * An --inject rule names a bpf command (the syscall layer) or one of the
 * libbpf functions the shim interposes (libbpf_funcs.def, the libbpf
 * layer).  A name spelt exactly as such a function (bpf_map_create,
 * bpf_object__load: libbpf's names are lower case) is the function;
 * any other spelling of a command name (BPF_MAP_CREATE, map_create,
 * MAP_CREATE) or its number is the command.
 */
#ifndef BPFSPY_BPF_POLICY_H
#define BPFSPY_BPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPF_POLICY_MAX 16     /* rules of each kind */
#define BPF_POLICY_CMDS 64    /* commands a rule can name: 0..63 */

/* Fail calls @from..@to (1-based, to == 0: no end) of command @cmd, or
 * of libbpf function @func, with @err, per process. */
struct bpf_inject {
	uint32_t cmd;           /* the bpf command, when func < 0 */
	int func;               /* the libbpf function (libbpf_funcs.def id), or -1 */
	int err;
	uint32_t from, to;
};

/* Why bpf_inject_parse refused a rule. */
enum bpf_inject_status {
	BPF_INJECT_OK = 0,
	BPF_INJECT_BAD_FORM = -1,    /* not NAME:ERRNO[:N|:N+] */
	BPF_INJECT_BAD_NAME = -2,    /* neither a bpf command nor an interposed libbpf function */
	BPF_INJECT_VOID_FUNC = -3,   /* a libbpf function without an error return */
	BPF_INJECT_BAD_ERRNO = -4,
	BPF_INJECT_BAD_WHEN = -5,    /* N is not a number from 1 to 999999999 */
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

/* "bpf_object__load": the id of that libbpf function (exact spelling),
 * or -1. */
int bpf_policy_func(const char *s, size_t n);
/* Function @id has an error return to inject: it returns an int, an fd
 * or a pointer (not void). */
bool bpf_policy_func_injectable(unsigned id);

/* "CMD:ERRNO[:N|:N+]" or "FUNC:ERRNO[:N|:N+]": BPF_INJECT_OK, or why
 * not (enum bpf_inject_status, all negative). */
int bpf_inject_parse(const char *spec, struct bpf_inject *r);
/* What is wrong with a rule bpf_inject_parse returned @status for. */
const char *bpf_inject_strerror(int status);
/* The canonical form of @r, which bpf_inject_parse reads back. */
void bpf_inject_format(const struct bpf_inject *r, char *buf, size_t cap);
/* "N", "N+" or "every" of @r. */
void bpf_inject_when(const struct bpf_inject *r, char *buf, size_t cap);
/* Rule @r fails the @nth call (1-based) of what it names. */
bool bpf_inject_hits(const struct bpf_inject *r, uint32_t nth);
/* The errno the first of the @n rules @r that names command @cmd (@func
 * < 0) or libbpf function @func and hits its @nth call fails it with,
 * or 0. */
int bpf_inject_match(const struct bpf_inject *r, unsigned n, int func, uint32_t cmd,
		     uint32_t nth);

/* "CMD[,CMD...][:ERRNO]" (default EPERM) appended to @r[*n]: 0, or -1
 * when malformed or more than @max rules in all. */
int bpf_deny_parse(const char *spec, struct bpf_deny *r, unsigned *n, unsigned max);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbpf API calls: which functions, what their arguments are, and how an
 * event of the libbpf layer reads.  The list is libbpf_funcs.def; the shim
 * (preload/libbpf_layer.c) interposes them and captures the raw call.
 */
#ifndef BPFSPY_LIBBPF_FUNCS_H
#define BPFSPY_LIBBPF_FUNCS_H

#include <stdbool.h>
#include <stdint.h>

#include "syscall/bpf_decode.h"

enum libbpf_func_id {
#define LIBBPF_FUNC(sym, ver) LF_##sym,
#include "libbpf/libbpf_funcs.def"
#undef LIBBPF_FUNC
	LF_COUNT
};

/* The most arguments an interposed function takes (bpf_task_fd_query). */
#define LIBBPF_MAX_ARGS 9

enum libbpf_arg_kind {
	LA_NONE,
	LA_INT,     /* int, rendered signed */
	LA_BOOL,    /* bool: only the low byte of its register is defined */
	LA_U32,
	LA_U64,
	LA_HEX,     /* u64 best read in hex (flags words) */
	LA_FD,
	LA_ENUM,    /* via an xlat table */
	LA_STR,     /* const char *: the string */
	LA_PTR,     /* a pointer: "0x..." or null */
	LA_OPTS,    /* an opts struct: its leading size_t sz */
	LA_OBJECT,  /* struct bpf_object *: named by the shim */
	LA_PROGRAM, /* struct bpf_program *: named by the shim */
	LA_MAP,     /* struct bpf_map *: named by the shim */
	LA_OUT_U32, /* __u32 *, written by the call: its value after */
	LA_OUT_U64, /* __u64 *, written by the call */
	LA_IO_U32,  /* __u32 *, read and written: its value before and after */
	LA_OUT_STR, /* char *, a string the call writes (on success) */
	LA_FLAGS,   /* a u32 flags word: names via x (NULL: none defined) */
	LA_ELEM_FLAGS, /* a map element call's flags, as attr.flags renders them */
};

enum libbpf_ret_kind {
	LR_ERR,     /* 0, or a negative error code with errno set */
	LR_FD,      /* an fd, or a negative error code with errno set */
	LR_PTR,     /* a pointer, or NULL with errno set */
	LR_VOID,
};

struct libbpf_opts_desc;

struct libbpf_arg {
	const char *name;
	uint8_t kind;
	const struct xlat *x;
	const struct libbpf_opts_desc *opts;  /* LA_OPTS: its layout, or NULL */
};

struct libbpf_func {
	uint8_t ret;                 /* enum libbpf_ret_kind */
	struct libbpf_arg args[LIBBPF_MAX_ARGS];
};

/* Name and version node of function @id (from libbpf_funcs.def). */
const char *libbpf_func_name(unsigned id);
const char *libbpf_func_version(unsigned id);
const struct libbpf_func *libbpf_func(unsigned id);
/* How many arguments function @id takes (its table's named ones). */
unsigned libbpf_func_nargs(unsigned id);

/* One libbpf call, as the shim captured it. */
struct libbpf_call {
	unsigned id;
	uint64_t args[LIBBPF_MAX_ARGS];
	int64_t ret;
	int err;                     /* errno after the call */
	uint64_t nsys, nfail;        /* bpf syscalls made inside, failed */
	uint64_t cmds;               /* bit n: command n made inside; 0 unknown
				      * (a packed record does not keep it) */
	char name[64];               /* the object, program or map's name */
	/* The call reached a wrapper but the loaded libbpf lacks the
	 * function: it returned -ENOSYS (NULL) with errno ENOSYS. */
	bool missing;
	/* bpfspy run --inject failed the call: libbpf never ran it. */
	bool injected;
	/* LA_IO_U32 arguments: the value behind the pointer before the
	 * call (in[i] for args[i]); in_ok bit i: it could be read. */
	uint32_t in[LIBBPF_MAX_ARGS];
	uint32_t in_ok;
	/* The opts argument as libbpf's OPTS_VALID sees it, read before
	 * the call (libbpf_opts_probe):  opts_addr 0: none or NULL.
	 * opts_sz: its leading size_t sz.  opts_sz_small: sz is below
	 * sizeof(size_t) (libbpf: -EINVAL).  opts_tail_nonzero: offset of
	 * the first nonzero byte between the newest layout bpfspy knows
	 * (opts_known) and sz, 0 if none (libbpf: -EINVAL if past its own
	 * layout).  opts_fault: sz or the tail could not be read. */
	uint64_t opts_addr;
	uint64_t opts_sz;
	uint32_t opts_known;
	uint32_t opts_tail_nonzero;
	bool opts_sz_small;
	bool opts_fault;
};

/* The caller's buffers libbpf_render_event() reads for @c (its strings,
 * the values behind pointer arguments, the opts struct and the strings it
 * points to), as bpf_call_regions() gives them for bpf calls; @max + 1
 * when they do not fit. */
unsigned libbpf_call_regions(const struct libbpf_call *c, const struct decode_opts *o,
			     struct bpf_region *out, unsigned max);

/* Fill @c's opts_* from the caller's opts struct (fault-safe reads):
 * the shim calls it before the real function. */
void libbpf_opts_probe(struct libbpf_call *c);
/* Read @c's LA_IO_U32 arguments' values into c->in (before the call). */
void libbpf_args_probe(struct libbpf_call *c);

/* Render a libbpf event's keys after the envelope and before the checks:
 * "func", "version", "args", "object", "ret", "errno", "syscalls",
 * "failed".  The event layer (event/bpf_event.h) composes the rest. */
void libbpf_render_call(struct jsonw *w, const struct libbpf_call *c,
			const struct decode_opts *o);

/* True when a call of @id renders from its argument values alone (no
 * string, opts struct or object name to read): the shim may spool it
 * packed (struct libbpf_record) and render it at drain time. */
bool libbpf_func_offline_ok(unsigned id);
/* True when function @id has an opts struct or an in/out count argument:
 * what libbpf_opts_probe() and libbpf_args_probe() read before the call.
 * Without one they leave a zeroed struct libbpf_call as it is. */
bool libbpf_func_probes(unsigned id);


#endif

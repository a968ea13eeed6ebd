/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buffers the kernel fills for the caller beyond union bpf_attr: the info
 * structures of OBJ_GET_INFO_BY_FD, the id arrays of PROG_QUERY, the
 * output packet and context of PROG_TEST_RUN, the name of TASK_FD_QUERY
 * and the text of PROG_STREAM_READ_BY_FD.  Rendered under "out", after the
 * call, by the extras below (bpf_cmds.c hooks them into the table).
 *
 * Everything reads caller memory through memread.h only, and runs inside
 * traced programs: no allocation, no stdio, no locks.  With o->offline the
 * caller's memory is gone, so these render nothing; the commands that use
 * them point to buffers the shim does not capture (bpf_field.to) and are
 * never rendered offline.
 */
#ifndef BPFSPY_BPF_INFO_H
#define BPFSPY_BPF_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "syscall/bpf_decode.h"

/* "prog", "map"...; "unknown" for anything else. */
const char *bpf_obj_kind_name(enum bpf_obj_kind k);

/*
 * The kind of object behind @fd (enum bpf_obj_kind, bpf_decode.h) in this
 * process.  The info structure does not say which one it is, so the
 * kernel is asked: /proc/self/fdinfo/<fd> of a bpf object has a
 * kind-specific key at the start of a line (see bpf_fdinfo_parse()).  Raw
 * syscalls only, so async-signal-safe.  OBJ_UNKNOWN when fdinfo cannot be
 * read (no /proc) or names none of them.  The fd may also have been
 * closed and reused by another thread since the call, which nothing here
 * can tell.
 */
enum bpf_obj_kind bpf_fd_kind(int fd);

/* What /proc/PID/fdinfo/FD says of a bpf object (the one parser of it). */
struct bpf_fdinfo {
	enum bpf_obj_kind kind;      /* OBJ_UNKNOWN: not a bpf object */
	bool has_type;               /* type is the map/prog/link type */
	uint32_t type, id;           /* id 0: not said */
	uint32_t key_size, value_size;   /* maps; 0 not said */
	bool frozen;                 /* maps: "frozen:\t1" (5.2+) */
	uint32_t link_prog_id;       /* links: the program it holds, 0 not said */
};

/*
 * Parse @len bytes of fdinfo text.  The kind is the first of these keys
 * found at the start of a line, in this order, whatever the order of the
 * lines: "link_type:" (links also print prog_tag/prog_id, never
 * prog_type), "prog_type:", "map_type:", "btf_id:", "allowed_cmds:"
 * (tokens).  A link's type is named in words (xlat_bpf_link_type).
 * No allocation, no libc beyond mem*: async-signal-safe.
 */
void bpf_fdinfo_parse(const char *text, size_t len, struct bpf_fdinfo *fi);

/* Every info structure bpfspy can name fits in this many bytes. */
#define BPF_INFO_MAX 256u

/*
 * Render the info structure the kernel wrote, @len bytes of which @info
 * holds the first min(@len, BPF_INFO_MAX), as the object @kind says:
 * "key":{"kind":"map","type":...}.  Only fields that lie within @len are
 * shown; bytes past the layout bpfspy knows (a newer kernel) are counted
 * in "unknown_bytes".  Pointers the kernel filled (names, map ids, a map's
 * hash) are followed through memread.  @kind comes from the caller;
 * OBJ_UNKNOWN renders the bytes as hex under "bytes".
 */
/* The caller's info struct as it was before the call (array capacities
 * the kernel overwrites with totals); p NULL when not captured. */
struct info_before {
	const uint8_t *p;
	uint32_t len;
};

void bpf_info_render(struct jsonw *w, const char *key, enum bpf_obj_kind kind,
		     const uint8_t *info, uint32_t len, const struct info_before *b,
		     const struct decode_opts *o);

/* The out_extra of each command (struct bpf_cmd_desc). */
void obj_get_info_out_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o);
void prog_query_out_extra(struct jsonw *w, const struct bpf_call *c,
			  const struct decode_opts *o);
void prog_test_run_out_extra(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o);
void task_fd_query_out_extra(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o);
void prog_stream_read_out_extra(struct jsonw *w, const struct bpf_call *c,
				const struct decode_opts *o);

#endif

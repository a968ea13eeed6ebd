/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbpf's opts structs, field by field: one table per struct (the newest
 * layout bpfspy knows, x86-64/LP64), read from the caller honouring the
 * struct's leading size_t sz the way libbpf's OPTS_VALID does.
 */
#ifndef BPFSPY_LIBBPF_OPTS_H
#define BPFSPY_LIBBPF_OPTS_H

#include "libbpf/libbpf_funcs.h"

enum libbpf_opts_kind {
	OK_U32,
	OK_S32,      /* int, fds */
	OK_U64,
	OK_HEX32,
	OK_HEX64,
	OK_PTR,
	OK_STR,      /* const char *: the string */
	OK_ENUM,     /* u32 via xlat */
	OK_FLAGS32,  /* u32 flags via xlat */
	OK_FLAGS64,
};

struct libbpf_opts_field {
	const char *name;
	uint16_t off;
	uint8_t size;      /* 4 or 8 */
	uint8_t kind;      /* enum libbpf_opts_kind */
	uint8_t arm;       /* 0: always there; else the union arm it is in */
	const struct xlat *x;
};

struct libbpf_opts_desc {
	const char *name;  /* the struct's tag: "bpf_map_create_opts" */
	uint32_t size;     /* sizeof() of the newest layout known */
	const struct libbpf_opts_field *f;
	unsigned nf;
	/* Structs with a union: which arm the call uses (0: none known),
	 * and the union's bytes, shown raw when no known arm covers them. */
	unsigned (*arm)(const struct libbpf_call *c);
	const char *const *arm_names;   /* the object an arm's fields go in */
	uint16_t union_off, union_end;
};

/* What libbpf_render_opts() reads of the opts struct @d at @addr, into
 * @out from @n on: the new count (@max + 1: too many). */
unsigned libbpf_opts_regions(const struct libbpf_opts_desc *d, uint64_t addr,
			     const struct libbpf_call *c, const struct decode_opts *o,
			     struct bpf_region *out, unsigned n, unsigned max);

extern const struct libbpf_opts_desc libbpf_opts_map_create, libbpf_opts_prog_load,
	libbpf_opts_btf_load, libbpf_opts_map_batch, libbpf_opts_obj_pin, libbpf_opts_obj_get,
	libbpf_opts_prog_attach, libbpf_opts_prog_detach, libbpf_opts_link_create,
	libbpf_opts_link_update, libbpf_opts_get_fd_by_id, libbpf_opts_prog_query,
	libbpf_opts_raw_tp, libbpf_opts_prog_bind, libbpf_opts_test_run,
	libbpf_opts_token_create, libbpf_opts_stream_read, libbpf_opts_assoc_struct_ops;

/* Bytes past the known layout scanned for a nonzero one, at most. */
#define LIBBPF_OPTS_TAIL_SCAN 4096

/* "key":{"addr":...,"sz":N, the fields within sz..., "tail_nonzero_at":K}
 * or null; @d may be NULL (only addr and sz are known). */
void libbpf_render_opts(struct jsonw *w, const char *key, const struct libbpf_opts_desc *d,
			uint64_t addr, const struct libbpf_call *c, const struct decode_opts *o);

#endif

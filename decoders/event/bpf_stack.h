/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call-site stacks (bpfspy run --stack): the return addresses the shim
 * unwound at a call, the names it found for them, and how both travel
 * through a spool.
 *
 * An event carries raw addresses only.  What an address means (module,
 * function, offset) is found once per address in the traced process
 * (preload/stack.c) and either rendered at once (live events) or spooled
 * once per spool as a BPF_REC_SYM state record, which the drain keeps in
 * a table for the packed records after it (struct bpf_sym_table): a hot
 * call site costs 8 bytes of spool per frame, not its names.
 */
#ifndef BPFSPY_BPF_STACK_H
#define BPFSPY_BPF_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/jsonw.h"

#define BPF_STACK_DEFAULT 16   /* frames, bpfspy run --stack */
#define BPF_STACK_MAX     64   /* the most --stack=N accepts */
#define BPF_SYM_NAME_MAX  255  /* bytes of a module or function name kept */

/* What an address is.  The strings need not be NUL-terminated. */
struct bpf_frame_sym {
	const char *module;        /* basename of the object; NULL unknown */
	const char *function;      /* NULL when no symbol covers the address */
	uint16_t module_len, function_len;
	uint64_t module_addr;      /* the address in the module's file
				    * (what addr2line -e MODULE takes) */
	uint64_t offset;           /* from the function's first byte */
};

/* Fill @out for @ip; false when nothing is known (the frame is then
 * rendered by its address alone). */
typedef bool (*bpf_sym_fn)(void *ctx, uint64_t ip, struct bpf_frame_sym *out);

/* The stack of one event, innermost frame (the call site) first. */
struct bpf_stack {
	const uint64_t *ip;        /* return addresses */
	uint16_t n;
	bool truncated;            /* more frames were there than kept */
	bpf_sym_fn sym;
	void *sym_ctx;
};

/* "stack":[{"addr":"0x...","module":"...","module_addr":"0x...",
 * "function":"...","offset":N},...], then "stack_truncated":true when
 * the stack was cut at the depth. */
void bpf_render_stack(struct jsonw *w, const struct bpf_stack *s);

/* ---- in spools ------------------------------------------------------------ */

/* The stack after a packed record's other parts: u16 n, u8 flags (bit 0:
 * truncated), then n u64 return addresses (unaligned). */
size_t bpf_stack_tail_size(const struct bpf_stack *s);
uint8_t *bpf_stack_tail_pack(uint8_t *p, const struct bpf_stack *s);
/* Read a tail of exactly @len bytes into @s, its addresses into @ips
 * (BPF_STACK_MAX of them); false if malformed. */
bool bpf_stack_tail_unpack(const uint8_t *p, size_t len, uint64_t *ips, struct bpf_stack *s);

/* A BPF_REC_SYM record: what @ip is, for the records after it.  The
 * names follow the struct: module_len bytes, then function_len bytes. */
#define BPF_SYM_MODULE   0x1
#define BPF_SYM_FUNCTION 0x2
struct bpf_rec_sym {
	uint64_t ip;
	uint64_t module_addr;
	uint64_t offset;
	uint16_t module_len, function_len;
	uint32_t flags;            /* BPF_SYM_* */
	char names[];
};

size_t bpf_rec_sym_size(const struct bpf_frame_sym *sym);
void bpf_rec_sym_pack(void *dst, uint64_t ip, const struct bpf_frame_sym *sym);

/* The drain's table of BPF_REC_SYM records of one spool (malloc'd:
 * drains run outside the traced program's hot path). */
struct bpf_sym_table;
struct bpf_sym_table *bpf_sym_table_new(void);
void bpf_sym_table_free(struct bpf_sym_table *t);
void bpf_sym_table_reset(struct bpf_sym_table *t);
/* Keep record @rec of @len bytes; false if malformed. */
bool bpf_sym_table_add(struct bpf_sym_table *t, const void *rec, size_t len);
/* A bpf_sym_fn over the table (@ctx: the table). */
bool bpf_sym_table_lookup(void *ctx, uint64_t ip, struct bpf_frame_sym *out);

#endif

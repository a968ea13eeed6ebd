/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bpf call as the shim spools it: the raw bytes of one event, rendered
 * to JSON later, when the spool is drained.
 *
 * Why: rendering a BPF_MAP_LOOKUP_ELEM event as JSON costs ~280 ns and
 * 242 bytes of spool here, against ~860 ns for the call itself, and every
 * fresh page of spool costs several microseconds on a VM.  Packing the
 * same call is a few copies into ~110 bytes.  Only commands that render
 * from the attr snapshots alone are spooled this way
 * (bpf_cmd_offline_ok()); the rest read the caller's memory (strings,
 * logs) and are rendered while that memory is still there.
 */
#ifndef BPFSPY_BPF_RECORD_H
#define BPFSPY_BPF_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "bpf_decode.h"

#define BPF_REC_HAVE_POST      0x1
#define BPF_REC_TAIL_UNREAD    0x2

struct bpf_record {
	uint64_t seq;
	uint64_t ts;            /* wall clock, ns */
	uint64_t dur_ns;
	uint64_t attr_addr;
	int64_t ret;
	uint32_t pid, tid;
	uint32_t cmd_raw, size;
	int32_t err;
	int32_t pre_err;
	uint32_t tail_nonzero_off;
	uint16_t pre_len, post_len;
	uint16_t flags;
	uint16_t blob_used;
	uint8_t nblobs;
	char comm[16];
	/* pre_len bytes, post_len bytes, nblobs struct bpf_blob (unaligned),
	 * blob_used bytes of captured payload, then with BPF_COMMON_ATTRS in
	 * cmd_raw the 4th and 5th arguments (u64 address, u32 size) */
	uint8_t bytes[];
};

/* Bytes bpf_record_pack() writes for @c. */
size_t bpf_record_size(const struct bpf_call *c);

/* Pack @c and its envelope into @dst (bpf_record_size() bytes). */
void bpf_record_pack(void *dst, const struct bpf_call *c,
		     const struct bpf_event_env *env);

/* Render a packed record (@len bytes) as one event line, without the
 * newline.  Returns -1 when the record is malformed. */
int bpf_record_render(struct jsonw *w, const void *rec, size_t len,
		      const struct decode_opts *o);

/* The same as a spool_render_fn (spool.h): the line in @out, its length
 * returned (more than @cap: retry with a larger buffer), 0 if malformed. */
size_t bpf_record_render_line(const void *rec, size_t len, char *out, size_t cap);

#endif

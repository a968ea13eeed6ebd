// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a tracer outside the calling process must copy of a call for the
 * decoders to render it later from the copies (bpfspy attach): the
 * buffers behind attr's pointers that the field tables, the extras and
 * bpf_capture_plan() read, each bounded by the limit the decoder applies.
 *
 * The C-string fields come from the field tables themselves; the rest is
 * one row per buffer an extra or the capture plan reads, named by the same
 * attr offsets.  tests/unit/kread_test.c renders synthetic calls and fails
 * when a decoder reads a buffer this plan would not have copied.
 */
#include "syscall/bpf_attr.h"
#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"

#include <string.h>

#define ARRAY_CAP   (64u * 8u)     /* render_*_array: the first 64 entries */
#define DIGEST_CAP  (256u << 10)   /* digests of larger buffers are unknown */
#define INFO_CAP    4096u          /* INFO_LEN_CAP */
#define NO          BPF_KREAD_NO_COUNT

/* Caps that follow the decode options. */
enum { CAP_FIXED, CAP_STR, CAP_LOG, CAP_DATA };

struct kread_row {
	uint8_t cmd;
	uint16_t ptr_off, cnt_off;
	uint8_t len, phase, need_ok;
	uint32_t mult;
	uint8_t cap_kind;
	uint32_t cap;
};

#define R(c, p, n, l, ph, ok, m, ck, cp) \
	{ XV_BPF_##c, ATTR_##p, n, KR_##l, KR_##ph, ok, m, CAP_##ck, cp }

static const struct kread_row rows[] = {
	/* bpf_capture_plan(): keys and values (data_cap) */
	R(MAP_LOOKUP_ELEM, MAP_ELEM_key, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_LOOKUP_ELEM, MAP_ELEM_value, NO, VALUE, AFTER, 1, 1, DATA, 0),
	R(MAP_UPDATE_ELEM, MAP_ELEM_key, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_UPDATE_ELEM, MAP_ELEM_value, NO, VALUE, BEFORE, 0, 1, DATA, 0),
	R(MAP_DELETE_ELEM, MAP_ELEM_key, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_GET_NEXT_KEY, MAP_ELEM_key, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_GET_NEXT_KEY, MAP_ELEM_next_key, NO, KEY, AFTER, 1, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_ELEM, MAP_ELEM_key, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_ELEM, MAP_ELEM_value, NO, VALUE, AFTER, 1, 1, DATA, 0),
	/* batch cursors: a key, or a u32 bucket index for hash maps (cursor_len()) */
	R(MAP_UPDATE_BATCH, BATCH_in_batch, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_UPDATE_BATCH, BATCH_in_batch, NO, COUNT, BEFORE, 0, 4, DATA, 0),
	R(MAP_DELETE_BATCH, BATCH_in_batch, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_DELETE_BATCH, BATCH_in_batch, NO, COUNT, BEFORE, 0, 4, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_in_batch, NO, COUNT, BEFORE, 0, 4, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_out_batch, NO, COUNT, AFTER, 0, 4, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_in_batch, NO, COUNT, BEFORE, 0, 4, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_out_batch, NO, COUNT, AFTER, 0, 4, DATA, 0),
	R(MAP_UPDATE_BATCH, BATCH_keys, ATTR_BATCH_count, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_UPDATE_BATCH, BATCH_values, ATTR_BATCH_count, VALUE, BEFORE, 0, 1, DATA, 0),
	R(MAP_DELETE_BATCH, BATCH_keys, ATTR_BATCH_count, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_in_batch, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_keys, ATTR_BATCH_count, KEY, AFTER, 0, 1, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_values, ATTR_BATCH_count, VALUE, AFTER, 0, 1, DATA, 0),
	R(MAP_LOOKUP_BATCH, BATCH_out_batch, NO, KEY, AFTER, 0, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_in_batch, NO, KEY, BEFORE, 0, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_keys, ATTR_BATCH_count, KEY, AFTER, 0, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_values, ATTR_BATCH_count, VALUE, AFTER, 0, 1, DATA, 0),
	R(MAP_LOOKUP_AND_DELETE_BATCH, BATCH_out_batch, NO, KEY, AFTER, 0, 1, DATA, 0),
	/* prog_load_in_extra, prog_load_out_extra */
	R(PROG_LOAD, PROG_LOAD_insns, ATTR_PROG_LOAD_insn_cnt, COUNT, BEFORE, 0, 8, FIXED, DIGEST_CAP),
	R(PROG_LOAD, PROG_LOAD_fd_array, ATTR_PROG_LOAD_fd_array_cnt, COUNT, BEFORE, 0, 4, FIXED, ARRAY_CAP),
	R(PROG_LOAD, PROG_LOAD_log_buf, ATTR_PROG_LOAD_log_size, COUNT, AFTER, 0, 1, LOG, 0),
	/* btf_load_in_extra, btf_load_out_extra */
	R(BTF_LOAD, BTF_LOAD_btf, ATTR_BTF_LOAD_btf_size, COUNT, BEFORE, 0, 1, FIXED, DIGEST_CAP),
	R(BTF_LOAD, BTF_LOAD_btf_log_buf, ATTR_BTF_LOAD_btf_log_size, COUNT, AFTER, 0, 1, LOG, 0),
	/* the capture plan's BLOB_INFO_IN, then obj_get_info_out_extra */
	R(OBJ_GET_INFO_BY_FD, INFO_info, ATTR_INFO_info_len, COUNT, BEFORE, 0, 1, FIXED, BPF_INFO_MAX),
	R(OBJ_GET_INFO_BY_FD, INFO_info, ATTR_INFO_info_len, COUNT, AFTER, 1, 1, FIXED, BPF_INFO_MAX),
	/* prog_query_out_extra: prog_cnt u32 entries of each array */
	R(PROG_QUERY, QUERY_prog_ids, ATTR_QUERY_prog_cnt, COUNT, AFTER, 1, 4, FIXED, ARRAY_CAP),
	R(PROG_QUERY, QUERY_prog_attach_flags, ATTR_QUERY_prog_cnt, COUNT, AFTER, 1, 4, FIXED, ARRAY_CAP),
	R(PROG_QUERY, QUERY_link_ids, ATTR_QUERY_prog_cnt, COUNT, AFTER, 1, 4, FIXED, ARRAY_CAP),
	R(PROG_QUERY, QUERY_link_attach_flags, ATTR_QUERY_prog_cnt, COUNT, AFTER, 1, 4, FIXED, ARRAY_CAP),
	/* prog_test_run_out_extra */
	R(PROG_TEST_RUN, TEST_data_out, ATTR_TEST_data_size_out, COUNT, AFTER, 0, 1, DATA, 0),
	R(PROG_TEST_RUN, TEST_ctx_out, ATTR_TEST_ctx_size_out, COUNT, AFTER, 0, 1, DATA, 0),
	/* task_fd_query_out_extra */
	R(TASK_FD_QUERY, TASK_FD_QUERY_buf, ATTR_TASK_FD_QUERY_buf_len, COUNT, AFTER, 0, 1, STR, 0),
	/* link_create_in_extra, by arm: kprobe_multi, uprobe_multi, tracing_multi */
	R(LINK_CREATE, LINK_CREATE_kprobe_multi_syms, ATTR_LINK_CREATE_kprobe_multi_cnt, STR_ARRAY, BEFORE, 0, 8, STR, 0),
	R(LINK_CREATE, LINK_CREATE_kprobe_multi_addrs, ATTR_LINK_CREATE_kprobe_multi_cnt, COUNT, BEFORE, 0, 8, FIXED, ARRAY_CAP),
	R(LINK_CREATE, LINK_CREATE_kprobe_multi_cookies, ATTR_LINK_CREATE_kprobe_multi_cnt, COUNT, BEFORE, 0, 8, FIXED, ARRAY_CAP),
	R(LINK_CREATE, LINK_CREATE_uprobe_multi_offsets, ATTR_LINK_CREATE_uprobe_multi_cnt, COUNT, BEFORE, 0, 8, FIXED, ARRAY_CAP),
	R(LINK_CREATE, LINK_CREATE_uprobe_multi_ref_ctr_offsets, ATTR_LINK_CREATE_uprobe_multi_cnt, COUNT, BEFORE, 0, 8, FIXED, ARRAY_CAP),
	R(LINK_CREATE, LINK_CREATE_uprobe_multi_cookies, ATTR_LINK_CREATE_uprobe_multi_cnt, COUNT, BEFORE, 0, 8, FIXED, ARRAY_CAP),
};

static uint32_t cap_of(const struct kread_row *r, const struct decode_opts *o)
{
	switch (r->cap_kind) {
	case CAP_STR:  return o->str_cap;
	case CAP_LOG:  return o->log_cap;
	case CAP_DATA: return o->data_cap;
	}
	return r->cap;
}

static unsigned add(struct bpf_kread *out, unsigned n, unsigned max, uint16_t ptr_off,
		    uint16_t cnt_off, uint8_t len, uint8_t phase, uint8_t need_ok,
		    uint32_t mult, uint32_t cap)
{
	if (n >= max || !cap)
		return n;
	out[n].ptr_off = ptr_off;
	out[n].cnt_off = cnt_off;
	out[n].len = len;
	out[n].phase = phase;
	out[n].need_ok = need_ok;
	out[n].mult = mult;
	out[n].cap = cap;
	return n + 1;
}

unsigned bpf_kread_plan(uint32_t cmd, const struct decode_opts *o,
			struct bpf_kread *out, unsigned max)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	unsigned n = 0, i;

	if (!d)
		return 0;
	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].kind == FK_STR_PTR)
			n = add(out, n, max, d->fields[i].off, NO, KR_STR, KR_BEFORE, 0, 1,
				o->str_cap);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct kread_row *r = &rows[i];

		if (r->cmd != cmd)
			continue;
		if ((r->cap_kind == CAP_DATA || r->len == KR_KEY || r->len == KR_VALUE) &&
		    o->no_data)
			continue;
		n = add(out, n, max, r->ptr_off, r->cnt_off, r->len, r->phase, r->need_ok,
			r->mult, cap_of(r, o));
	}
	return n;
}

/* bpf_call_map_fd() asked of a call whose u32 at offset k holds k + 1:
 * the answer names the offset. */
int bpf_cmd_map_fd_off(uint32_t cmd)
{
	static struct bpf_call c;
	unsigned k;
	int fd;

	memset(&c, 0, sizeof(c));
	c.cmd = c.cmd_raw = cmd;
	c.size = c.pre_len = BPF_ATTR_SNAP;
	for (k = 0; k + 4 <= BPF_ATTR_SNAP; k += 4) {
		uint32_t v = k + 1;

		memcpy(c.pre + k, &v, 4);
	}
	fd = bpf_call_map_fd(&c);
	return fd > 0 ? fd - 1 : -1;
}

/* bpf_call_fds() asked of a failed call whose u32 at offset k holds
 * k + 1: the fds it names are the offsets of its fd fields (those of the
 * union arm this pattern selects). */
unsigned bpf_cmd_fd_offs(uint32_t cmd, uint16_t *offs, unsigned max)
{
	static struct bpf_call c;
	int32_t fds[BPF_FD_NOTES];
	unsigned k, n, i, out = 0;

	memset(&c, 0, sizeof(c));
	c.cmd = c.cmd_raw = cmd;
	c.size = c.pre_len = BPF_ATTR_SNAP;
	c.ret = -1;
	for (k = 0; k + 4 <= BPF_ATTR_SNAP; k += 4) {
		uint32_t v = k + 1;

		memcpy(c.pre + k, &v, 4);
	}
	n = bpf_call_fds(&c, fds, BPF_FD_NOTES);
	for (i = 0; i < n && out < max; i++)
		if (fds[i] > 0 && fds[i] <= (int32_t)BPF_ATTR_SNAP)
			offs[out++] = (uint16_t)(fds[i] - 1);
	return out;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a tracer outside the calling process must copy of a call for the
 * decoders to render it later from the copies (bpfspy attach): the
 * buffers behind attr's pointers, each bounded by the limit the decoder
 * applies.  Not a table of its own: the command's field table says it
 * (bpf_cmds.c), C strings by their kind (FK_STR_PTR), every other buffer
 * by its pointer field's .to (struct bpf_pointee), which bpf_capture_plan()
 * also follows for the shim.  tests/unit/kread_test.c checks the result
 * against hand-checked commands and renders synthetic calls to fail when a
 * decoder reads a buffer this plan would not have copied.
 */
#include "syscall/bpf_attr.h"
#include "syscall/bpf_decode.h"

#include <string.h>

#include "base/memread.h"

static unsigned add(struct bpf_kread *out, unsigned n, unsigned max, uint16_t ptr_off,
		    uint16_t cnt_off, uint8_t len, uint8_t phase, uint8_t need_ok,
		    uint32_t mult, uint32_t cap)
{
	if (n >= max || !cap)
		return n;
	out[n].to_nul = 0;
	out[n].ptr_off = ptr_off;
	out[n].cnt_off = cnt_off;
	out[n].len = len;
	out[n].phase = phase;
	out[n].need_ok = need_ok;
	out[n].mult = mult;
	out[n].cap = cap;
	return n + 1;
}

/* The copies of the buffer field @f points to, in @phase. */
static unsigned add_pointee(struct bpf_kread *out, unsigned n, unsigned max,
			    const struct bpf_field *f, uint8_t phase, uint8_t need_ok,
			    const struct decode_opts *o)
{
	const struct bpf_pointee *p = &f->to;
	uint32_t cap = bpf_pointee_cap(p, o);
	unsigned k;

	switch (p->len) {
	case PT_COUNT:
		k = add(out, n, max, f->off, p->cnt_off, KR_COUNT, phase, need_ok, p->mult, cap);
		if (k > n && p->cap == PT_CAP_LOG_STR)
			out[n].to_nul = 1;
		return k;
	case PT_KEY:
		return add(out, n, max, f->off, p->cnt_off, KR_KEY, phase, need_ok, 1, cap);
	case PT_VALUE:
		return add(out, n, max, f->off, p->cnt_off, KR_VALUE, phase, need_ok, 1, cap);
	case PT_CURSOR:
		/* a key, or a u32 bucket index (which, the map's type says) */
		n = add(out, n, max, f->off, BPF_KREAD_NO_COUNT, KR_KEY, phase, need_ok, 1, cap);
		return add(out, n, max, f->off, BPF_KREAD_NO_COUNT, KR_COUNT, phase, need_ok, 4, cap);
	case PT_STR_ARRAY:
		return add(out, n, max, f->off, p->cnt_off, KR_STR_ARRAY, phase, need_ok,
			   p->mult, cap);
	}
	return n;
}

/* Union arms (.when) are not told apart: the kernel program copies what
 * every arm's pointers point to, the decoder reads its arm's. */
unsigned bpf_kread_plan(uint32_t cmd, const struct decode_opts *o,
			struct bpf_kread *out, unsigned max)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	unsigned n = 0, i;

	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (f->kind == FK_STR_PTR) {
			n = add(out, n, max, f->off, BPF_KREAD_NO_COUNT, KR_STR, KR_BEFORE, 0, 1,
				o->str_cap);
			continue;
		}
		switch (f->to.when) {
		case PT_IN:
		case PT_IN_EARLY:
			n = add_pointee(out, n, max, f, KR_BEFORE, 0, o);
			break;
		case PT_INOUT:
			n = add_pointee(out, n, max, f, KR_BEFORE, 0, o);
			n = add_pointee(out, n, max, f, KR_AFTER, 1, o);
			break;
		case PT_OUT:
			n = add_pointee(out, n, max, f, KR_AFTER, 1, o);
			break;
		case PT_OUT_ENOENT:
		case PT_OUT_ANY:
			n = add_pointee(out, n, max, f, KR_AFTER, 0, o);
			break;
		}
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

/* ---- the regions a copies record carries --------------------------------- */

#define STRS_SHOWN 64u   /* render_str_array(): the first 64 strings */

unsigned bpf_region_add(struct bpf_region *out, unsigned n, unsigned max, uint64_t addr,
			uint64_t len, uint8_t kind)
{
	if (!addr || !len || n > max)
		return n;
	if (n == max)
		return max + 1;
	out[n].addr = addr;
	out[n].len = (uint32_t)(len < UINT32_MAX ? len : UINT32_MAX);
	out[n].kind = kind;
	return n + 1;
}

/* The count at @off as the renderer may take it: before the call or
 * after (a capacity in, a total out), whichever is larger. */
static uint64_t either_count(const struct bpf_call *c, uint16_t off)
{
	uint64_t a, b;

	if (off == BPF_KREAD_NO_COUNT)
		return 1;
	a = bpf_attr_get(c, off, 4);
	b = c->have_post ? bpf_attr_get_post(c, off, 4) : 0;
	return a > b ? a : b;
}

/* A string array: the pointers, then the strings they name. */
static unsigned str_array(const struct bpf_call *c, const struct bpf_kread *r, uint64_t addr,
			  const struct decode_opts *o, struct bpf_region *out, unsigned n,
			  unsigned max)
{
	uint64_t ptrs[STRS_SHOWN], cnt = bpf_attr_get(c, r->cnt_off, 4);
	size_t got, i;

	if (cnt > STRS_SHOWN)
		cnt = STRS_SHOWN;
	n = bpf_region_add(out, n, max, addr, cnt * 8, BR_BYTES);
	got = mem_read(ptrs, addr, (size_t)cnt * 8, NULL) / 8;
	for (i = 0; i < got; i++)
		n = bpf_region_add(out, n, max, ptrs[i], o->str_cap, BR_TEXT);
	return n;
}

/* One entry of the read plan.  Digests (PT_CAP_DIGEST, the only cap of
 * BPF_DIGEST_MAX) keep the renderer's own length: the count before. */
static unsigned plan_regions(const struct bpf_call *c, const struct bpf_kread *r,
			     const struct decode_opts *o, struct bpf_region *out, unsigned n,
			     unsigned max)
{
	uint64_t addr = bpf_attr_get(c, r->ptr_off, 8), len;

	if (!addr || (r->need_ok && c->ret < 0))
		return n;
	switch (r->len) {
	case KR_STR:
		return bpf_region_add(out, n, max, addr, r->cap, BR_TEXT);
	case KR_STR_ARRAY:
		return str_array(c, r, addr, o, out, n, max);
	case KR_COUNT:
		if (r->cap == BPF_DIGEST_MAX) {
			len = bpf_attr_get(c, r->cnt_off, 4) * (uint64_t)r->mult;
			return bpf_region_add(out, n, max, addr, len < r->cap ? len : r->cap, BR_DIGEST);
		}
		len = either_count(c, r->cnt_off) * r->mult;
		return bpf_region_add(out, n, max, addr, len < r->cap ? len : r->cap,
			      r->to_nul ? BR_TEXT : BR_BYTES);
	}
	return max + 1;   /* a key or value: the map's sizes are not known here */
}

/* An INOUT buffer is read by the renderer as the call left it (the
 * shim's blob has it as it was): its entry for before is not needed. */
static bool read_after(const struct bpf_kread *plan, unsigned n, const struct bpf_kread *r)
{
	unsigned i;

	if (r->phase != KR_BEFORE)
		return false;
	for (i = 0; i < n; i++)
		if (plan[i].ptr_off == r->ptr_off && plan[i].phase == KR_AFTER)
			return true;
	return false;
}

unsigned bpf_call_regions(const struct bpf_call *c, const struct decode_opts *o,
			  struct bpf_region *out, unsigned max)
{
	struct bpf_kread plan[BPF_REGIONS_MAX];
	unsigned np = bpf_kread_plan(c->cmd, o, plan, BPF_REGIONS_MAX), n = 0, i;

	for (i = 0; i < np && n <= max; i++)
		if (!read_after(plan, np, &plan[i]))
			n = plan_regions(c, &plan[i], o, out, n, max);
	/* --insns decodes the instructions the digest covers: those bytes
	 * too (the map fds they name the shim learns: bpf_insns_map_fds()) */
	if (o->insns && c->cmd == XV_BPF_PROG_LOAD)
		n = bpf_region_add(out, n, max, bpf_attr_get(c, ATTR_PROG_LOAD_insns, 8),
				   bpf_insns_read_len((uint32_t)bpf_attr_get(c,
						ATTR_PROG_LOAD_insn_cnt, 4)), BR_BYTES);
	if (c->cmd == XV_BPF_OBJ_GET_INFO_BY_FD)
		n = bpf_info_regions(c, o, out, n, max);
	if (c->cmd_raw & BPF_COMMON_ATTRS_BIT)
		n = bpf_common_regions(c, o, out, n, max);
	return n;
}

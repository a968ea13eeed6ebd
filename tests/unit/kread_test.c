// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf_kread_plan() against the decoders it serves (bpfspy attach): for a
 * synthetic call of every command, each pointer field an address of its
 * own and each count small, every byte the renderer and bpf_capture_plan()
 * read of the caller's memory must lie in a buffer the plan copies.  A
 * decoder that starts reading a new buffer fails here until the plan
 * names it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/memread.h"
#include "event/bpf_event.h"
#include "syscall/bpf_decode.h"
#include "tap.h"

#define BASE    0x100000000000ull
#define STRIDE  0x100000ull      /* between the fake addresses of two fields */
#define COUNT   3u               /* every u32 field: arrays of 3, logs of 3 */
#define KEY     4u
#define VALUE   8u
#define MAX_READS 256

struct region {
	uint64_t addr, len;
};

static struct region plan[32], reads[MAX_READS];
static unsigned nplan, nreads;

/* The source mem_read() answers from: zeroes, every read recorded. */
static size_t record_read(void *ctx __maybe_unused, void *dst, uint64_t addr, size_t len)
{
	if (nreads < MAX_READS) {
		reads[nreads].addr = addr;
		reads[nreads++].len = len;
	}
	memset(dst, 0, len);
	return len;
}

static uint64_t fake_addr(unsigned off)
{
	return BASE + off * STRIDE;
}

/* attr as a caller might fill it: pointers to their own ranges, counts
 * COUNT, enums and flags zero. */
static void synth(struct bpf_call *c, uint32_t cmd)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = cmd;
	c->size = c->pre_len = BPF_ATTR_SNAP;
	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];
		uint64_t v = 0;

		if (f->kind == FK_PTR || f->kind == FK_STR_PTR)
			v = fake_addr(f->off);
		else if (f->kind == FK_U32 && f->size == 4)
			v = COUNT;
		if (v && f->off + f->size <= BPF_ATTR_SNAP)
			memcpy(c->pre + f->off, &v, f->size);
	}
	memcpy(c->post, c->pre, sizeof(c->pre));
	c->post_len = c->pre_len;
	c->have_post = true;
}

static uint64_t get(const struct bpf_call *c, unsigned off, unsigned n)
{
	uint64_t v = 0;

	if (off + n <= BPF_ATTR_SNAP)
		memcpy(&v, c->pre + off, n);
	return v;
}

/* The buffers the plan would copy of @c. */
static void plan_of(const struct bpf_call *c, const struct decode_opts *o)
{
	struct bpf_kread r[16];
	unsigned n = bpf_kread_plan(c->cmd, o, r, 16), i;

	nplan = 0;
	for (i = 0; i < n && nplan < 32; i++) {
		uint64_t cnt = r[i].cnt_off == BPF_KREAD_NO_COUNT ? 1 : get(c, r[i].cnt_off, 4);
		uint64_t len;

		switch (r[i].len) {
		case KR_COUNT: len = cnt * r[i].mult; break;
		case KR_KEY: len = cnt * KEY; break;
		case KR_VALUE: len = cnt * VALUE; break;
		case KR_STR: len = r[i].cap; break;
		default: len = cnt * 8; break;   /* the pointer array */
		}
		plan[nplan].addr = get(c, r[i].ptr_off, 8);
		plan[nplan++].len = len < r[i].cap ? len : r[i].cap;
	}
}

static bool covered(const struct region *rd)
{
	unsigned i;

	for (i = 0; i < nplan; i++)
		if (rd->addr >= plan[i].addr && rd->addr + rd->len <= plan[i].addr + plan[i].len)
			return true;
	return false;
}

static void capture(struct bpf_call *c, const struct decode_opts *o)
{
	struct bpf_blob_req req[BPF_BLOB_MAX];
	struct bpf_map_meta m = { 1, KEY, VALUE, 2 };
	unsigned n, i;
	uint8_t buf[BPF_BLOB_BYTES];

	n = bpf_capture_plan(c, NULL, CAPTURE_BEFORE, o, req);
	for (i = 0; i < n; i++)
		mem_read(buf, req[i].addr, req[i].len < sizeof(buf) ? req[i].len : sizeof(buf), NULL);
	if (bpf_call_map_fd(c) < 0)
		return;
	n = bpf_capture_plan(c, &m, CAPTURE_PRE, o, req);
	n += bpf_capture_plan(c, &m, CAPTURE_POST, o, req + n);
	for (i = 0; i < n; i++)
		mem_read(buf, req[i].addr, req[i].len < sizeof(buf) ? req[i].len : sizeof(buf), NULL);
}

int main(void)
{
	static char line[1 << 20];
	struct decode_opts o;
	struct bpf_call c;
	struct jsonw w;
	uint32_t cmd;
	unsigned i;

	decode_opts_default(&o);
	o.insns = true;
	mem_read_set_source(record_read, NULL);
	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++) {
		const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
		unsigned bad = 0;

		if (!d)
			continue;
		synth(&c, cmd);
		plan_of(&c, &o);
		nreads = 0;
		capture(&c, &o);
		jw_init(&w, line, sizeof(line) - 1);
		bpf_render_call_checked(&w, &c, &o);
		for (i = 0; i < nreads; i++) {
			if (covered(&reads[i]))
				continue;
			if (!bad++)
				printf("# %s reads %llu bytes at attr field offset %llu, not in its plan\n",
				       d->name, (unsigned long long)reads[i].len,
				       (unsigned long long)((reads[i].addr - BASE) / STRIDE));
		}
		tap_ok(!bad, "%s: the plan copies every buffer the decoders read (%u reads)",
		       d->name, nreads);
	}
	/* the map fd offsets the kernel program reads, as bpf_call_map_fd() */
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_MAP_LOOKUP_ELEM) == 0, "map_fd of the element commands at 0");
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_MAP_LOOKUP_BATCH) == 36, "map_fd of the batches at 36");
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_PROG_LOAD) == -1, "PROG_LOAD has no map fd");
	{
		uint16_t offs[BPF_FD_NOTES];

		tap_ok(bpf_cmd_fd_offs(XV_BPF_PROG_BIND_MAP, offs, BPF_FD_NOTES) == 2 &&
		       offs[0] == 0 && offs[1] == 4, "PROG_BIND_MAP names prog_fd 0 and map_fd 4");
	}
	mem_read_set_source(NULL, NULL);
	return tap_done();
}

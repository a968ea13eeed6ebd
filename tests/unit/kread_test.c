// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The read plan bpfspy attach's kernel program follows (bpf_kread_plan())
 * and the shim's capture plan (bpf_capture_plan()) are both derived from
 * the commands' field tables (bpf_field.to).  Checked here against what
 * they must be, by three independent means:
 *
 *  - hand-checked commands: the copies a few commands need, written out
 *    with the attr offsets of the UAPI (include/uapi/linux/bpf.h, x86_64)
 *    as numbers, and the buffers the shim captures of a few calls;
 *  - the tables' shape: a count a pointee names is a u32 field of its own
 *    command, a key or value only where the command has a map fd;
 *  - the decoders themselves: for a synthetic call of every command (and
 *    of every union arm that reads arrays), each pointer field an address
 *    of its own and each count small, every byte the renderer and
 *    bpf_capture_plan() read of the caller's memory must lie in a buffer
 *    the plan copies.  A decoder that starts reading a new buffer fails
 *    here until its pointer field says what it points to.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/memread.h"
#include "event/bpf_event.h"
#include "syscall/bpf_decode.h"
#include "synth.h"
#include "tap.h"

#define BASE    0x100000000000ull
#define STRIDE  0x100000ull      /* between the fake addresses of two fields */
#define COUNT   3u               /* every u32 field: arrays of 3, logs of 3 */
#define KEY     4u
#define VALUE   8u
#define MAX_READS 256
#define NO      BPF_KREAD_NO_COUNT
#define PLAN_MAX 32

/* ---- hand-checked plans ------------------------------------------------ */

/* One copy the plan must hold; cap 0: the decode option the test names. */
struct want {
	uint16_t ptr, cnt;
	uint8_t len, phase, need_ok;
	uint32_t mult, cap;
};

#define B KR_BEFORE
#define A KR_AFTER
#define DATA 64u                 /* decode_opts_default(): data_cap */
#define STR  4096u               /* str_cap */
#define LOG  65536u              /* log_cap */

static const struct want lookup_elem[] = {
	/* key 8: key_size bytes handed in; value 16: the value it wrote */
	{ 8, NO, KR_KEY, B, 0, 1, DATA },
	{ 16, NO, KR_VALUE, A, 1, 1, DATA },
};

static const struct want update_elem[] = {
	{ 8, NO, KR_KEY, B, 0, 1, DATA },
	{ 16, NO, KR_VALUE, B, 0, 1, DATA },
};

static const struct want get_next_key[] = {
	/* next_key 16 is a key the kernel wrote */
	{ 8, NO, KR_KEY, B, 0, 1, DATA },
	{ 16, NO, KR_KEY, A, 1, 1, DATA },
};

static const struct want obj_pin[] = {
	{ 0, NO, KR_STR, B, 0, 1, STR },   /* pathname */
};

static const struct want prog_load[] = {
	{ 8, 4, KR_COUNT, B, 0, 8, 64u << 20 },   /* insns: insn_cnt × 8, digested whole */
	{ 16, NO, KR_STR, B, 0, 1, STR },         /* license */
	{ 32, 28, KR_COUNT, A, 0, 1, LOG },       /* log_buf: log_size, failed loads too */
	{ 120, 148, KR_COUNT, B, 0, 4, 64 * 4 },  /* fd_array: fd_array_cnt fds, 64 shown */
};

static const struct want btf_load[] = {
	{ 0, 16, KR_COUNT, B, 0, 1, 64u << 20 },  /* btf: btf_size, digested */
	{ 8, 20, KR_COUNT, A, 0, 1, LOG },        /* btf_log_buf: btf_log_size */
};

/* in_batch 0, out_batch 8, keys 16, values 24, count 32: the cursor is a
 * key or a u32 bucket index, which only the map's type tells; a lookup's
 * elements come back also with the ENOENT that ends the walk. */
static const struct want lookup_batch[] = {
	{ 0, NO, KR_KEY, B, 0, 1, DATA },
	{ 0, NO, KR_COUNT, B, 0, 4, DATA },
	{ 8, NO, KR_KEY, A, 0, 1, DATA },
	{ 8, NO, KR_COUNT, A, 0, 4, DATA },
	{ 16, 32, KR_KEY, A, 0, 1, DATA },
	{ 24, 32, KR_VALUE, A, 0, 1, DATA },
};

static const struct want update_batch[] = {
	{ 0, NO, KR_KEY, B, 0, 1, DATA },
	{ 0, NO, KR_COUNT, B, 0, 4, DATA },
	{ 16, 32, KR_KEY, B, 0, 1, DATA },
	{ 24, 32, KR_VALUE, B, 0, 1, DATA },
};

static const struct want delete_batch[] = {
	{ 0, NO, KR_KEY, B, 0, 1, DATA },
	{ 0, NO, KR_COUNT, B, 0, 4, DATA },
	{ 16, 32, KR_KEY, B, 0, 1, DATA },
};

static const struct want no_data_prog_load[] = {
	/* payload is off, instructions and logs are not payload */
	{ 8, 4, KR_COUNT, B, 0, 8, 64u << 20 },
	{ 16, NO, KR_STR, B, 0, 1, STR },
	{ 32, 28, KR_COUNT, A, 0, 1, LOG },
	{ 120, 148, KR_COUNT, B, 0, 4, 64 * 4 },
};

static bool same(const struct bpf_kread *r, const struct want *w)
{
	return r->ptr_off == w->ptr && r->cnt_off == w->cnt && r->len == w->len &&
	       r->phase == w->phase && r->need_ok == w->need_ok && r->mult == w->mult &&
	       r->cap == w->cap;
}

/* The plan of @cmd is exactly @w (in any order). */
static void check_plan(uint32_t cmd, const struct decode_opts *o, const struct want *w,
		       unsigned nw, const char *what)
{
	struct bpf_kread r[PLAN_MAX];
	unsigned n = bpf_kread_plan(cmd, o, r, PLAN_MAX), i, j, found = 0;

	for (i = 0; i < nw; i++) {
		for (j = 0; j < n && !same(&r[j], &w[i]); j++)
			;
		if (j < n)
			found++;
		else
			printf("# %s: no copy of %u bytes at attr %u (count at %u, phase %u)\n",
			       what, w[i].mult, w[i].ptr, w[i].cnt, w[i].phase);
	}
	for (j = 0; j < n; j++) {
		for (i = 0; i < nw && !same(&r[j], &w[i]); i++)
			;
		if (i == nw)
			printf("# %s: an unexpected copy at attr %u (len %u, count at %u, phase %u, cap %u)\n",
			       what, r[j].ptr_off, r[j].len, r[j].cnt_off, r[j].phase, r[j].cap);
	}
	tap_ok(found == nw && n == nw, "%s", what);
}

#define PLAN(cmd, o, w, what) check_plan(XV_BPF_##cmd, o, w, sizeof(w) / sizeof(w[0]), what)

static void test_hand_checked(void)
{
	struct decode_opts o;

	decode_opts_default(&o);
	PLAN(MAP_LOOKUP_ELEM, &o, lookup_elem,
	     "MAP_LOOKUP_ELEM: key_size bytes at key before the call, the value at value after success");
	PLAN(MAP_LOOKUP_AND_DELETE_ELEM, &o, lookup_elem, "MAP_LOOKUP_AND_DELETE_ELEM: as a lookup");
	PLAN(MAP_UPDATE_ELEM, &o, update_elem, "MAP_UPDATE_ELEM: key and value handed in");
	PLAN(MAP_GET_NEXT_KEY, &o, get_next_key, "MAP_GET_NEXT_KEY: a key in, the next key out");
	PLAN(OBJ_PIN, &o, obj_pin, "OBJ_PIN: the pathname string, nothing else");
	PLAN(OBJ_GET, &o, obj_pin, "OBJ_GET: the pathname string, nothing else");
	PLAN(PROG_LOAD, &o, prog_load, "PROG_LOAD: insns, license, fd_array in; the log out");
	PLAN(BTF_LOAD, &o, btf_load, "BTF_LOAD: the BTF blob in, the log out");
	PLAN(MAP_LOOKUP_BATCH, &o, lookup_batch,
	     "MAP_LOOKUP_BATCH: the cursor in; count keys, count values and the cursor out");
	PLAN(MAP_LOOKUP_AND_DELETE_BATCH, &o, lookup_batch, "MAP_LOOKUP_AND_DELETE_BATCH: as a lookup");
	PLAN(MAP_UPDATE_BATCH, &o, update_batch, "MAP_UPDATE_BATCH: count keys and values in");
	PLAN(MAP_DELETE_BATCH, &o, delete_batch, "MAP_DELETE_BATCH: count keys in, no values");
	{
		struct bpf_kread r[PLAN_MAX];

		tap_ok(bpf_kread_plan(XV_BPF_MAP_FREEZE, &o, r, PLAN_MAX) == 0 &&
		       bpf_kread_plan(XV_BPF_PROG_GET_NEXT_ID, &o, r, PLAN_MAX) == 0,
		       "MAP_FREEZE, PROG_GET_NEXT_ID: no pointers, no copies");
	}
	o.no_data = true;
	{
		struct bpf_kread r[PLAN_MAX];

		tap_ok(bpf_kread_plan(XV_BPF_MAP_LOOKUP_ELEM, &o, r, PLAN_MAX) == 0 &&
		       bpf_kread_plan(XV_BPF_MAP_LOOKUP_BATCH, &o, r, PLAN_MAX) == 0,
		       "--no-data: no keys, values or cursors");
	}
	PLAN(PROG_LOAD, &o, no_data_prog_load, "--no-data: PROG_LOAD's copies unchanged");
	decode_opts_default(&o);
	o.data_cap = 16;
	o.str_cap = 100;
	o.log_cap = 1000;
	{
		struct bpf_kread r[PLAN_MAX];
		unsigned n = bpf_kread_plan(XV_BPF_PROG_LOAD, &o, r, PLAN_MAX), i, ok = 0;

		for (i = 0; i < n; i++)
			ok += (r[i].ptr_off == 16 && r[i].cap == 100) ||
			      (r[i].ptr_off == 32 && r[i].cap == 1000);
		n = bpf_kread_plan(XV_BPF_MAP_UPDATE_ELEM, &o, r, PLAN_MAX);
		for (i = 0; i < n; i++)
			ok += r[i].cap == 16;
		tap_ok(ok == 4, "the caps follow --str-bytes, --log-bytes and --data-bytes");
	}
}

/* ---- the shim's capture, from the same tables -------------------------- */

static void attr_put(struct bpf_call *c, unsigned off, uint64_t v, unsigned n)
{
	memcpy(c->pre + off, &v, n);
	memcpy(c->post + off, &v, n);
}

static void call_init(struct bpf_call *c, uint32_t cmd, uint32_t size)
{
	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = cmd;
	c->size = c->pre_len = c->post_len = size;
	c->have_post = true;
}

static bool req_is(const struct bpf_blob_req *r, uint8_t tag, uint64_t addr, uint32_t len,
		   uint32_t full, uint32_t stride)
{
	return r->tag == tag && r->addr == addr && r->len == len && r->full_len == full &&
	       r->stride == stride;
}

/* The blob @r asked for as captured (no memory is read: lengths only). */
static void pretend_captured(struct bpf_call *c, const struct bpf_blob_req *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && c->nblobs < BPF_BLOB_MAX; i++) {
		c->blobs[c->nblobs].tag = r[i].tag;
		c->blobs[c->nblobs++].full_len = r[i].full_len;
	}
}

static void test_capture(void)
{
	struct bpf_map_meta array = { XV_BPF_MAP_TYPE_ARRAY, 4, 12, 2 };
	struct bpf_map_meta percpu = { XV_BPF_MAP_TYPE_PERCPU_ARRAY, 4, 12, 2 };
	struct bpf_map_meta hash = { XV_BPF_MAP_TYPE_HASH, 6, 8, 2 };
	struct bpf_blob_req r[BPF_BLOB_MAX];
	struct decode_opts o;
	struct bpf_call c;
	unsigned n;

	decode_opts_default(&o);
	/* MAP_LOOKUP_ELEM: map_fd 0, key 8, value 16, flags 24 */
	call_init(&c, XV_BPF_MAP_LOOKUP_ELEM, 32);
	attr_put(&c, 8, 0x1000, 8);
	attr_put(&c, 16, 0x2000, 8);
	tap_ok(bpf_capture_plan(&c, &array, CAPTURE_BEFORE, &o, r) == 0,
	       "capture: a lookup's key apart from its value: not before the call");
	n = bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_KEY, 0x1000, 4, 4, 0),
	       "capture: ... but after it (the kernel wrote only the value)");
	attr_put(&c, 16, 0x1002, 8);   /* a value that overlaps the key */
	n = bpf_capture_plan(&c, &array, CAPTURE_BEFORE, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_KEY, 0x1000, 4, 4, 0),
	       "capture: a key the value overlaps is read before the call");
	pretend_captured(&c, r, n);
	tap_ok(bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r) == 0,
	       "capture: ... and not again after it");
	attr_put(&c, 16, 0x2000, 8);
	tap_ok(bpf_capture_plan(&c, NULL, CAPTURE_BEFORE, &o, r) == 0,
	       "capture: nothing before the call of a map not known");
	n = bpf_capture_plan(&c, &array, CAPTURE_POST, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_VALUE, 0x2000, 12, 12, 0),
	       "capture: the value after a lookup that succeeded");
	c.ret = -1;
	c.err = ENOENT;
	tap_ok(bpf_capture_plan(&c, &array, CAPTURE_POST, &o, r) == 0,
	       "capture: no value after one that failed");
	c.ret = 0;
	c.nblobs = 0;
	n = bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_KEY, 0x1000, 4, 4, 0),
	       "capture: the key after the call when it could not be read before");
	n = bpf_capture_plan(&c, &percpu, CAPTURE_POST, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_VALUE, 0x2000, 32, 32, 16),
	       "capture: a per-CPU value, a 16-byte slot per possible CPU");
	tap_ok(bpf_capture_plan(&c, NULL, CAPTURE_POST, &o, r) == 0,
	       "capture: nothing of a map not known");

	call_init(&c, XV_BPF_MAP_UPDATE_ELEM, 32);
	attr_put(&c, 8, 0x1000, 8);
	attr_put(&c, 16, 0x2000, 8);
	tap_ok(bpf_capture_plan(&c, &array, CAPTURE_BEFORE, &o, r) == 0,
	       "capture: nothing of an update before the call");
	n = bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r);
	tap_ok(n == 2 && req_is(&r[0], BLOB_KEY, 0x1000, 4, 4, 0) &&
	       req_is(&r[1], BLOB_VALUE, 0x2000, 12, 12, 0),
	       "capture: an update's key and value after it");
	o.data_cap = 8;
	n = bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r);
	tap_ok(n == 2 && r[1].len == 8 && r[1].full_len == 12, "capture: data_cap cuts the value");
	o.no_data = true;
	tap_ok(bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r) == 0, "capture: nothing with no_data");
	decode_opts_default(&o);

	/* MAP_LOOKUP_BATCH: in_batch 0, out_batch 8, keys 16, values 24,
	 * count 32, map_fd 36, elem_flags 40 */
	call_init(&c, XV_BPF_MAP_LOOKUP_BATCH, 56);
	attr_put(&c, 0, 0x1000, 8);
	attr_put(&c, 8, 0x1000, 8);
	attr_put(&c, 16, 0x3000, 8);
	attr_put(&c, 24, 0x4000, 8);
	attr_put(&c, 32, 5, 4);
	n = bpf_capture_plan(&c, &hash, CAPTURE_BEFORE, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_IN_BATCH, 0x1000, 4, 4, 0),
	       "capture: a hash map's cursor, a u32 bucket, before the batch lookup");
	memcpy(c.post + 32, &(uint32_t){ 2 }, 4);
	c.ret = -1;
	c.err = ENOENT;
	n = bpf_capture_plan(&c, &hash, CAPTURE_POST, &o, r);
	tap_ok(n == 3 && req_is(&r[0], BLOB_OUT_BATCH, 0x1000, 4, 4, 0) &&
	       req_is(&r[1], BLOB_KEYS, 0x3000, 12, 12, 6) &&
	       req_is(&r[2], BLOB_VALUES, 0x4000, 16, 16, 8),
	       "capture: the 2 elements the count says after the lookup's ENOENT, and the cursor");
	c.err = EINVAL;
	tap_ok(bpf_capture_plan(&c, &hash, CAPTURE_POST, &o, r) == 0,
	       "capture: none after another failure");
	call_init(&c, XV_BPF_MAP_UPDATE_BATCH, 56);
	attr_put(&c, 16, 0x3000, 8);
	attr_put(&c, 24, 0x4000, 8);
	attr_put(&c, 32, 3, 4);
	n = bpf_capture_plan(&c, &array, CAPTURE_PRE, &o, r);
	tap_ok(n == 2 && req_is(&r[0], BLOB_KEYS, 0x3000, 12, 12, 4) &&
	       req_is(&r[1], BLOB_VALUES, 0x4000, 36, 36, 12),
	       "capture: an update batch's 3 keys and values");

	/* OBJ_GET_INFO_BY_FD: info_len 4, info 8 */
	call_init(&c, XV_BPF_OBJ_GET_INFO_BY_FD, 16);
	attr_put(&c, 4, 1000, 4);
	attr_put(&c, 8, 0x5000, 8);
	n = bpf_capture_plan(&c, NULL, CAPTURE_BEFORE, &o, r);
	tap_ok(n == 1 && req_is(&r[0], BLOB_INFO_IN, 0x5000, 256, 1000, 0),
	       "capture: the caller's info struct before the call, its first 256 bytes");
	tap_ok(bpf_capture_plan(&c, NULL, CAPTURE_POST, &o, r) == 0,
	       "capture: the kernel's is read by the renderer");
	call_init(&c, XV_BPF_PROG_LOAD, 148);
	attr_put(&c, 4, 2, 4);
	attr_put(&c, 8, 0x6000, 8);
	tap_ok(bpf_capture_plan(&c, NULL, CAPTURE_BEFORE, &o, r) == 0 &&
	       bpf_capture_plan(&c, NULL, CAPTURE_PRE, &o, r) == 0,
	       "capture: no blob of PROG_LOAD (the renderer reads its buffers)");
}

/* ---- the tables' shape ------------------------------------------------- */

/* The field at @off of the union arm of @f (the same .when), or of none. */
static const struct bpf_field *field_at(const struct bpf_cmd_desc *d, unsigned off,
					const struct bpf_field *f)
{
	unsigned i;

	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].off == off && (!d->fields[i].when || d->fields[i].when == f->when))
			return &d->fields[i];
	return NULL;
}

static void test_shape(void)
{
	unsigned bad = 0, pointees = 0, i, j;
	uint32_t cmd;

	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++) {
		const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);

		for (i = 0; d && i < d->nfields; i++) {
			const struct bpf_field *f = &d->fields[i], *cnt;
			const struct bpf_pointee *p = &f->to;
			const char *why = NULL;

			if (!p->len)
				continue;
			pointees++;
			cnt = p->cnt_off == PT_NO_COUNT ? NULL : field_at(d, p->cnt_off, f);
			if (f->kind != FK_PTR)
				why = "a pointee on a field that is no pointer";
			else if (p->cnt_off != PT_NO_COUNT && (!cnt || cnt->size != 4 ||
							      cnt->kind != FK_U32))
				why = "its count is no u32 field of its command and arm";
			else if ((p->len == PT_COUNT || p->len == PT_STR_ARRAY) &&
				 (p->cnt_off == PT_NO_COUNT || !p->mult))
				why = "a counted buffer without count or entry size";
			else if ((p->len == PT_KEY || p->len == PT_VALUE || p->len == PT_CURSOR) &&
				 (bpf_cmd_map_fd_off(cmd) < 0 || p->cap != PT_CAP_DATA || !p->tag))
				why = "map payload of a command without a map fd, or not a blob";
			else if (!p->when || !p->cap)
				why = "no when or cap";
			for (j = 0; !why && p->tag && j < i; j++)
				if (d->fields[j].to.tag == p->tag)
					why = "two buffers captured as one blob";
			if (why) {
				bad++;
				printf("# %s.%s: %s\n", d->name, f->name, why);
			}
		}
	}
	tap_ok(!bad && pointees >= 30, "the pointees are well formed (%u of them)", pointees);
}

/* ---- the decoders' reads, covered -------------------------------------- */

struct region {
	uint64_t addr, len;
};

static struct region plan[PLAN_MAX], reads[MAX_READS];
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
 * COUNT, enums and flags zero but the u32 at @sel_off, @sel (a union arm's
 * selector). */
static uint64_t fake_addr_of(void *arg __maybe_unused, unsigned off)
{
	return fake_addr(off);
}

static void synth(struct bpf_call *c, uint32_t cmd, int sel_off, uint32_t sel)
{
	synth_call(c, cmd, fake_addr_of, NULL, COUNT, sel_off, sel);
}

static uint64_t get(const struct bpf_call *c, unsigned off, unsigned n)
{
	uint64_t v = 0;

	if (off + n <= BPF_ATTR_SNAP)
		memcpy(&v, c->pre + off, n);
	return v;
}

/* Whether a field of @c's union arm points to a buffer at @off: the plan
 * copies what every arm's pointers point to, and a copy made for another
 * arm (a string at the same offset) would only cover a read by chance. */
static bool arm_reads(const struct bpf_call *c, unsigned off)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);
	unsigned i;

	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (f->off == off && (f->kind == FK_STR_PTR || f->to.len) && (!f->when || f->when(c)))
			return true;
	}
	return false;
}

/* The buffers the plan would copy of @c. */
static void plan_of(const struct bpf_call *c, const struct decode_opts *o)
{
	struct bpf_kread r[PLAN_MAX];
	unsigned n = bpf_kread_plan(c->cmd, o, r, PLAN_MAX), i;

	nplan = 0;
	for (i = 0; i < n && nplan < PLAN_MAX; i++) {
		uint64_t cnt = r[i].cnt_off == BPF_KREAD_NO_COUNT ? 1 : get(c, r[i].cnt_off, 4);
		uint64_t len;

		if (!arm_reads(c, r[i].ptr_off))
			continue;

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

/* The calls rendered: every command as synth() makes it, and the arms of
 * LINK_CREATE that point to arrays (attach_type at 8). */
static const struct variant {
	uint32_t cmd;
	int sel_off;
	uint32_t sel;
	const char *arm;
} variants[] = {
	{ XV_BPF_LINK_CREATE, 8, XV_BPF_TRACE_KPROBE_MULTI, "kprobe_multi" },
	{ XV_BPF_LINK_CREATE, 8, XV_BPF_TRACE_UPROBE_MULTI, "uprobe_multi" },
	{ XV_BPF_LINK_CREATE, 8, XV_BPF_TRACE_FENTRY_MULTI, "tracing_multi" },
};

static void check_covered(uint32_t cmd, int sel_off, uint32_t sel, const char *arm,
			  const struct decode_opts *o)
{
	static char line[1 << 20];
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	struct bpf_call c;
	struct jsonw w;
	unsigned bad = 0, i;

	synth(&c, cmd, sel_off, sel);
	plan_of(&c, o);
	nreads = 0;
	capture(&c, o);
	jw_init(&w, line, sizeof(line) - 1);
	bpf_render_call_checked(&w, &c, o);
	for (i = 0; i < nreads; i++) {
		if (covered(&reads[i]))
			continue;
		if (!bad++)
			printf("# %s%s%s reads %llu bytes at attr field offset %llu, not in its plan\n",
			       d->name, arm ? " " : "", arm ? arm : "",
			       (unsigned long long)reads[i].len,
			       (unsigned long long)((reads[i].addr - BASE) / STRIDE));
	}
	tap_ok(!bad, "%s%s%s: the plan copies every buffer the decoders read (%u reads)",
	       d->name, arm ? " " : "", arm ? arm : "", nreads);
}

static void test_covered(void)
{
	struct decode_opts o;
	uint32_t cmd;
	unsigned i;

	decode_opts_default(&o);
	o.insns = true;
	mem_read_set_source(record_read, NULL);
	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++)
		if (bpf_cmd_desc(cmd))
			check_covered(cmd, -1, 0, NULL, &o);
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		check_covered(variants[i].cmd, variants[i].sel_off, variants[i].sel, variants[i].arm, &o);
	mem_read_set_source(NULL, NULL);
}

int main(void)
{
	test_hand_checked();
	test_capture();
	test_shape();
	test_covered();
	/* the map fd offsets the kernel program reads, as bpf_call_map_fd() */
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_MAP_LOOKUP_ELEM) == 0, "map_fd of the element commands at 0");
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_MAP_LOOKUP_BATCH) == 36, "map_fd of the batches at 36");
	tap_ok(bpf_cmd_map_fd_off(XV_BPF_PROG_LOAD) == -1, "PROG_LOAD has no map fd");
	{
		uint16_t offs[BPF_FD_NOTES];

		tap_ok(bpf_cmd_fd_offs(XV_BPF_PROG_BIND_MAP, offs, BPF_FD_NOTES) == 2 &&
		       offs[0] == 0 && offs[1] == 4, "PROG_BIND_MAP names prog_fd 0 and map_fd 4");
	}
	return tap_done();
}

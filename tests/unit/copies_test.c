// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Copies records (BPF_REC_COPIES, bpf_record.h): a call the shim cannot
 * pack from attr alone (strings, logs, info structs, arrays) is spooled
 * with copies of the caller's buffers its rendering reads, and rendered
 * in the collector from those.  It must read exactly as the same call
 * rendered live, in the traced process, from the caller's memory.
 *
 * The calls are synthetic, every command the shim does not pack (and the
 * union arms that read arrays), with every pointer field into memory of
 * this process: a readable buffer, or one that runs into an unmapped page
 * 100 bytes on (the strings, logs and arrays are then cut where the kernel
 * would fault).  Info structs are made by hand for the kinds whose
 * renderer follows their pointers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/memread.h"
#include "event/bpf_record.h"
#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_attr.h"
#include "synth.h"
#include "tap.h"

#define AREA   0x3e0000000000ull  /* where the callers' buffers are mapped */
#define SLOT   0x10000ull         /* bytes per attr offset */
#define SLOTS  200u
#define COUNT  3u                 /* every u32 field */
#define NEAR_END (SLOT - 100)     /* a buffer 100 bytes before a hole */
#define BPF_FD 7

static uint8_t *area;
/* as the shim's: short strings read once (bpf_regions_measure()) */
static uint8_t scratch[BPF_REGIONS_SCRATCH];

static uint64_t slot_addr(unsigned off, bool cut)
{
	return AREA + off * SLOT + (cut ? NEAR_END : 4096);
}

/*
 * Each slot: its first page unmapped (the end of the slot before it runs
 * into it), at 4096 an array of pointers to the slot's string at 0x8000,
 * then text; the last 100 bytes text without a NUL.
 */
static bool map_area(void)
{
	unsigned i, k;

	area = mmap((void *)(uintptr_t)AREA, SLOTS * SLOT, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (area == MAP_FAILED)
		return false;
	for (i = 0; i < SLOTS; i++) {
		uint8_t *s = area + i * SLOT;
		uint64_t str = AREA + i * SLOT + 0x8000;

		for (k = 0; k < 64; k++)
			memcpy(s + 4096 + 8 * k, &str, 8);
		memset(s + 4096 + 512, 'a' + i % 26, 3000);
		s[4096 + 512 + 1000 + i % 7] = 0;
		snprintf((char *)s + 0x8000, 64, "symbol_%u", i);
		memset(s + NEAR_END, 'z', 100);
		mprotect(s, 4096, PROT_NONE);
	}
	return true;
}

/* attr with pointers into the area (@cut: the near-end ones), counts
 * COUNT, the u32 at @sel_off @sel. */
static uint64_t slot_of(void *arg, unsigned off)
{
	return slot_addr(off, *(const bool *)arg);
}

static void synth(struct bpf_call *c, uint32_t cmd, bool cut, int sel_off, uint32_t sel)
{
	synth_call(c, cmd, slot_of, &cut, COUNT, sel_off, sel);
	c->attr_addr = 0x7ffd00001000ull;
}

static const struct bpf_event_env env0 = {
	.seq = 9, .ts = 1795316856787205678ull, .dur_ns = 1234, .pid = 42, .tid = 43,
	.comm = "copier",
};

static size_t render_live(const struct bpf_call *c, const struct decode_opts *o, char *out,
			  size_t cap)
{
	struct jsonw w;

	jw_init(&w, out, cap);
	bpf_render_event(&w, &env0, c, o);
	return w.len;
}

/* The collector's context at a spool's start, the thread's name told it. */
static struct bpf_render_ctx *fresh_ctx(char *out, size_t cap)
{
	static struct bpf_render_ctx *x;
	struct bpf_rec_thread t = { .tid = env0.tid, .comm = "copier" };

	if (!x)
		x = bpf_render_ctx_new();
	bpf_render_ctx_reset(x);
	bpf_render_ctx_record(x, BPF_REC_THREAD, &t, sizeof(t), out, cap);
	return x;
}

/* The collector's way: the fd's note and the thread as state, then the
 * copies record.  Returns the line's length; *@bytes the record's. */
static size_t render_copies(const struct bpf_call *c, const struct decode_opts *o,
			    char *out, size_t cap, size_t *bytes, unsigned *nregions)
{
	static uint8_t rec[1u << 20];
	struct bpf_render_ctx *x;
	struct bpf_region r[BPF_REGIONS_MAX];
	unsigned n = bpf_call_regions(c, o, r, BPF_REGIONS_MAX), i;
	size_t size;

	*nregions = n;
	if (n > BPF_REGIONS_MAX)
		return 0;
	x = fresh_ctx(out, cap);
	for (i = 0; i < c->nnotes; i++)
		bpf_render_ctx_record(x, BPF_REC_FDOBJ, &c->notes[i], sizeof(c->notes[i]), out, cap);
	bpf_regions_measure(r, n, scratch, sizeof(scratch));
	size = bpf_copies_size(c, &env0, r, n);
	if (size > sizeof(rec))
		return 0;
	memset(rec, 0xee, size);
	bpf_copies_pack(rec, c, &env0, o, r, n, scratch);
	*bytes = size;
	return bpf_render_ctx_record(x, BPF_REC_COPIES, rec, size, out, cap);
}

static char live[1u << 20], copied[1u << 20];
static unsigned calls, differ, fallbacks;

/* live[@a] against copied[@b]: the first few that differ are shown */
static void same_or_say(size_t a, size_t b, const char *what)
{
	if (a == b && !memcmp(live, copied, a))
		return;
	if (differ++ < 3)
		printf("# %s:\n#  live   %.*s\n#  copies %.*s\n", what, (int)a, live, (int)b,
		       copied);
}

static void compare(const struct bpf_call *c, const struct decode_opts *o, const char *what)
{
	size_t a = render_live(c, o, live, sizeof(live)), b, bytes = 0;
	unsigned n;

	b = render_copies(c, o, copied, sizeof(copied), &bytes, &n);
	calls++;
	if (n > BPF_REGIONS_MAX) {
		fallbacks++;
		return;
	}
	same_or_say(a, b, what);
}

static const struct arm {
	uint32_t cmd;
	int sel_off;
	uint32_t sel;
} arms[] = {
	{ XV_BPF_LINK_CREATE, ATTR_LINK_CREATE_attach_type, XV_BPF_TRACE_KPROBE_MULTI },
	{ XV_BPF_LINK_CREATE, ATTR_LINK_CREATE_attach_type, XV_BPF_TRACE_UPROBE_MULTI },
	{ XV_BPF_LINK_CREATE, ATTR_LINK_CREATE_attach_type, XV_BPF_TRACE_ITER },
};

/* Every outcome: success, ENOSPC (logs and cut copies are still written),
 * EFAULT, and a success the shim could not read attr back after. */
static void outcomes(struct bpf_call *c, const struct decode_opts *o, const char *what)
{
	int64_t ret = c->ret;

	compare(c, o, what);
	c->ret = -1;
	c->err = ENOSPC;
	compare(c, o, what);
	c->err = EFAULT;
	compare(c, o, what);
	c->ret = ret;
	c->err = 0;
	c->have_post = false;
	compare(c, o, what);
	c->have_post = true;
}

static void test_commands(void)
{
	struct decode_opts o, small;
	struct bpf_call c;
	unsigned cmd, cut, i, cmds = 0;
	char what[64];

	decode_opts_default(&o);
	small = o;
	small.str_cap = 7;
	small.log_cap = 10;
	small.data_cap = 3;
	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++) {
		if (!bpf_cmd_desc(cmd) || bpf_cmd_offline_ok(cmd))
			continue;
		cmds++;
		for (cut = 0; cut < 2; cut++) {
			snprintf(what, sizeof(what), "command %u%s", cmd, cut ? " (cut)" : "");
			synth(&c, cmd, cut, -1, 0);
			outcomes(&c, &o, what);
			outcomes(&c, &small, what);
			/* the 5-argument form: common attrs and their log */
			c.cmd_raw |= BPF_COMMON_ATTRS_BIT;
			c.common_addr = slot_addr(SLOTS - 1, cut);
			c.common_size = BPF_COMMON_ATTR_SIZE;
			compare(&c, &o, what);
		}
	}
	for (i = 0; i < sizeof(arms) / sizeof(arms[0]); i++) {
		for (cut = 0; cut < 2; cut++) {
			snprintf(what, sizeof(what), "command %u arm %u%s", arms[i].cmd, arms[i].sel,
				 cut ? " (cut)" : "");
			synth(&c, arms[i].cmd, cut, arms[i].sel_off, arms[i].sel);
			outcomes(&c, &o, what);
		}
	}
	tap_ok(cmds >= 10, "%u commands are spooled with copies", cmds);
	tap_ok(differ == 0, "%u calls rendered from their copies as live (%u differ)", calls,
	       differ);
	tap_ok(fallbacks == 0, "every one fits a copies record (%u rendered live)", fallbacks);
}

/* ---- info structs ------------------------------------------------------------ */

static void put32(uint8_t *p, unsigned off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void put64(uint8_t *p, unsigned off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

/* OBJ_GET_INFO_BY_FD of fd BPF_FD, noted as @kind, the info struct at
 * slot 8 filled by @fill; its size before the call @before (0: no
 * copy of it). */
static void info_call(struct bpf_call *c, uint8_t kind, uint32_t len, uint32_t before)
{
	synth(c, XV_BPF_OBJ_GET_INFO_BY_FD, false, -1, 0);
	put32(c->pre, ATTR_INFO_bpf_fd, BPF_FD);
	put32(c->pre, ATTR_INFO_info_len, len);
	memcpy(c->post, c->pre, sizeof(c->pre));
	c->nnotes = 1;
	c->notes[0].fd = BPF_FD;
	c->notes[0].kind = kind;
	c->notes[0].id = 17;
	if (before) {
		c->nblobs = 1;
		c->blobs[0].tag = BLOB_INFO_IN;
		c->blobs[0].len = (uint16_t)before;
		c->blobs[0].full_len = before;
		memset(c->blob_data, 0, before);
		put32(c->blob_data, 52, 2);   /* prog info: room for 2 map ids */
		c->blob_used = (uint16_t)before;
	}
}

static uint8_t *info_buf(void)
{
	uint8_t *p = area + 8 * SLOT + 4096;

	memset(p, 0, 512);
	return p;
}

/* A map fd without a note (past the shim's table, or noted as no BPF
 * object): the record says the kind /proc/self/fdinfo gave, and the info
 * struct renders as a map's from it, as it did live. */
static void test_info_unnoted(struct bpf_call *c, const struct decode_opts *o)
{
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				.value_size = 8, .max_entries = 2 };
	int fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	unsigned before = differ;
	uint8_t *p;

	if (fd < 0) {
		tap_skip(strerror(errno), "an fd without a note (no bpf(BPF_MAP_CREATE) here)");
		tap_skip(strerror(errno), "its info struct rendered as a map's");
		return;
	}
	p = info_buf();
	put32(p, 0, BPF_MAP_TYPE_ARRAY);
	put32(p, 8, 4);       /* key_size */
	put32(p, 12, 8);      /* value_size */
	memcpy(p + 24, "unnoted", 7);
	info_call(c, OBJ_PROG, 104, 0);
	c->nnotes = 0;
	put32(c->pre, ATTR_INFO_bpf_fd, (uint32_t)fd);
	memcpy(c->post, c->pre, sizeof(c->pre));
	compare(c, o, "info of a map fd without a note");
	tap_ok(differ == before && bpf_info_kind(c) == OBJ_MAP,
	       "an fd without a note: its kind from fdinfo, in the record");
	tap_ok(strstr(copied, "\"value_size\":8") && strstr(copied, "\"name\":\"unnoted\""),
	       "its info struct rendered as a map's");
	close(fd);
}

static void test_info(void)
{
	struct decode_opts o;
	struct bpf_call c;
	uint8_t *p;
	unsigned before = differ, k;

	decode_opts_default(&o);
	calls = fallbacks = 0;
	/* a program: map_ids (52, 56), its name inline, tags behind a pointer */
	p = info_buf();
	put32(p, 0, 1);
	put32(p, 52, 3);
	put64(p, 56, slot_addr(100, false));
	memcpy(p + 64, "prog_name", 9);
	put32(p, 180, 2);
	put64(p, 184, slot_addr(101, true));
	info_call(&c, OBJ_PROG, 232, 0);
	compare(&c, &o, "prog info");
	info_call(&c, OBJ_PROG, 232, 232);
	compare(&c, &o, "prog info, capacity before");
	/* links: raw_tp's name, iter's target (which picks its arm), a
	 * kprobe perf_event's function */
	p = info_buf();
	put32(p, 0, 1);
	put64(p, 16, slot_addr(102, false) + 512);
	put32(p, 24, 40);
	info_call(&c, OBJ_LINK, 64, 0);
	compare(&c, &o, "raw_tp link");
	p = info_buf();
	put32(p, 0, 4);
	strcpy((char *)area + 103 * SLOT + 4096, "bpf_map_elem");
	put64(p, 16, slot_addr(103, false));
	put32(p, 24, 13);
	put32(p, 28, 55);
	info_call(&c, OBJ_LINK, 64, 0);
	compare(&c, &o, "iter link");
	for (k = 0; k < 2; k++) {
		p = info_buf();
		put32(p, 0, 7);
		put32(p, 16, 3);
		put64(p, 24, slot_addr(104, k));
		put32(p, 32, 64);
		info_call(&c, OBJ_LINK, 64, 0);
		compare(&c, &o, k ? "kprobe link (cut)" : "kprobe link");
	}
	/* a map and a BTF object: the structs alone */
	p = info_buf();
	put32(p, 0, 2);
	info_call(&c, OBJ_MAP, 104, 0);
	compare(&c, &o, "map info");
	info_call(&c, OBJ_BTF, 32, 0);
	compare(&c, &o, "btf info");
	tap_ok(differ == before && fallbacks == 0,
	       "%u info structs rendered from their copies as live (%u differ, %u live)", calls,
	       differ - before, fallbacks);

	/* without a note, the kind comes from /proc/self/fdinfo live: fd 1
	 * is not a BPF object here, so the record can say it too */
	info_call(&c, OBJ_PROG, 232, 0);
	c.nnotes = 0;
	put32(c.pre, ATTR_INFO_bpf_fd, 1);
	memcpy(c.post, c.pre, sizeof(c.pre));
	compare(&c, &o, "info of a non-BPF fd");
	tap_ok(differ == before && fallbacks == 0, "an fd that is no BPF object renders the same");
	test_info_unnoted(&c, &o);
}

/* ---- libbpf calls -------------------------------------------------------------- */

/* A call of libbpf function @id with every pointer argument into the
 * area (@cut: the near-end ones), the opts' sz @sz (0: as the slot has
 * it, a pointer's worth). */
static void synth_libbpf(struct libbpf_call *c, unsigned id, bool cut, uint64_t sz)
{
	const struct libbpf_func *f = libbpf_func(id);
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->id = id;
	for (i = 0; f && i < LIBBPF_MAX_ARGS && f->args[i].name; i++) {
		switch (f->args[i].kind) {
		case LA_INT:
		case LA_FD:
		case LA_U32:
			c->args[i] = COUNT;
			break;
		case LA_OPTS:
			c->args[i] = slot_addr(120 + i, cut);
			if (sz && !cut)
				memcpy(area + (120 + i) * SLOT + 4096, &sz, 8);
			break;
		default:
			c->args[i] = slot_addr(120 + i, cut);
			break;
		}
	}
	strcpy(c->name, "an_object");
	libbpf_opts_probe(c);
	libbpf_args_probe(c);
}

static size_t render_libbpf_live(const struct libbpf_call *c, const struct decode_opts *o,
				 char *out, size_t cap)
{
	struct jsonw w;

	jw_init(&w, out, cap);
	libbpf_render_event(&w, &env0, c, o);
	return w.len;
}

static size_t render_libbpf_copies(const struct libbpf_call *c, const struct decode_opts *o,
				   char *out, size_t cap, unsigned *nregions)
{
	static uint8_t rec[1u << 20];
	struct bpf_render_ctx *x;
	struct bpf_region r[BPF_REGIONS_MAX];
	unsigned n = libbpf_call_regions(c, o, r, BPF_REGIONS_MAX);
	size_t size;

	*nregions = n;
	if (n > BPF_REGIONS_MAX)
		return 0;
	x = fresh_ctx(out, cap);
	bpf_regions_measure(r, n, scratch, sizeof(scratch));
	size = libbpf_copies_size(&env0, c, r, n);
	if (size > sizeof(rec))
		return 0;
	libbpf_copies_pack(rec, &env0, c, o, r, n, scratch);
	return bpf_render_ctx_record(x, BPF_REC_LIBBPF_COPIES, rec, size, out, cap);
}

static void compare_libbpf(const struct libbpf_call *c, const struct decode_opts *o,
			   const char *what)
{
	size_t a = render_libbpf_live(c, o, live, sizeof(live)), b;
	unsigned n;

	b = render_libbpf_copies(c, o, copied, sizeof(copied), &n);
	calls++;
	if (n > BPF_REGIONS_MAX) {
		fallbacks++;
		return;
	}
	same_or_say(a, b, what);
}

static void test_libbpf(void)
{
	struct decode_opts o;
	struct libbpf_call c;
	unsigned id, cut, k, funcs = 0, before = differ;
	static const uint64_t sizes[] = { 0, 4, 24, 4096 };
	char what[96];

	decode_opts_default(&o);
	o.libbpf_ver = 0x0101;
	calls = fallbacks = 0;
	for (id = 0; id < LF_COUNT; id++) {
		if (libbpf_func_offline_ok(id))
			continue;
		funcs++;
		for (cut = 0; cut < 2; cut++) {
			for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				snprintf(what, sizeof(what), "%s sz %llu%s", libbpf_func_name(id),
					 (unsigned long long)sizes[k], cut ? " (cut)" : "");
				synth_libbpf(&c, id, cut, sizes[k]);
				compare_libbpf(&c, &o, what);
				c.ret = -22;
				c.err = EINVAL;
				compare_libbpf(&c, &o, what);
				c.injected = true;
				compare_libbpf(&c, &o, what);
			}
		}
	}
	tap_ok(funcs >= 20, "%u libbpf functions are spooled with copies", funcs);
	tap_ok(differ == before && fallbacks == 0,
	       "%u libbpf calls rendered from their copies as live (%u differ, %u live)", calls,
	       differ - before, fallbacks);
}

/* ---- what the record keeps --------------------------------------------------- */

/* decode_opts.fd_note as the shim's: fd 7 is the map "counts" */
static bool test_fd_note(int32_t fd, struct bpf_fd_note *out)
{
	if (fd != BPF_FD)
		return false;
	*out = (struct bpf_fd_note){ .fd = BPF_FD, .id = 41, .kind = OBJ_MAP, .type = 2,
				     .has_type = 1, .name = "counts" };
	return true;
}

static void test_record(void)
{
	struct decode_opts o;
	struct bpf_call c;
	size_t bytes = 0, n;
	unsigned nr;
	char *lic = (char *)area + 16 * SLOT + 4096;

	decode_opts_default(&o);
	/* PROG_LOAD: insns digested, not copied; the license's 4 bytes */
	synth(&c, XV_BPF_PROG_LOAD, false, -1, 0);
	put32(c.pre, ATTR_PROG_LOAD_insn_cnt, 4096);
	put64(c.pre, ATTR_PROG_LOAD_log_buf, 0);
	put64(c.pre, ATTR_PROG_LOAD_fd_array, 0);
	memcpy(c.post, c.pre, sizeof(c.pre));
	strcpy(lic, "GPL");
	n = render_copies(&c, &o, copied, sizeof(copied), &bytes, &nr);
	tap_ok(n > 0 && strstr(copied, "\"license\":\"GPL\"") && strstr(copied, "\"insns_digest\""),
	       "a PROG_LOAD renders its license and digest from the record");
	tap_ok(bytes < 1024, "32 KiB of instructions and a license: a %zu-byte record", bytes);

	/* a verifier log is kept to its NUL, not for all of log_size */
	{
		char *log = (char *)area + 32 * SLOT + 4096;
		size_t a;

		memset(log, 'q', 8192);
		strcpy(log, "0: R1=ctx() R10=fp0\nprocessed 2 insns\n");
		put32(c.pre, ATTR_PROG_LOAD_log_level, 1);
		put32(c.pre, ATTR_PROG_LOAD_log_size, 8192);
		put64(c.pre, ATTR_PROG_LOAD_log_buf, slot_addr(32, false));
		memcpy(c.post, c.pre, sizeof(c.pre));
		a = render_live(&c, &o, live, sizeof(live));
		n = render_copies(&c, &o, copied, sizeof(copied), &bytes, &nr);
		tap_ok(a == n && !memcmp(live, copied, a) && strstr(copied, "processed 2 insns"),
		       "a PROG_LOAD's log renders from the record as live");
		tap_ok(bytes < 1024, "an 8 KiB log buffer holding 38 bytes: a %zu-byte record",
		       bytes);
		put64(c.pre, ATTR_PROG_LOAD_log_buf, 0);
		memcpy(c.post, c.pre, sizeof(c.pre));
	}

	/* a digest the record does not hold is not made up from nothing */
	{
		uint64_t done = 0, h = 0;

		tap_ok(!mem_read_digest(slot_addr(16, false), 4, &done, &h),
		       "no source, no digest");
	}

	/* --insns: the instructions decoded from their copy, maps named by
	 * the fds the context was told of (the shim learns them first) */
	{
		uint8_t *insn = area + 8 * SLOT + 4096;
		static const uint8_t prog[] = {
			0x18, 0x11, 0, 0, BPF_FD, 0, 0, 0,   0, 0, 0, 0, 0, 0, 0, 0,  /* r1 = map[fd 7] */
			0x18, 0x21, 0, 0, 9, 0, 0, 0,        0, 0, 0, 0, 0, 0, 0, 0,  /* r2 = map[fd 9] */
			0xb7, 0x00, 0, 0, 0, 0, 0, 0,        /* r0 = 0 */
			0x95, 0x00, 0, 0, 0, 0, 0, 0,        /* exit */
		};
		size_t a;

		memcpy(insn, prog, sizeof(prog));
		put32(c.pre, ATTR_PROG_LOAD_insn_cnt, 6);
		memcpy(c.post, c.pre, sizeof(c.pre));
		o.insns = true;
		o.fd_note = test_fd_note;
		a = render_live(&c, &o, live, sizeof(live));
		/* the context is told of fd 7 (a BPF_REC_FDOBJ before the call) */
		c.nnotes = 1;
		test_fd_note(BPF_FD, &c.notes[0]);
		n = render_copies(&c, &o, copied, sizeof(copied), &bytes, &nr);
		tap_ok(nr <= BPF_REGIONS_MAX && a == n && !memcmp(live, copied, a) &&
		       strstr(copied, "\"insns_decoded\"") && strstr(copied, "id:41"),
		       "--insns: decoded from the record as live, a map named by its fd");
		if (a != n || memcmp(live, copied, a))
			printf("#  live   %.*s\n#  copies %.*s\n", (int)a, live, (int)n, copied);
		o.insns = false;
		o.fd_note = NULL;
		c.nnotes = 0;
	}

	/* malformed records are refused, not read past */
	{
		static uint8_t rec[65536];
		struct bpf_region r[BPF_REGIONS_MAX];
		struct bpf_render_ctx *x = bpf_render_ctx_new();
		unsigned k = bpf_call_regions(&c, &o, r, BPF_REGIONS_MAX);
		size_t size;
		struct bpf_rec_copies *h = (struct bpf_rec_copies *)rec;

		bpf_regions_measure(r, k, NULL, 0);
		size = bpf_copies_size(&c, &env0, r, k);
		bpf_copies_pack(rec, &c, &env0, &o, r, k, NULL);
		tap_ok(bpf_render_ctx_record(x, BPF_REC_COPIES, rec, size, copied, sizeof(copied)) > 0 &&
		       bpf_render_ctx_record(x, BPF_REC_COPIES, rec, size - 8, copied, sizeof(copied)) ==
			       (size_t)-1,
		       "a copies record cut short is malformed");
		h->nregions = BPF_REGIONS_MAX + 1;
		tap_ok(bpf_render_ctx_record(x, BPF_REC_COPIES, rec, size, copied, sizeof(copied)) ==
			       (size_t)-1,
		       "too many regions is malformed");
		h->nregions = (uint16_t)k;
		h->call_len = (uint32_t)size;
		tap_ok(bpf_render_ctx_record(x, BPF_REC_COPIES, rec, size, copied, sizeof(copied)) ==
			       (size_t)-1,
		       "a call longer than the record is malformed");
		bpf_render_ctx_free(x);
	}
	tap_ok(!mem_read_has_source(), "rendering a record leaves no memory source set");
}

int main(void)
{
	if (!map_area()) {
		tap_skip("the address is taken", "the test's buffers at 0x%llx",
			 (unsigned long long)AREA);
		return tap_done();
	}
	test_commands();
	test_info();
	test_libbpf();
	test_record();
	return tap_done();
}

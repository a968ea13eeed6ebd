// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the kernel writes into caller buffers beyond union bpf_attr: see
 * bpf_info.h.
 *
 * The info structures are described here in bpfspy's own tables, from the
 * newest UAPI (x86_64 and every other 64-bit ABI: pointers are
 * __aligned_u64).  They only ever grow at the end: the kernel writes
 * min(info_len, its own size) bytes and returns that count in info_len,
 * so a field is shown when it lies within that count, whatever the kernel.
 *
 * Sizes: bpf_prog_info 232, bpf_map_info 104, bpf_btf_info 32,
 * bpf_link_info 64, bpf_token_info 32.
 */
#include "syscall/bpf_attr.h"
#include "syscall/bpf_info.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/memread.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define INFO_LEN_CAP 4096u  /* info_len beyond this is not believed */
#define ARRAY_CAP    64u    /* entries shown per id array */
#define ITER_NAME_MAX 32u   /* bytes of an iterator's target name read */
#define HASH_CAP     64u    /* bytes shown of a digest */
#define STR_CHUNK    256u
#define HEX_CHUNK    64u

/* ---- reading caller memory --------------------------------------------- */

static void render_unreadable(struct jsonw *w, const char *key, uint64_t addr)
{
	render_fault(w, key, addr);
}

/* "<key>_truncated":true */
static void render_truncated(struct jsonw *w, const char *key)
{
	char k[64];

	key_suffixed(k, sizeof(k), key, "_truncated");
	jw_bool(w, k, true);
}

/*
 * A string the kernel wrote at @addr: at most @len bytes, ended sooner by
 * a NUL, shown up to @cap bytes.  Memory that is gone renders as
 * null with "<key>_fault" (render_fault()).  Returns true when @cap cut it.
 */
static bool render_ustr(struct jsonw *w, const char *key, uint64_t addr,
			uint32_t len, uint32_t cap)
{
	struct jsonw save = *w;
	uint32_t want = MIN(len, cap), done = 0;
	char chunk[STR_CHUNK];

	jw_str_begin(w, key);
	while (done < want) {
		uint32_t n = MIN(want - done, STR_CHUNK);
		size_t got = mem_read(chunk, addr + done, n, NULL);
		char *nul = memchr(chunk, 0, got);

		if (nul) {
			jw_str_partn(w, chunk, (size_t)(nul - chunk));
			jw_str_end(w);
			return false;
		}
		if (got < n) {
			*w = save;
			render_unreadable(w, key, addr);
			return false;
		}
		jw_str_partn(w, chunk, got);
		done += n;
	}
	jw_str_end(w);
	return want < len;
}

/* @len bytes at @addr as lower-case hex, up to @cap bytes.  Returns true
 * when @cap cut them. */
static bool render_uhex(struct jsonw *w, const char *key, uint64_t addr,
			uint32_t len, uint32_t cap)
{
	static const char digits[] = "0123456789abcdef";
	struct jsonw save = *w;
	uint32_t want = MIN(len, cap), done = 0, i;
	uint8_t chunk[HEX_CHUNK];
	char hex[2 * HEX_CHUNK];

	jw_str_begin(w, key);
	while (done < want) {
		uint32_t n = MIN(want - done, HEX_CHUNK);

		if (mem_read(chunk, addr + done, n, NULL) < n) {
			*w = save;
			render_unreadable(w, key, addr);
			return false;
		}
		for (i = 0; i < n; i++) {
			hex[2 * i] = digits[chunk[i] >> 4];
			hex[2 * i + 1] = digits[chunk[i] & 0xf];
		}
		jw_str_partn(w, hex, 2 * n);
		done += n;
	}
	jw_str_end(w);
	return want < len;
}

/* @n u32s at @addr: numbers, or flag expressions through @x. */
static void render_u32_array(struct jsonw *w, const char *key, uint64_t addr,
			     uint32_t n, const struct xlat *x)
{
	uint32_t v[ARRAY_CAP], shown = MIN(n, ARRAY_CAP), i, ok;
	size_t got = mem_read(v, addr, shown * sizeof(v[0]), NULL);

	/* what could be read, then where it stopped (render_array_fault) */
	ok = (uint32_t)(got / sizeof(v[0]));
	jw_arr_open(w, key);
	for (i = 0; i < ok; i++) {
		if (x)
			render_flags(w, NULL, x, v[i]);
		else
			jw_u64(w, NULL, v[i]);
	}
	jw_arr_close(w);
	if (ok < shown)
		render_array_fault(w, key, addr + got, ok);
	else if (shown < n)
		render_truncated(w, key);
}

static void render_ptr(struct jsonw *w, const char *key, uint64_t v)
{
	if (v)
		jw_hex(w, key, v);
	else
		jw_null(w, key);
}

/* ---- info structure layouts -------------------------------------------- */

enum info_kind {
	IK_U32,
	IK_S32,
	IK_U64,
	IK_ID,      /* kernel object id */
	IK_BOOL,    /* u32 0/1 */
	IK_BIT0,    /* bit 0 of a u32 bitfield word */
	IK_ENUM,
	IK_FLAGS32,
	IK_PTR,
	IK_HEX64,
	IK_CHARS,   /* inline char[size] */
	IK_TAG,     /* inline bytes, as hex */
	/* Pointers to buffers the kernel filled; .aux is the offset of the
	 * u32 that says how much (after the call: what the kernel wrote). */
	IK_STR,     /* a string: reading stops at its NUL or the length */
	IK_IDS,     /* u32 ids, a count */
	IK_HASH,    /* a digest, a size in bytes */
};

struct info_field {
	const char *name;
	uint16_t off, aux;
	uint8_t size, kind;
	const struct xlat *x;    /* IK_ENUM, IK_FLAGS32 */
	const char *since;       /* kernel release, "" unknown */
};

#define IFLD(k, n, o, sz, sn, ...) \
	{ .name = (n), .off = (o), .size = (sz), .kind = (k), .since = (sn), \
	  __VA_ARGS__ }
#define I_U32(n, o, sn)    IFLD(IK_U32, n, o, 4, sn)
#define I_S32(n, o, sn)    IFLD(IK_S32, n, o, 4, sn)
#define I_U64(n, o, sn)    IFLD(IK_U64, n, o, 8, sn)
#define I_ID(n, o, sn)     IFLD(IK_ID, n, o, 4, sn)
#define I_BOOL(n, o, sn)   IFLD(IK_BOOL, n, o, 4, sn)
#define I_BIT0(n, o, sn)   IFLD(IK_BIT0, n, o, 4, sn)
#define I_PTR(n, o, sn)    IFLD(IK_PTR, n, o, 8, sn)
#define I_HEX64(n, o, sn)  IFLD(IK_HEX64, n, o, 8, sn)
#define I_CHARS(n, o, sz, sn) IFLD(IK_CHARS, n, o, sz, sn)
#define I_TAG(n, o, sz, sn)   IFLD(IK_TAG, n, o, sz, sn)
#define I_ENUM(n, o, xl, sn)  IFLD(IK_ENUM, n, o, 4, sn, .x = &xlat_##xl)
#define I_FLAGS(n, o, xl, sn) IFLD(IK_FLAGS32, n, o, 4, sn, .x = &xlat_##xl)
#define I_STR(n, o, len, sn)  IFLD(IK_STR, n, o, 8, sn, .aux = (len))
#define I_IDS(n, o, cnt, sn)  IFLD(IK_IDS, n, o, 8, sn, .aux = (cnt))
#define I_HASH(n, o, sz, sn)  IFLD(IK_HASH, n, o, 8, sn, .aux = (sz))

/*
 * struct bpf_prog_info.  nr_map_ids goes in as the capacity of map_ids and
 * comes back as the number of maps; the kernel fills min(both).  The
 * capacity is known from the shim's copy of the struct taken before the
 * call (render_pointee()), so map_ids shows exactly what the kernel wrote.
 */
static const struct info_field prog_info_fields[] = {
	I_ENUM("type", 0, bpf_prog_type, "4.13"),
	I_ID("id", 4, "4.13"),
	I_TAG("tag", 8, 8, "4.13"),
	I_U32("jited_prog_len", 16, "4.13"),
	I_U32("xlated_prog_len", 20, "4.13"),
	I_PTR("jited_prog_insns", 24, "4.13"),
	I_PTR("xlated_prog_insns", 32, "4.13"),
	I_U64("load_time", 40, "4.15"),
	I_U32("created_by_uid", 48, "4.15"),
	I_U32("nr_map_ids", 52, "4.15"),
	I_IDS("map_ids", 56, 52, "4.15"),
	I_CHARS("name", 64, 16, "4.15"),
	I_U32("ifindex", 80, "4.16"),
	I_BIT0("gpl_compatible", 84, ""),
	I_U64("netns_dev", 88, "4.16"),
	I_U64("netns_ino", 96, "4.16"),
	I_U32("nr_jited_ksyms", 104, "4.18"),
	I_U32("nr_jited_func_lens", 108, "4.18"),
	I_PTR("jited_ksyms", 112, "4.18"),
	I_PTR("jited_func_lens", 120, "4.18"),
	I_ID("btf_id", 128, "5.0"),
	I_U32("func_info_rec_size", 132, "5.0"),
	I_PTR("func_info", 136, "5.0"),
	I_U32("nr_func_info", 144, "5.0"),
	I_U32("nr_line_info", 148, "5.0"),
	I_PTR("line_info", 152, "5.0"),
	I_PTR("jited_line_info", 160, "5.0"),
	I_U32("nr_jited_line_info", 168, "5.0"),
	I_U32("line_info_rec_size", 172, "5.0"),
	I_U32("jited_line_info_rec_size", 176, "5.0"),
	I_U32("nr_prog_tags", 180, "5.0"),
	I_PTR("prog_tags", 184, "5.0"),
	I_U64("run_time_ns", 192, "5.1"),
	I_U64("run_cnt", 200, "5.1"),
	I_U64("recursion_misses", 208, "5.12"),
	I_U32("verified_insns", 216, "5.16"),
	I_ID("attach_btf_obj_id", 220, "6.0"),
	I_U32("attach_btf_id", 224, "6.0"),
};

/* struct bpf_map_info.  hash: the caller's buffer for the SHA-256 of a
 * frozen map, hash_size its size (32). */
static const struct info_field map_info_fields[] = {
	I_ENUM("type", 0, bpf_map_type, "4.13"),
	I_ID("id", 4, "4.13"),
	I_U32("key_size", 8, "4.13"),
	I_U32("value_size", 12, "4.13"),
	I_U32("max_entries", 16, "4.13"),
	I_FLAGS("map_flags", 20, bpf_map_flags, "4.13"),
	I_CHARS("name", 24, 16, "4.15"),
	I_U32("ifindex", 40, "4.16"),
	I_U32("btf_vmlinux_value_type_id", 44, "5.6"),
	I_U64("netns_dev", 48, "4.16"),
	I_U64("netns_ino", 56, "4.16"),
	I_ID("btf_id", 64, "4.18"),
	I_U32("btf_key_type_id", 68, "4.18"),
	I_U32("btf_value_type_id", 72, "4.18"),
	I_ID("btf_vmlinux_id", 76, ""),
	I_U64("map_extra", 80, "5.16"),
	I_HASH("hash", 88, 96, ""),
	I_U32("hash_size", 96, ""),
};

/* struct bpf_btf_info.  btf: the caller's buffer for the raw BTF, not
 * shown (it is data, megabytes for vmlinux). */
static const struct info_field btf_info_fields[] = {
	I_PTR("btf", 0, "4.18"),
	I_U32("btf_size", 8, "4.18"),
	I_ID("id", 12, "4.18"),
	I_STR("name", 16, 24, "5.11"),
	I_U32("name_len", 24, "5.11"),
	I_BOOL("kernel_btf", 28, "5.11"),
};

/* struct bpf_token_info: masks of (1 << value) of the enums. */
static const struct info_field token_info_fields[] = {
	I_HEX64("allowed_cmds", 0, ""),
	I_HEX64("allowed_maps", 8, ""),
	I_HEX64("allowed_progs", 16, ""),
	I_HEX64("allowed_attachs", 24, ""),
};

/* struct bpf_link_info: the common head, then a union at 16 that the
 * link's type selects (link_arms). */
static const struct info_field link_info_fields[] = {
	I_ENUM("type", 0, bpf_link_type, "5.8"),
	I_ID("id", 4, "5.8"),
	I_ID("prog_id", 8, "5.8"),
};

static const struct info_field link_raw_tp_fields[] = {
	I_STR("tp_name", 16, 24, "5.8"),
	I_U32("tp_name_len", 24, "5.8"),
	I_HEX64("cookie", 32, ""),
};

static const struct info_field link_tracing_fields[] = {
	I_ENUM("attach_type", 16, bpf_attach_type, "5.8"),
	I_U32("target_obj_id", 20, "5.13"),
	I_U32("target_btf_id", 24, "5.13"),
	I_HEX64("cookie", 32, ""),
};

static const struct info_field link_cgroup_fields[] = {
	I_U64("cgroup_id", 16, "5.8"),
	I_ENUM("attach_type", 24, bpf_attach_type, "5.8"),
};

static const struct info_field link_iter_fields[] = {
	I_STR("target_name", 16, 24, "5.9"),
	I_U32("target_name_len", 24, "5.9"),
};

static const struct info_field iter_map_fields[] = {
	I_ID("map_id", 28, "5.9"),
};

static const struct info_field iter_cgroup_fields[] = {
	I_U64("cgroup_id", 32, ""),
	I_U32("order", 40, ""),
};

static const struct info_field iter_task_fields[] = {
	I_U32("tid", 32, ""),
	I_U32("pid", 36, ""),
};

static const struct info_field link_netns_fields[] = {
	I_U32("netns_ino", 16, "5.8"),
	I_ENUM("attach_type", 20, bpf_attach_type, "5.8"),
};

static const struct info_field link_xdp_fields[] = {
	I_U32("ifindex", 16, "5.9"),
};

static const struct info_field link_perf_fields[] = {
	I_ENUM("type", 16, bpf_perf_event_type, ""),
};

static const struct info_field perf_uprobe_fields[] = {
	I_STR("file_name", 24, 32, ""),
	I_U32("name_len", 32, ""),
	I_U32("offset", 36, ""),
	I_HEX64("cookie", 40, ""),
	I_HEX64("ref_ctr_offset", 48, ""),
};

static const struct info_field perf_kprobe_fields[] = {
	I_STR("func_name", 24, 32, ""),
	I_U32("name_len", 32, ""),
	I_U32("offset", 36, ""),
	I_HEX64("addr", 40, ""),
	I_U64("missed", 48, ""),
	I_HEX64("cookie", 56, ""),
};

static const struct info_field perf_tracepoint_fields[] = {
	I_STR("tp_name", 24, 32, ""),
	I_U32("name_len", 32, ""),
	I_HEX64("cookie", 40, ""),
};

static const struct info_field perf_event_fields[] = {
	I_HEX64("config", 24, ""),
	I_U32("type", 32, ""),
	I_HEX64("cookie", 40, ""),
};

static const struct info_field link_kprobe_multi_fields[] = {
	I_PTR("addrs", 16, ""),
	I_U32("count", 24, ""),
	I_FLAGS("flags", 28, bpf_kprobe_multi_flags, ""),
	I_U64("missed", 32, ""),
	I_PTR("cookies", 40, ""),
};

static const struct info_field link_struct_ops_fields[] = {
	I_ID("map_id", 16, ""),
};

static const struct info_field link_netfilter_fields[] = {
	I_U32("pf", 16, "6.4"),
	I_U32("hooknum", 20, "6.4"),
	I_S32("priority", 24, "6.4"),
	I_FLAGS("flags", 28, bpf_netfilter_flags, "6.4"),
};

static const struct info_field link_tcx_fields[] = {
	I_U32("ifindex", 16, "6.6"),
	I_ENUM("attach_type", 20, bpf_attach_type, "6.6"),
};

static const struct info_field link_uprobe_multi_fields[] = {
	I_STR("path", 16, 48, ""),
	I_PTR("offsets", 24, ""),
	I_PTR("ref_ctr_offsets", 32, ""),
	I_PTR("cookies", 40, ""),
	I_U32("path_size", 48, ""),
	I_U32("count", 52, ""),
	I_FLAGS("flags", 56, bpf_uprobe_multi_flags, ""),
	I_U32("pid", 60, ""),
};

static const struct info_field link_netkit_fields[] = {
	I_U32("ifindex", 16, "6.7"),
	I_ENUM("attach_type", 20, bpf_attach_type, "6.7"),
};

static const struct info_field link_sockmap_fields[] = {
	I_ID("map_id", 16, ""),
	I_ENUM("attach_type", 20, bpf_attach_type, ""),
};

/*
 * A structure, or one arm of a union in it: its fields, and when it holds
 * a union itself, how to tell which arm of that one is in use.
 */
struct info_arm {
	const char *name;       /* kind name, or the union member's name */
	const struct info_field *f;
	size_t n;
	uint16_t size;          /* whole structures: sizeof in the newest UAPI */
	const struct info_arm *(*pick)(const uint8_t *info, uint32_t avail);
};

#define ARM(nm, tbl, ...) \
	{ .name = (nm), .f = (tbl), .n = ARRAY_SIZE(tbl), __VA_ARGS__ }

static uint64_t info_get(const uint8_t *info, uint32_t avail, unsigned off,
			 unsigned size)
{
	uint64_t v = 0;
	uint32_t t;

	if (off + size > avail)
		return 0;
	if (size == 4) {
		memcpy(&t, info + off, 4);
		v = t;
	} else {
		memcpy(&v, info + off, 8);
	}
	return v;
}

/* perf_event links: the union at 24 follows perf_event.type (16). */
static const struct info_arm perf_arms[] = {
	[1] = ARM("uprobe", perf_uprobe_fields),      /* BPF_PERF_EVENT_UPROBE */
	[2] = ARM("uprobe", perf_uprobe_fields),      /* ..._URETPROBE */
	[3] = ARM("kprobe", perf_kprobe_fields),      /* ..._KPROBE */
	[4] = ARM("kprobe", perf_kprobe_fields),      /* ..._KRETPROBE */
	[5] = ARM("tracepoint", perf_tracepoint_fields),
	[6] = ARM("event", perf_event_fields),
};

static const struct info_arm *perf_arm(const uint8_t *info, uint32_t avail)
{
	uint64_t t = info_get(info, avail, 16, 4);

	return t < ARRAY_SIZE(perf_arms) && perf_arms[t].name ? &perf_arms[t] : NULL;
}

/*
 * Iterator links: the unions at 28 and 32 follow the iterator's target,
 * known only by its name.  The name is in the caller's buffer, so without
 * one (target_name 0) the arm stays unknown and is not shown.
 */
static const struct info_arm iter_arms[] = {
	ARM("map", iter_map_fields),
	ARM("cgroup", iter_cgroup_fields),
	ARM("task", iter_task_fields),
};

static const struct {
	const char *target;
	uint8_t arm;
} iter_targets[] = {
	{ "bpf_map_elem", 0 },
	{ "bpf_sk_storage_map", 0 },
	{ "sockmap", 0 },
	{ "cgroup", 1 },
	{ "task", 2 },
	{ "task_file", 2 },
	{ "task_vma", 2 },
};

static const struct info_arm *iter_arm(const uint8_t *info, uint32_t avail)
{
	uint64_t addr = info_get(info, avail, 16, 8);
	uint32_t len = (uint32_t)info_get(info, avail, 24, 4);
	char name[ITER_NAME_MAX];
	size_t got, i;

	if (!addr || !len)
		return NULL;
	got = mem_read(name, addr, MIN(len, sizeof(name)), NULL);
	if (!memchr(name, 0, got))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(iter_targets); i++)
		if (!strcmp(name, iter_targets[i].target))
			return &iter_arms[iter_targets[i].arm];
	return NULL;
}

/* The union at 16 follows the link's type (enum bpf_link_type).  A type
 * without an arm here (TRACING_MULTI, newer ones) shows the head only. */
static const struct info_arm link_arms[] = {
	[1] = ARM("raw_tracepoint", link_raw_tp_fields),
	[2] = ARM("tracing", link_tracing_fields),
	[3] = ARM("cgroup", link_cgroup_fields),
	[4] = ARM("iter", link_iter_fields, .pick = iter_arm),
	[5] = ARM("netns", link_netns_fields),
	[6] = ARM("xdp", link_xdp_fields),
	[7] = ARM("perf_event", link_perf_fields, .pick = perf_arm),
	[8] = ARM("kprobe_multi", link_kprobe_multi_fields),
	[9] = ARM("struct_ops", link_struct_ops_fields),
	[10] = ARM("netfilter", link_netfilter_fields),
	[11] = ARM("tcx", link_tcx_fields),
	[12] = ARM("uprobe_multi", link_uprobe_multi_fields),
	[13] = ARM("netkit", link_netkit_fields),
	[14] = ARM("sockmap", link_sockmap_fields),
};

static const struct info_arm *link_arm(const uint8_t *info, uint32_t avail)
{
	uint64_t t = info_get(info, avail, 0, 4);

	return t < ARRAY_SIZE(link_arms) && link_arms[t].name ? &link_arms[t] : NULL;
}

static const struct info_arm obj_layouts[] = {
	[OBJ_PROG] = ARM("prog", prog_info_fields, .size = 232),
	[OBJ_MAP] = ARM("map", map_info_fields, .size = 104),
	[OBJ_BTF] = ARM("btf", btf_info_fields, .size = 32),
	[OBJ_LINK] = ARM("link", link_info_fields, .size = 64, .pick = link_arm),
	[OBJ_TOKEN] = ARM("token", token_info_fields, .size = 32),
};

const char *bpf_obj_kind_name(enum bpf_obj_kind k)
{
	if ((unsigned)k < ARRAY_SIZE(obj_layouts) && obj_layouts[k].name)
		return obj_layouts[k].name;
	return "unknown";
}

/* ---- rendering an info structure --------------------------------------- */

/* A pointer the kernel wrote through: the pointee when its length field
 * is known, else the pointer. */
/*
 * A pointer with a count field (aux): the count goes in as the capacity of
 * the caller's buffer and comes back as the total, and the kernel fills
 * min(both).  With the caller's struct from before the call (@b), show
 * that many; without it only the total is known.
 */
static uint32_t pointee_count(const struct info_field *f, const uint8_t *info,
			      uint32_t avail, const struct info_before *b)
{
	uint32_t n = (uint32_t)info_get(info, avail, f->aux, 4);

	if (b && b->p && f->aux + 4u <= b->len)
		n = MIN(n, (uint32_t)info_get(b->p, b->len, f->aux, 4));
	return n;
}

static void render_pointee(struct jsonw *w, const struct info_field *f, uint64_t v,
			   const uint8_t *info, uint32_t avail,
			   const struct info_before *b, const struct decode_opts *o)
{
	uint32_t n;

	if (!v || f->aux + 4u > avail) {
		render_ptr(w, f->name, v);
		return;
	}
	n = pointee_count(f, info, avail, b);
	switch (f->kind) {
	case IK_STR:
		if (render_ustr(w, f->name, v, n, o->str_cap))
			render_truncated(w, f->name);
		break;
	case IK_IDS:
		render_u32_array(w, f->name, v, n, NULL);
		break;
	default:
		if (render_uhex(w, f->name, v, n, HASH_CAP))
			render_truncated(w, f->name);
		break;
	}
}

static void render_info_value(struct jsonw *w, const struct info_field *f,
			      const uint8_t *info, uint32_t avail,
			      const struct info_before *b, const struct decode_opts *o)
{
	const uint8_t *p = info + f->off;
	uint64_t v = f->size == 4 || f->size == 8 ? info_get(info, avail, f->off, f->size) : 0;

	switch (f->kind) {
	case IK_S32:
		jw_s64(w, f->name, (int32_t)(uint32_t)v);
		break;
	case IK_BOOL:
		jw_bool(w, f->name, v != 0);
		break;
	case IK_BIT0:
		jw_bool(w, f->name, v & 1);
		break;
	case IK_ENUM:
		render_enum(w, f->name, f->x, v);
		break;
	case IK_FLAGS32:
		render_flags(w, f->name, f->x, v);
		break;
	case IK_PTR:
		render_ptr(w, f->name, v);
		break;
	case IK_HEX64:
		jw_hex(w, f->name, v);
		break;
	case IK_CHARS:
		jw_strn(w, f->name, (const char *)p, f->size);
		break;
	case IK_TAG:
		jw_bytes_hex(w, f->name, p, f->size);
		break;
	case IK_STR:
	case IK_IDS:
	case IK_HASH:
		render_pointee(w, f, v, info, avail, b, o);
		break;
	default:
		jw_u64(w, f->name, v);
		break;
	}
}

static bool arm_present(const struct info_arm *a, uint32_t avail)
{
	return a->n && a->f[0].off + a->f[0].size <= avail;
}

/* The fields of @a that lie within @avail, then its union's arm. */
static void render_arm(struct jsonw *w, const struct info_arm *a,
		       const uint8_t *info, uint32_t avail,
		       const struct info_before *b, const struct decode_opts *o)
{
	const struct info_arm *sub = a->pick ? a->pick(info, avail) : NULL;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->f[i].off + a->f[i].size <= avail)
			render_info_value(w, &a->f[i], info, avail, b, o);
	if (!sub || !arm_present(sub, avail))
		return;
	jw_obj_open(w, sub->name);
	render_arm(w, sub, info, avail, b, o);
	jw_obj_close(w);
}

void bpf_info_render(struct jsonw *w, const char *key, enum bpf_obj_kind kind,
		     const uint8_t *info, uint32_t len, const struct info_before *b,
		     const struct decode_opts *o)
{
	uint32_t avail = MIN(len, BPF_INFO_MAX);
	const struct info_arm *a = NULL;

	if ((unsigned)kind < ARRAY_SIZE(obj_layouts) && obj_layouts[kind].name)
		a = &obj_layouts[kind];
	jw_obj_open(w, key);
	jw_str(w, "kind", bpf_obj_kind_name(kind));
	if (!a) {
		jw_bytes_hex(w, "bytes", info, avail);
		if (avail < len)
			jw_bool(w, "bytes_truncated", true);
	} else {
		render_arm(w, a, info, avail, b, o);
		if (len > a->size)
			jw_u64(w, "unknown_bytes", len - a->size);
	}
	jw_obj_close(w);
}

/* ---- what rendering an info structure reads ----------------------------- */

/* The buffers render_arm() reads through @a's pointers (render_pointee(),
 * and the name iter_arm() picks by), as bpf_call_regions() has them. */
static unsigned arm_regions(const struct info_arm *a, const uint8_t *info, uint32_t avail,
			    const struct info_before *b, const struct decode_opts *o,
			    struct bpf_region *out, unsigned n, unsigned max)
{
	const struct info_arm *sub;
	size_t i;

	for (i = 0; i < a->n && n <= max; i++) {
		const struct info_field *f = &a->f[i];
		uint64_t v;
		uint32_t cnt, len;

		if (f->off + f->size > avail ||
		    (f->kind != IK_STR && f->kind != IK_IDS && f->kind != IK_HASH))
			continue;
		v = info_get(info, avail, f->off, f->size);
		if (!v || f->aux + 4u > avail)
			continue;
		cnt = pointee_count(f, info, avail, b);
		len = f->kind == IK_STR ? MIN(cnt, o->str_cap) :
		      f->kind == IK_IDS ? MIN(cnt, ARRAY_CAP) * 4 : MIN(cnt, HASH_CAP);
		n = bpf_region_add(out, n, max, v, len, BR_BYTES);
	}
	if (a->pick == iter_arm)
		n = bpf_region_add(out, n, max, info_get(info, avail, 16, 8),
				   MIN((uint32_t)info_get(info, avail, 24, 4), ITER_NAME_MAX), BR_BYTES);
	sub = a->pick ? a->pick(info, avail) : NULL;
	if (sub && arm_present(sub, avail) && n <= max)
		n = arm_regions(sub, info, avail, b, o, out, n, max);
	return n;
}

/* ---- which kind of object ---------------------------------------------- */

/* The decimal number at @p (at most @n bytes), or -1 when none. */
static long fdinfo_num(const char *p, size_t n)
{
	long v = -1;
	size_t i;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		v = (v < 0 ? 0 : v * 10) + (p[i] - '0');
	return v;
}

/* Link fdinfo names its type in words: "link_type:\traw_tracepoint". */
static long fdinfo_link_type(const char *p, size_t n)
{
	char name[64] = "BPF_LINK_TYPE_";
	size_t k = 14, i;

	for (i = 0; i < n && k < sizeof(name) - 1; i++)
		name[k++] = (char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i]);
	name[k] = 0;
	return xlat_value(&xlat_bpf_link_type, name);
}

enum { FI_LINK_TYPE, FI_PROG_TYPE, FI_MAP_TYPE, FI_BTF_ID, FI_TOKEN,
       FI_LINK_ID, FI_PROG_ID, FI_MAP_ID, FI_KEY_SIZE, FI_VALUE_SIZE, FI_FROZEN, FI_N };

/* The keys, the kind-naming ones first in the order they win. */
static const char *const fdinfo_keys[FI_N] = {
	[FI_LINK_TYPE] = "link_type", [FI_PROG_TYPE] = "prog_type",
	[FI_MAP_TYPE] = "map_type", [FI_BTF_ID] = "btf_id",
	[FI_TOKEN] = "allowed_cmds", [FI_LINK_ID] = "link_id",
	[FI_PROG_ID] = "prog_id", [FI_MAP_ID] = "map_id",
	[FI_KEY_SIZE] = "key_size", [FI_VALUE_SIZE] = "value_size",
	[FI_FROZEN] = "frozen",
};

void bpf_fdinfo_parse(const char *text, size_t len, struct bpf_fdinfo *fi)
{
	static const enum bpf_obj_kind kinds[] = {
		OBJ_LINK, OBJ_PROG, OBJ_MAP, OBJ_BTF, OBJ_TOKEN,
	};
	static const uint8_t id_of[] = { FI_LINK_ID, FI_PROG_ID, FI_MAP_ID, FI_BTF_ID, FI_N };
	long val[FI_N];
	bool seen[FI_N] = { false };
	size_t pos = 0, i;

	memset(fi, 0, sizeof(*fi));
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos, k, v;

		pos += n + 1;
		for (i = 0; i < FI_N; i++) {
			k = strlen(fdinfo_keys[i]);
			if (n > k && line[k] == ':' && !memcmp(line, fdinfo_keys[i], k))
				break;
		}
		if (i == FI_N || seen[i])
			continue;
		for (v = k + 1; v < n && (line[v] == ' ' || line[v] == '\t'); v++)
			;
		seen[i] = true;
		val[i] = i == FI_LINK_TYPE ? fdinfo_link_type(line + v, n - v)
					   : fdinfo_num(line + v, n - v);
	}
	for (i = 0; i < ARRAY_SIZE(kinds) && !seen[i]; i++)
		;
	if (i == ARRAY_SIZE(kinds))
		return;                      /* OBJ_UNKNOWN */
	fi->kind = kinds[i];
	if (i <= FI_MAP_TYPE && val[i] >= 0) {
		fi->has_type = true;
		fi->type = (uint32_t)val[i];
	}
	if (id_of[i] < FI_N && seen[id_of[i]] && val[id_of[i]] > 0)
		fi->id = (uint32_t)val[id_of[i]];
	if (fi->kind == OBJ_MAP) {
		fi->key_size = seen[FI_KEY_SIZE] && val[FI_KEY_SIZE] > 0 ? (uint32_t)val[FI_KEY_SIZE] : 0;
		fi->value_size = seen[FI_VALUE_SIZE] && val[FI_VALUE_SIZE] > 0 ?
				 (uint32_t)val[FI_VALUE_SIZE] : 0;
		fi->frozen = seen[FI_FROZEN] && val[FI_FROZEN] > 0;
	}
	if (fi->kind == OBJ_LINK && seen[FI_PROG_ID] && val[FI_PROG_ID] > 0)
		fi->link_prog_id = (uint32_t)val[FI_PROG_ID];
}

enum bpf_obj_kind bpf_fd_kind(int fd)
{
	static const char dir[] = "/proc/self/fdinfo/";
	char path[sizeof(dir) + 24], buf[1024];
	struct bpf_fdinfo fi;
	size_t have = 0;
	long pfd, r;

	if (fd < 0)
		return OBJ_UNKNOWN;
	memcpy(path, dir, sizeof(dir) - 1);
	path[sizeof(dir) - 1 + fmt_u64(path + sizeof(dir) - 1, (uint64_t)fd)] = 0;
	pfd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (pfd < 0)
		return OBJ_UNKNOWN;
	/* The key names the kind near the top: the first KB is plenty. */
	while (have < sizeof(buf)) {
		r = syscall(SYS_read, (int)pfd, buf + have, sizeof(buf) - have);
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	syscall(SYS_close, (int)pfd);
	bpf_fdinfo_parse(buf, have, &fi);
	return fi.kind;
}

/* ---- the commands ------------------------------------------------------ */

static bool succeeded(const struct bpf_call *c)
{
	return c->ret == 0 && c->have_post;
}

/* The kernel still wrote back (a cut copy) when it answered ENOSPC. */
static bool wrote_back(const struct bpf_call *c)
{
	return c->have_post && (c->ret == 0 || c->err == ENOSPC);
}

/* The kind the shim's notes give @fd, else OBJ_UNKNOWN. */
static enum bpf_obj_kind noted_kind(const struct bpf_call *c, int fd)
{
	unsigned i;

	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++)
		if (c->notes[i].fd == fd && c->notes[i].kind != OBJ_UNKNOWN)
			return (enum bpf_obj_kind)c->notes[i].kind;
	return OBJ_UNKNOWN;
}

/*
 * Which structure the kernel wrote for @fd, decided in this order:
 *  1. the shim's note on the fd (c->notes), when it names a kind: what
 *     the shim saw the fd made as, or read from fdinfo on first use;
 *  2. else, rendered from a record (a memory source is set: /proc/self is
 *     not the caller's then), the kind the record says (c->info_kind);
 *     live, /proc/self/fdinfo/<fd> now (bpf_fd_kind()): an fd past the
 *     shim's table of notes, or one its note said was no BPF object;
 *  3. else OBJ_UNKNOWN: the bytes are shown as hex.
 */
static enum bpf_obj_kind info_kind_of(const struct bpf_call *c, int fd)
{
	enum bpf_obj_kind k = noted_kind(c, fd);

	if (k != OBJ_UNKNOWN)
		return k;
	return mem_read_has_source() ? (enum bpf_obj_kind)c->info_kind : bpf_fd_kind(fd);
}

uint8_t bpf_info_kind(const struct bpf_call *c)
{
	if (c->cmd != XV_BPF_OBJ_GET_INFO_BY_FD || !succeeded(c))
		return OBJ_UNKNOWN;
	return (uint8_t)info_kind_of(c, (int32_t)bpf_attr_get(c, ATTR_INFO_bpf_fd, 4));
}

/* A copies record's regions of the info struct: the struct itself comes
 * from the read plan. */
unsigned bpf_info_regions(const struct bpf_call *c, const struct decode_opts *o,
			  struct bpf_region *out, unsigned n, unsigned max)
{
	uint8_t info[BPF_INFO_MAX];
	struct info_before before = { NULL, 0 };
	uint64_t addr = bpf_attr_get(c, ATTR_INFO_info, 8);
	uint32_t len = (uint32_t)bpf_attr_get_post(c, ATTR_INFO_info_len, 4), want;
	enum bpf_obj_kind kind;

	if (n > max || !succeeded(c) || !addr || !len)
		return n;
	kind = info_kind_of(c, (int32_t)bpf_attr_get(c, ATTR_INFO_bpf_fd, 4));
	if ((unsigned)kind >= ARRAY_SIZE(obj_layouts) || !obj_layouts[kind].name)
		return n;
	len = MIN(len, INFO_LEN_CAP);
	want = MIN(len, BPF_INFO_MAX);
	if (mem_read(info, addr, want, NULL) < want)
		return n;
	before.p = bpf_call_blob(c, BLOB_INFO_IN, &before.len);
	return arm_regions(&obj_layouts[kind], info, MIN(len, BPF_INFO_MAX), &before, o, out,
			   n, max);
}

/* OBJ_GET_INFO_BY_FD: bpf_fd 0, info_len 4 (the buffer's size in, the
 * bytes written out), info 8. */
void obj_get_info_out_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o)
{
	uint8_t info[BPF_INFO_MAX];
	struct info_before before = { NULL, 0 };
	uint64_t addr = bpf_attr_get(c, ATTR_INFO_info, 8);
	uint32_t len = (uint32_t)bpf_attr_get_post(c, ATTR_INFO_info_len, 4), want;

	if (o->offline || !succeeded(c) || !addr || !len)
		return;
	len = MIN(len, INFO_LEN_CAP);
	want = MIN(len, BPF_INFO_MAX);
	if (mem_read(info, addr, want, NULL) < want) {
		render_unreadable(w, "info", addr);
		return;
	}
	before.p = bpf_call_blob(c, BLOB_INFO_IN, &before.len);
	bpf_info_render(w, "info", info_kind_of(c, (int32_t)bpf_attr_get(c, ATTR_INFO_bpf_fd, 4)),
			info, len, &before, o);
}

/*
 * PROG_QUERY: prog_cnt at 24 is the arrays' capacity in and the number of
 * programs out; the kernel fills min(both) entries of each array it was
 * given (and answers ENOSPC when the capacity was short).
 */
static const struct {
	const char *key;
	uint16_t off;
	const struct xlat *x;
} query_arrays[] = {
	{ "prog_ids", ATTR_QUERY_prog_ids, NULL },
	{ "prog_attach_flags", ATTR_QUERY_prog_attach_flags, &xlat_bpf_attach_flags },
	{ "link_ids", ATTR_QUERY_link_ids, NULL },
	{ "link_attach_flags", ATTR_QUERY_link_attach_flags, &xlat_bpf_attach_flags },
};

void prog_query_out_extra(struct jsonw *w, const struct bpf_call *c,
			  const struct decode_opts *o)
{
	uint32_t n = MIN((uint32_t)bpf_attr_get(c, ATTR_QUERY_prog_cnt, 4),
			 (uint32_t)bpf_attr_get_post(c, ATTR_QUERY_prog_cnt, 4));
	size_t i;

	if (o->offline || !succeeded(c))
		return;
	for (i = 0; i < ARRAY_SIZE(query_arrays); i++) {
		uint64_t addr = bpf_attr_get(c, query_arrays[i].off, 8);

		if (addr)
			render_u32_array(w, query_arrays[i].key, addr, n, query_arrays[i].x);
	}
}

/*
 * PROG_TEST_RUN: a buffer the kernel filled, its capacity at @size_off
 * before the call and the full size after.  The kernel copies
 * min(capacity, full), or everything when the capacity was 0 (the data
 * buffer of old callers).  Payload: capped at data_cap, off with no_data.
 */
static void render_test_buf(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o, const char *key,
			    unsigned size_off, unsigned ptr_off)
{
	uint64_t addr = bpf_attr_get(c, ptr_off, 8);
	uint32_t cap = (uint32_t)bpf_attr_get(c, size_off, 4);
	uint32_t full = (uint32_t)bpf_attr_get_post(c, size_off, 4);
	uint32_t n = cap ? MIN(cap, full) : full;

	if (addr && render_uhex(w, key, addr, n, o->data_cap))
		render_truncated(w, key);
}

/* data_size_out 12, data_out 24, ctx_size_out 44, ctx_out 56. */
void prog_test_run_out_extra(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o)
{
	if (o->offline || o->no_data || !o->data_cap || !wrote_back(c))
		return;
	render_test_buf(w, c, o, "data_out", 12, 24);
	render_test_buf(w, c, o, "ctx_out", 44, 56);
}

/*
 * TASK_FD_QUERY: buf_len 12 (capacity in, the name's length out), buf 16.
 * The kernel writes the name and a NUL when they fit, else (ENOSPC) the
 * first capacity - 1 bytes and a NUL.
 */
void task_fd_query_out_extra(struct jsonw *w, const struct bpf_call *c,
			     const struct decode_opts *o)
{
	uint64_t buf = bpf_attr_get(c, ATTR_TASK_FD_QUERY_buf, 8);
	uint32_t cap = (uint32_t)bpf_attr_get(c, ATTR_TASK_FD_QUERY_buf_len, 4);
	uint32_t len = (uint32_t)bpf_attr_get_post(c, ATTR_TASK_FD_QUERY_buf_len, 4);

	if (o->offline || !wrote_back(c) || !buf || !cap)
		return;
	if (render_ustr(w, "buf", buf, MIN(len, cap - 1), o->str_cap) ||
	    c->err == ENOSPC)
		jw_bool(w, "buf_truncated", true);
}

/*
 * @len bytes the kernel copied to @addr, as text: not a C string, so a NUL
 * is a character like any other (\u0000), shown up to @cap bytes.  Returns
 * true when @cap cut them.
 */
static bool render_ubytes_text(struct jsonw *w, const char *key, uint64_t addr,
			       uint32_t len, uint32_t cap)
{
	struct jsonw save = *w;
	uint32_t want = MIN(len, cap), done = 0;
	char chunk[STR_CHUNK];

	jw_str_begin(w, key);
	while (done < want) {
		uint32_t n = MIN(want - done, STR_CHUNK), i = 0;
		char *nul;

		if (mem_read(chunk, addr + done, n, NULL) < n) {
			*w = save;
			render_unreadable(w, key, addr + done);
			return false;
		}
		while (i < n) {
			nul = memchr(chunk + i, 0, n - i);
			jw_str_partn(w, chunk + i, (nul ? (uint32_t)(nul - chunk) : n) - i);
			if (!nul)
				break;
			jw_raw(w, "\\u0000", 6);
			i = (uint32_t)(nul - chunk) + 1;
		}
		done += n;
	}
	jw_str_end(w);
	return want < len;
}

/* PROG_STREAM_READ_BY_FD: the return value is the number of bytes the
 * kernel copied to stream_buf, at most stream_buf_len. */
void prog_stream_read_out_extra(struct jsonw *w, const struct bpf_call *c,
				const struct decode_opts *o)
{
	uint64_t buf = bpf_attr_get(c, ATTR_PROG_STREAM_READ_stream_buf, 8);
	uint32_t cap = (uint32_t)bpf_attr_get(c, ATTR_PROG_STREAM_READ_stream_buf_len, 4);
	uint32_t n = (uint32_t)c->ret;

	if (o->offline || c->ret <= 0 || !buf)
		return;
	if (n > cap)
		n = cap;       /* a kernel that says more than it may copy */
	if (render_ubytes_text(w, "stream_buf", buf, n, o->log_cap))
		render_truncated(w, "stream_buf");
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-command field tables of union bpf_attr (newest UAPI, x86_64 and
 * every other 64-bit ABI).  The walker in bpf_decode.c renders a call by
 * going through the command's table; what cannot be said with a table
 * (element flags, the verifier log) lives in the small extras at the end.
 *
 * Offsets and sizes: /work/shared/reference/bpf-attr-offsets-x86_64.txt.
 * last_end: offsetofend() of the command's *_LAST_FIELD in the kernel, the
 * first byte the kernel's CHECK_ATTR wants zero (bpf-abi.md §2).
 *
 * Everything here runs inside traced programs: no allocation, no stdio,
 * no locks.  Caller memory is reached only through the render_* helpers.
 */
#include <errno.h>

#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Field constructors.  @fl is FF_IN, FF_OUT or FF_INOUT; @sn the kernel
 * release that added the field ("" unknown); anything after that is extra
 * designated initializers, in practice ".when = predicate".
 */
#define FLD(k, n, o, sz, fl, sn, ...) \
	{ .name = (n), .off = (o), .size = (sz), .kind = (k), \
	  .flags = (fl), .since = (sn), __VA_ARGS__ }
#define U32(n, o, fl, sn, ...)   FLD(FK_U32, n, o, 4, fl, sn, __VA_ARGS__)
#define S32(n, o, fl, sn, ...)   FLD(FK_S32, n, o, 4, fl, sn, __VA_ARGS__)
#define U64(n, o, fl, sn, ...)   FLD(FK_U64, n, o, 8, fl, sn, __VA_ARGS__)
#define FD(n, o, fl, sn, ...)    FLD(FK_FD, n, o, 4, fl, sn, __VA_ARGS__)
#define ID(n, o, fl, sn, ...)    FLD(FK_ID, n, o, 4, fl, sn, __VA_ARGS__)
#define PTR(n, o, fl, sn, ...)   FLD(FK_PTR, n, o, 8, fl, sn, __VA_ARGS__)
#define STR(n, o, fl, sn, ...)   FLD(FK_STR_PTR, n, o, 8, fl, sn, __VA_ARGS__)
#define HEX64(n, o, fl, sn, ...) FLD(FK_HEX64, n, o, 8, fl, sn, __VA_ARGS__)
#define KVER(n, o, fl, sn, ...)  FLD(FK_KVER, n, o, 4, fl, sn, __VA_ARGS__)
#define CHARS(n, o, sz, fl, sn, ...) \
	FLD(FK_CHARS, n, o, sz, fl, sn, __VA_ARGS__)
#define ENUM(n, o, fl, xl, sn, ...) \
	FLD(FK_ENUM, n, o, 4, fl, sn, .x = &xlat_##xl, __VA_ARGS__)
#define FLAGS32(n, o, fl, xl, sn, ...) \
	FLD(FK_FLAGS32, n, o, 4, fl, sn, .x = &xlat_##xl, __VA_ARGS__)
#define FLAGS64(n, o, fl, xl, sn, ...) \
	FLD(FK_FLAGS64, n, o, 8, fl, sn, .x = &xlat_##xl, __VA_ARGS__)

/* Attach types the union selectors look at (enum bpf_attach_type). */
enum {
	AT_TRACE_RAW_TP = 23,
	AT_TRACE_FENTRY = 24,
	AT_TRACE_FEXIT = 25,
	AT_MODIFY_RETURN = 26,
	AT_LSM_MAC = 27,
	AT_TRACE_ITER = 28,
	AT_XDP = 37,
	AT_PERF_EVENT = 41,
	AT_TRACE_KPROBE_MULTI = 42,
	AT_STRUCT_OPS = 44,
	AT_NETFILTER = 45,
	AT_TCX_INGRESS = 46,
	AT_TCX_EGRESS = 47,
	AT_TRACE_UPROBE_MULTI = 48,
	AT_NETKIT_PRIMARY = 54,
	AT_NETKIT_PEER = 55,
	AT_TRACE_KPROBE_SESSION = 56,
	AT_TRACE_UPROBE_SESSION = 57,
	AT_TRACE_FSESSION = 58,
	AT_TRACE_FENTRY_MULTI = 59,
	AT_TRACE_FEXIT_MULTI = 60,
	AT_TRACE_FSESSION_MULTI = 61,
};

#define BIT64(n) (1ULL << (n))
#define BITS64(lo, hi) ((~0ULL >> (63 - (hi))) & ~(BIT64(lo) - 1))

/* Attach types whose programs attach to a cgroup: INET_INGRESS/EGRESS/
 * SOCK_CREATE, SOCK_OPS, DEVICE, the INET4/6 bind/connect/post_bind and
 * UDP sendmsg hooks, SYSCTL, UDP recvmsg, GET/SETSOCKOPT, get{peer,sock}name,
 * SOCK_RELEASE, LSM_CGROUP and the UNIX socket hooks. */
static const uint64_t cgroup_attach_types =
	BITS64(0, 3) | BIT64(6) | BITS64(8, 15) | BITS64(18, 22) |
	BITS64(29, 32) | BIT64(34) | BIT64(43) | BITS64(49, 53);

static bool is_cgroup_type(uint32_t t)
{
	return t < 64 && (cgroup_attach_types & BIT64(t));
}

/* Attach types whose target is a network device by ifindex, not an fd. */
static bool is_ifindex_type(uint32_t t)
{
	return t == AT_XDP || t == AT_TCX_INGRESS || t == AT_TCX_EGRESS ||
	       t == AT_NETKIT_PRIMARY || t == AT_NETKIT_PEER;
}

#define BPF_F_ID_FLAG 0x20u   /* BPF_F_ID: relative_id, not relative_fd */

/* ---- union selectors --------------------------------------------------- */

/* The field is in the layout but an extra renders it (see below). */
static bool rendered_by_extra(const struct bpf_call *c)
{
	return false;
}

/* PROG_ATTACH/PROG_DETACH: attach_type at 8, attach_flags at 12. */
static bool attach_by_ifindex(const struct bpf_call *c)
{
	return is_ifindex_type(bpf_attr_get(c, 8, 4));
}

static bool attach_by_fd(const struct bpf_call *c)
{
	return !attach_by_ifindex(c);
}

static bool attach_relative_id(const struct bpf_call *c)
{
	return bpf_attr_get(c, 12, 4) & BPF_F_ID_FLAG;
}

static bool attach_relative_fd(const struct bpf_call *c)
{
	return !attach_relative_id(c);
}

/* PROG_QUERY: query.attach_type at 4. */
static bool query_by_ifindex(const struct bpf_call *c)
{
	return is_ifindex_type(bpf_attr_get(c, 4, 4));
}

static bool query_by_fd(const struct bpf_call *c)
{
	return !query_by_ifindex(c);
}

/*
 * LINK_CREATE: link_create.attach_type (offset 8) picks the arm of the
 * union at offset 16 and whether offset 0 is a program or a struct_ops map
 * and offset 4 an fd or an ifindex.
 */
enum link_arm {
	ARM_TARGET_BTF_ID,
	ARM_ITER,
	ARM_PERF_EVENT,
	ARM_KPROBE_MULTI,
	ARM_TRACING,
	ARM_NETFILTER,
	ARM_TCX,
	ARM_NETKIT,
	ARM_CGROUP,
	ARM_UPROBE_MULTI,
	ARM_TRACING_MULTI,
};

static uint32_t link_attach_type(const struct bpf_call *c)
{
	return bpf_attr_get(c, 8, 4);
}

static enum link_arm link_arm(const struct bpf_call *c)
{
	uint32_t t = link_attach_type(c);

	switch (t) {
	case AT_TRACE_ITER:
		return ARM_ITER;
	case AT_PERF_EVENT:
		return ARM_PERF_EVENT;
	case AT_TRACE_KPROBE_MULTI:
	case AT_TRACE_KPROBE_SESSION:
		return ARM_KPROBE_MULTI;
	case AT_TRACE_RAW_TP:
	case AT_TRACE_FENTRY:
	case AT_TRACE_FEXIT:
	case AT_MODIFY_RETURN:
	case AT_LSM_MAC:
	case AT_TRACE_FSESSION:
		return ARM_TRACING;
	case AT_NETFILTER:
		return ARM_NETFILTER;
	case AT_TCX_INGRESS:
	case AT_TCX_EGRESS:
		return ARM_TCX;
	case AT_NETKIT_PRIMARY:
	case AT_NETKIT_PEER:
		return ARM_NETKIT;
	case AT_TRACE_UPROBE_MULTI:
	case AT_TRACE_UPROBE_SESSION:
		return ARM_UPROBE_MULTI;
	case AT_TRACE_FENTRY_MULTI:
	case AT_TRACE_FEXIT_MULTI:
	case AT_TRACE_FSESSION_MULTI:
		return ARM_TRACING_MULTI;
	}
	return is_cgroup_type(t) ? ARM_CGROUP : ARM_TARGET_BTF_ID;
}

#define LINK_ARM_PRED(fn, arm) \
	static bool fn(const struct bpf_call *c) \
	{ return link_arm(c) == (arm); }

LINK_ARM_PRED(lc_target_btf_id, ARM_TARGET_BTF_ID)
LINK_ARM_PRED(lc_iter, ARM_ITER)
LINK_ARM_PRED(lc_perf_event, ARM_PERF_EVENT)
LINK_ARM_PRED(lc_kprobe_multi, ARM_KPROBE_MULTI)
LINK_ARM_PRED(lc_tracing, ARM_TRACING)
LINK_ARM_PRED(lc_netfilter, ARM_NETFILTER)
LINK_ARM_PRED(lc_uprobe_multi, ARM_UPROBE_MULTI)
LINK_ARM_PRED(lc_tracing_multi, ARM_TRACING_MULTI)

/* tcx, netkit and cgroup links share relative_fd/relative_id: BPF_F_ID in
 * link_create.flags (offset 12) says which. */
static bool link_relative_id(const struct bpf_call *c)
{
	return bpf_attr_get(c, 12, 4) & BPF_F_ID_FLAG;
}

#define LINK_REL_PRED(fn, arm, want_id) \
	static bool fn(const struct bpf_call *c) \
	{ return link_arm(c) == (arm) && link_relative_id(c) == (want_id); }

LINK_ARM_PRED(lc_tcx, ARM_TCX)
LINK_REL_PRED(lc_tcx_rel_fd, ARM_TCX, false)
LINK_REL_PRED(lc_tcx_rel_id, ARM_TCX, true)
LINK_ARM_PRED(lc_netkit, ARM_NETKIT)
LINK_REL_PRED(lc_netkit_rel_fd, ARM_NETKIT, false)
LINK_REL_PRED(lc_netkit_rel_id, ARM_NETKIT, true)
LINK_ARM_PRED(lc_cgroup, ARM_CGROUP)
LINK_REL_PRED(lc_cgroup_rel_fd, ARM_CGROUP, false)
LINK_REL_PRED(lc_cgroup_rel_id, ARM_CGROUP, true)

static bool lc_struct_ops(const struct bpf_call *c)
{
	return link_attach_type(c) == AT_STRUCT_OPS;
}

static bool lc_prog(const struct bpf_call *c)
{
	return !lc_struct_ops(c);
}

static bool lc_by_ifindex(const struct bpf_call *c)
{
	return is_ifindex_type(link_attach_type(c));
}

static bool lc_by_fd(const struct bpf_call *c)
{
	return !lc_by_ifindex(c);
}

static bool lc_xdp(const struct bpf_call *c)
{
	return link_attach_type(c) == AT_XDP;
}

static bool lc_not_xdp(const struct bpf_call *c)
{
	return !lc_xdp(c);
}

/* ---- extras ------------------------------------------------------------ */

#define ELEM_MODE_MASK 0x3ull          /* BPF_ANY, BPF_NOEXIST, BPF_EXIST */
#define ELEM_F_CPU     0x8ull          /* BPF_F_CPU: CPU in bits 32..63 */

/*
 * Element flags: the low two bits are one of BPF_ANY/NOEXIST/EXIST, the
 * rest single-bit flags, so 0 reads "BPF_ANY" and 5 "BPF_NOEXIST|BPF_F_LOCK".
 * With BPF_F_CPU the upper half is a CPU number, rendered as "cpu".
 */
static void render_elem_flags(struct jsonw *w, const char *key, uint64_t v)
{
	const struct xlat *x = &xlat_bpf_elem_flags;
	uint64_t rest = v & ~ELEM_MODE_MASK;
	const char *mode = xlat_name(x, v & ELEM_MODE_MASK);
	size_t i;

	if (v & ELEM_F_CPU)
		rest &= 0xffffffffull;

	jw_str_begin(w, key);
	if (mode)
		jw_str_part(w, mode);
	else
		jw_str_hex_part(w, v & ELEM_MODE_MASK);
	for (i = 0; i < x->n; i++) {
		uint64_t bit = x->e[i].val;

		if (bit <= ELEM_MODE_MASK || !(rest & bit))
			continue;
		jw_str_part(w, "|");
		jw_str_part(w, x->e[i].name);
		rest &= ~bit;
	}
	if (rest) {
		jw_str_part(w, "|");
		jw_str_hex_part(w, rest);
	}
	jw_str_end(w);

	if (v & ELEM_F_CPU)
		jw_u64(w, "cpu", v >> 32);
}

/* MAP_*_ELEM and MAP_GET_NEXT_KEY: flags at 24. */
static void elem_in_extra(struct jsonw *w, const struct bpf_call *c,
			  const struct decode_opts *o)
{
	if (bpf_attr_has(c, 24, 8))
		render_elem_flags(w, "flags", bpf_attr_get(c, 24, 8));
	/* payload the shim captured before the call (bpf_data.c) */
	render_blob(w, "key_data", c, BLOB_KEY);
	render_blob(w, "value_data", c, BLOB_VALUE);
}

/* LOOKUP, LOOKUP_AND_DELETE: the value the kernel wrote. */
static void elem_value_out_extra(struct jsonw *w, const struct bpf_call *c,
				 const struct decode_opts *o)
{
	render_blob(w, "value_data", c, BLOB_VALUE);
}

/* GET_NEXT_KEY: the key the kernel wrote. */
static void next_key_out_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o)
{
	render_blob(w, "next_key_data", c, BLOB_NEXT_KEY);
}

/* Inputs only: a LOOKUP's value blob is an output, captured after. */
static void lookup_in_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o)
{
	if (bpf_attr_has(c, 24, 8))
		render_elem_flags(w, "flags", bpf_attr_get(c, 24, 8));
	render_blob(w, "key_data", c, BLOB_KEY);
}

/* MAP_*_BATCH: batch.elem_flags at 40. */
static void batch_in_extra(struct jsonw *w, const struct bpf_call *c,
			   const struct decode_opts *o)
{
	if (bpf_attr_has(c, 40, 8))
		render_elem_flags(w, "elem_flags", bpf_attr_get(c, 40, 8));
	/* UPDATE/DELETE_BATCH: the elements handed in (bpf_data.c) */
	render_blob(w, "in_batch_data", c, BLOB_IN_BATCH);
	if (c->cmd == 26 || c->cmd == 27) {
		render_blob(w, "keys_data", c, BLOB_KEYS);
		render_blob(w, "values_data", c, BLOB_VALUES);
	}
}

/* LOOKUP(_AND_DELETE)_BATCH: the elements the kernel copied out. */
static void batch_out_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o)
{
	if (c->cmd == 24 || c->cmd == 25) {
		render_blob(w, "keys_data", c, BLOB_KEYS);
		render_blob(w, "values_data", c, BLOB_VALUES);
		render_blob(w, "out_batch_data", c, BLOB_OUT_BATCH);
	}
}

/*
 * The log the kernel wrote into the caller's buffer, after the call.  Only
 * when a buffer and a level were given: with level 0 the kernel writes
 * nothing.  ENOSPC means the log did not fit (the load itself may have
 * been fine up to that point).
 */
static void render_call_log(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o, uint64_t buf,
			    uint32_t size, uint32_t level)
{
	if (!buf || !level)
		return;
	render_log(w, "log", buf, size, o);
	if (c->err == ENOSPC)
		jw_bool(w, "log_enospc", true);
}

/* PROG_LOAD: log_level 24, log_size 28, log_buf 32. */
static void prog_load_out_extra(struct jsonw *w, const struct bpf_call *c,
				const struct decode_opts *o)
{
	render_call_log(w, c, o, bpf_attr_get(c, 32, 8),
			bpf_attr_get(c, 28, 4), bpf_attr_get(c, 24, 4));
}

/* PROG_LOAD: the program's identity, insn_cnt (4) instructions of 8
 * bytes at insns (8): equal digests, equal programs. */
static void prog_load_in_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o)
{
	if (bpf_attr_has(c, 8, 8))
		render_digest(w, "insns_digest", bpf_attr_get(c, 8, 8),
			      bpf_attr_get(c, 4, 4) * 8ull, o);
	if (o->insns && bpf_attr_has(c, 8, 8))
		render_insns(w, "insns_decoded", bpf_attr_get(c, 8, 8),
			     (uint32_t)bpf_attr_get(c, 4, 4), o);
	/* fd_array (120) with fd_array_cnt (148, 6.14+): the fds it holds */
	if (bpf_attr_has(c, 148, 4))
		render_fd_array(w, "fd_array_data", bpf_attr_get(c, 120, 8),
				(uint32_t)bpf_attr_get(c, 148, 4), o);
}

/* BTF_LOAD: btf_size (16) bytes of BTF at btf (0). */
static void btf_load_in_extra(struct jsonw *w, const struct bpf_call *c,
			      const struct decode_opts *o)
{
	if (bpf_attr_has(c, 16, 4))
		render_digest(w, "btf_digest", bpf_attr_get(c, 0, 8),
			      bpf_attr_get(c, 16, 4), o);
}

/* BTF_LOAD: btf_log_buf 8, btf_log_size 20, btf_log_level 24. */
static void btf_load_out_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o)
{
	render_call_log(w, c, o, bpf_attr_get(c, 8, 8),
			bpf_attr_get(c, 20, 4), bpf_attr_get(c, 24, 4));
}

/*
 * LINK_CREATE's multi-attach arms point to arrays of cnt entries: show
 * their contents (the first 64) next to the pointers.
 * kprobe_multi: cnt 20, syms 24 (char *[]), addrs 32, cookies 40;
 * uprobe_multi: offsets 24, ref_ctr_offsets 32, cookies 40, cnt 48;
 * tracing_multi: ids 16 (u32[]), cookies 24, cnt 32.
 */
static void link_create_in_extra(struct jsonw *w, const struct bpf_call *c,
				 const struct decode_opts *o)
{
	uint32_t cnt;

	if (lc_kprobe_multi(c) && bpf_attr_has(c, 40, 8)) {
		cnt = (uint32_t)bpf_attr_get(c, 20, 4);
		jw_obj_open(w, "kprobe_multi_data");
		render_str_array(w, "syms", bpf_attr_get(c, 24, 8), cnt, o);
		render_u64_array(w, "addrs", bpf_attr_get(c, 32, 8), cnt, 8, true, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, 40, 8), cnt, 8, true, o);
		jw_obj_close(w);
	} else if (lc_uprobe_multi(c) && bpf_attr_has(c, 48, 4)) {
		cnt = (uint32_t)bpf_attr_get(c, 48, 4);
		jw_obj_open(w, "uprobe_multi_data");
		render_u64_array(w, "offsets", bpf_attr_get(c, 24, 8), cnt, 8, true, o);
		render_u64_array(w, "ref_ctr_offsets", bpf_attr_get(c, 32, 8), cnt, 8, true, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, 40, 8), cnt, 8, true, o);
		jw_obj_close(w);
	} else if (lc_tracing_multi(c) && bpf_attr_has(c, 32, 4)) {
		cnt = (uint32_t)bpf_attr_get(c, 32, 4);
		jw_obj_open(w, "tracing_multi_data");
		render_u64_array(w, "ids", bpf_attr_get(c, 16, 8), cnt, 4, false, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, 24, 8), cnt, 8, true, o);
		jw_obj_close(w);
	}
}

/* ---- field tables ------------------------------------------------------ */

static const struct bpf_field map_create_fields[] = {
	ENUM("map_type", 0, FF_IN, bpf_map_type, "3.18"),
	U32("key_size", 4, FF_IN, "3.18"),
	U32("value_size", 8, FF_IN, "3.18"),
	U32("max_entries", 12, FF_IN, "3.18"),
	FLAGS32("map_flags", 16, FF_IN, bpf_map_flags, "4.6"),
	FD("inner_map_fd", 20, FF_IN, "4.12"),
	U32("numa_node", 24, FF_IN, "4.14"),
	CHARS("map_name", 28, 16, FF_IN, "4.15"),
	U32("map_ifindex", 44, FF_IN, "4.16"),
	FD("btf_fd", 48, FF_IN, "4.18"),
	U32("btf_key_type_id", 52, FF_IN, "4.18"),
	U32("btf_value_type_id", 56, FF_IN, "4.18"),
	U32("btf_vmlinux_value_type_id", 60, FF_IN, "5.6"),
	U64("map_extra", 64, FF_IN, "5.16"),
	FD("value_type_btf_obj_fd", 72, FF_IN, "6.9"),
	FD("map_token_fd", 76, FF_IN, "6.9"),
	PTR("excl_prog_hash", 80, FF_IN, ""),
	U32("excl_prog_hash_size", 88, FF_IN, ""),
};

/*
 * The element commands share one struct: map_fd 0, key 8, value/next_key
 * 16 (a union), flags 24.  flags goes through render_elem_flags().
 */
#define ELEM_FLAGS FLAGS64("flags", 24, FF_IN, bpf_elem_flags, "3.18", \
			   .when = rendered_by_extra)

static const struct bpf_field map_elem_fields[] = {
	FD("map_fd", 0, FF_IN, "3.18"),
	PTR("key", 8, FF_IN, "3.18"),
	PTR("value", 16, FF_IN, "3.18"),
	ELEM_FLAGS,
};

/* The kernel ignores value and rejects flags (last field: key); flags is
 * still shown when the size covers it. */
static const struct bpf_field map_delete_elem_fields[] = {
	FD("map_fd", 0, FF_IN, "3.18"),
	PTR("key", 8, FF_IN, "3.18"),
	ELEM_FLAGS,
};

static const struct bpf_field map_get_next_key_fields[] = {
	FD("map_fd", 0, FF_IN, "3.18"),
	PTR("key", 8, FF_IN, "3.18"),
	PTR("next_key", 16, FF_IN, "3.18"),
	ELEM_FLAGS,
};

static const struct bpf_field map_freeze_fields[] = {
	FD("map_fd", 0, FF_IN, "5.2"),
};

static const struct bpf_field prog_load_fields[] = {
	ENUM("prog_type", 0, FF_IN, bpf_prog_type, "3.18"),
	U32("insn_cnt", 4, FF_IN, "3.18"),
	PTR("insns", 8, FF_IN, "3.18"),
	STR("license", 16, FF_IN, "3.18"),
	FLAGS32("log_level", 24, FF_IN, bpf_log_level, "3.18"),
	U32("log_size", 28, FF_IN, "3.18"),
	PTR("log_buf", 32, FF_IN, "3.18"),
	KVER("kern_version", 40, FF_IN, "4.1"),
	FLAGS32("prog_flags", 44, FF_IN, bpf_prog_flags, "4.12"),
	CHARS("prog_name", 48, 16, FF_IN, "4.15"),
	U32("prog_ifindex", 64, FF_IN, "4.15"),
	ENUM("expected_attach_type", 68, FF_IN, bpf_attach_type, "4.17"),
	FD("prog_btf_fd", 72, FF_IN, "5.0"),
	/* The kernel overwrites the two *_rec_size fields only on E2BIG,
	 * to tell its own record size; they are inputs otherwise. */
	U32("func_info_rec_size", 76, FF_IN, "5.0"),
	PTR("func_info", 80, FF_IN, "5.0"),
	U32("func_info_cnt", 88, FF_IN, "5.0"),
	U32("line_info_rec_size", 92, FF_IN, "5.0"),
	PTR("line_info", 96, FF_IN, "5.0"),
	U32("line_info_cnt", 104, FF_IN, "5.0"),
	U32("attach_btf_id", 108, FF_IN, "5.5"),
	/* A union with attach_btf_obj_fd (5.11); only the kernel can tell
	 * which from the kind of fd, so the older name is used. */
	FD("attach_prog_fd", 112, FF_IN, "5.5"),
	U32("core_relo_cnt", 116, FF_IN, "5.17"),
	PTR("fd_array", 120, FF_IN, "5.14"),
	PTR("core_relos", 128, FF_IN, "5.17"),
	U32("core_relo_rec_size", 136, FF_IN, "5.17"),
	U32("log_true_size", 140, FF_OUT, "6.4"),
	FD("prog_token_fd", 144, FF_IN, "6.9"),
	U32("fd_array_cnt", 148, FF_IN, "6.14"),
	PTR("signature", 152, FF_IN, ""),
	U32("signature_size", 160, FF_IN, ""),
	S32("keyring_id", 164, FF_IN, ""),
};

/* OBJ_PIN and OBJ_GET (bpf_fd must be 0 for OBJ_GET). */
static const struct bpf_field obj_fields[] = {
	STR("pathname", 0, FF_IN, "4.4"),
	FD("bpf_fd", 8, FF_IN, "4.4"),
	FLAGS32("file_flags", 12, FF_IN, bpf_file_flags, "4.15"),
	FD("path_fd", 16, FF_IN, "6.5"),
};

/* PROG_ATTACH and PROG_DETACH. */
static const struct bpf_field prog_attach_fields[] = {
	FD("target_fd", 0, FF_IN, "4.10", .when = attach_by_fd),
	U32("target_ifindex", 0, FF_IN, "6.6", .when = attach_by_ifindex),
	FD("attach_bpf_fd", 4, FF_IN, "4.10"),
	ENUM("attach_type", 8, FF_IN, bpf_attach_type, "4.10"),
	FLAGS32("attach_flags", 12, FF_IN, bpf_attach_flags, "4.10"),
	FD("replace_bpf_fd", 16, FF_IN, "5.6"),
	FD("relative_fd", 20, FF_IN, "6.6", .when = attach_relative_fd),
	ID("relative_id", 20, FF_IN, "6.6", .when = attach_relative_id),
	U64("expected_revision", 24, FF_IN, "6.6"),
};

static const struct bpf_field prog_test_run_fields[] = {
	FD("prog_fd", 0, FF_IN, "4.12"),
	U32("retval", 4, FF_OUT, "4.12"),
	U32("data_size_in", 8, FF_IN, "4.12"),
	U32("data_size_out", 12, FF_INOUT, "4.12"),
	PTR("data_in", 16, FF_IN, "4.12"),
	PTR("data_out", 24, FF_IN, "4.12"),
	U32("repeat", 32, FF_IN, "4.12"),
	U32("duration", 36, FF_OUT, "4.12"),
	U32("ctx_size_in", 40, FF_IN, "5.2"),
	U32("ctx_size_out", 44, FF_INOUT, "5.2"),
	PTR("ctx_in", 48, FF_IN, "5.2"),
	PTR("ctx_out", 56, FF_IN, "5.2"),
	FLAGS32("flags", 64, FF_IN, bpf_test_run_flags, "5.10"),
	U32("cpu", 68, FF_IN, "5.10"),
	U32("batch_size", 72, FF_IN, "5.18"),
};

/* The four *_GET_NEXT_ID commands. */
static const struct bpf_field get_next_id_fields[] = {
	ID("start_id", 0, FF_IN, "4.13"),
	ID("next_id", 4, FF_OUT, "4.13"),
};

/* *_GET_FD_BY_ID: the id, then open_flags at 8 (next_id at 4 is unused). */
static const struct bpf_field prog_get_fd_by_id_fields[] = {
	ID("prog_id", 0, FF_IN, "4.13"),
	FLAGS32("open_flags", 8, FF_IN, bpf_file_flags, "4.15"),
};

static const struct bpf_field map_get_fd_by_id_fields[] = {
	ID("map_id", 0, FF_IN, "4.13"),
	FLAGS32("open_flags", 8, FF_IN, bpf_file_flags, "4.15"),
};

static const struct bpf_field btf_get_fd_by_id_fields[] = {
	ID("btf_id", 0, FF_IN, "4.18"),
	FLAGS32("open_flags", 8, FF_IN, bpf_file_flags, "4.18"),
	FD("fd_by_id_token_fd", 12, FF_IN, ""),
};

static const struct bpf_field link_get_fd_by_id_fields[] = {
	ID("link_id", 0, FF_IN, "5.8"),
	FLAGS32("open_flags", 8, FF_IN, bpf_file_flags, "5.8"),
};

static const struct bpf_field obj_get_info_by_fd_fields[] = {
	FD("bpf_fd", 0, FF_IN, "4.13"),
	U32("info_len", 4, FF_INOUT, "4.13"),
	PTR("info", 8, FF_IN, "4.13"),
};

static const struct bpf_field prog_query_fields[] = {
	FD("target_fd", 0, FF_IN, "4.15", .when = query_by_fd),
	U32("target_ifindex", 0, FF_IN, "6.6", .when = query_by_ifindex),
	ENUM("attach_type", 4, FF_IN, bpf_attach_type, "4.15"),
	FLAGS32("query_flags", 8, FF_IN, bpf_query_flags, "4.15"),
	FLAGS32("attach_flags", 12, FF_OUT, bpf_attach_flags, "4.15"),
	PTR("prog_ids", 16, FF_IN, "4.15"),
	/* A union with "count" (6.6), the same capacity-in/total-out. */
	U32("prog_cnt", 24, FF_INOUT, "4.15"),
	PTR("prog_attach_flags", 32, FF_IN, "6.0"),
	PTR("link_ids", 40, FF_IN, "6.6"),
	PTR("link_attach_flags", 48, FF_IN, "6.6"),
	U64("revision", 56, FF_OUT, "6.6"),
};

static const struct bpf_field raw_tracepoint_open_fields[] = {
	STR("name", 0, FF_IN, "4.17"),
	FD("prog_fd", 8, FF_IN, "4.17"),
	HEX64("cookie", 16, FF_IN, "6.10"),
};

static const struct bpf_field btf_load_fields[] = {
	PTR("btf", 0, FF_IN, "4.18"),
	PTR("btf_log_buf", 8, FF_IN, "4.18"),
	U32("btf_size", 16, FF_IN, "4.18"),
	U32("btf_log_size", 20, FF_IN, "4.18"),
	FLAGS32("btf_log_level", 24, FF_IN, bpf_log_level, "4.18"),
	U32("btf_log_true_size", 28, FF_OUT, "6.4"),
	FLAGS32("btf_flags", 32, FF_IN, bpf_btf_flags, "6.9"),
	FD("btf_token_fd", 36, FF_IN, "6.9"),
};

static const struct bpf_field task_fd_query_fields[] = {
	U32("pid", 0, FF_IN, "4.18"),
	FD("fd", 4, FF_IN, "4.18"),
	U32("flags", 8, FF_IN, "4.18"),
	U32("buf_len", 12, FF_INOUT, "4.18"),
	PTR("buf", 16, FF_IN, "4.18"),
	ID("prog_id", 24, FF_OUT, "4.18"),
	ENUM("fd_type", 28, FF_OUT, bpf_task_fd_type, "4.18"),
	HEX64("probe_offset", 32, FF_OUT, "4.18"),
	HEX64("probe_addr", 40, FF_OUT, "4.18"),
};

/* The four MAP_*_BATCH commands; elem_flags goes through
 * render_elem_flags(). */
static const struct bpf_field map_batch_fields[] = {
	PTR("in_batch", 0, FF_IN, "5.6"),
	PTR("out_batch", 8, FF_IN, "5.6"),
	PTR("keys", 16, FF_IN, "5.6"),
	PTR("values", 24, FF_IN, "5.6"),
	U32("count", 32, FF_INOUT, "5.6"),
	FD("map_fd", 36, FF_IN, "5.6"),
	FLAGS64("elem_flags", 40, FF_IN, bpf_elem_flags, "5.6",
		.when = rendered_by_extra),
	U64("flags", 48, FF_IN, "5.6"),
};

/*
 * LINK_CREATE.  Offsets 0..15 are common; from 16 on the union arm depends
 * on attach_type (see link_arm()).  Fields of one arm stay together and in
 * offset order: the walker nests them under the arm's name.
 */
static const struct bpf_field link_create_fields[] = {
	FD("prog_fd", 0, FF_IN, "5.7", .when = lc_prog),
	FD("map_fd", 0, FF_IN, "6.4", .when = lc_struct_ops),
	FD("target_fd", 4, FF_IN, "5.7", .when = lc_by_fd),
	U32("target_ifindex", 4, FF_IN, "5.9", .when = lc_by_ifindex),
	ENUM("attach_type", 8, FF_IN, bpf_attach_type, "5.7"),
	FLAGS32("flags", 12, FF_IN, bpf_attach_flags, "5.7",
		.when = lc_not_xdp),
	FLAGS32("flags", 12, FF_IN, bpf_xdp_flags, "5.9", .when = lc_xdp),

	U32("target_btf_id", 16, FF_IN, "5.10", .when = lc_target_btf_id),

	/* BPF_TRACE_ITER: iter_info overlays target_btf_id. */
	PTR("iter_info", 16, FF_IN, "5.9", .when = lc_iter),
	U32("iter_info_len", 24, FF_IN, "5.9", .when = lc_iter),

	HEX64("perf_event.bpf_cookie", 16, FF_IN, "5.15",
	      .when = lc_perf_event),

	FLAGS32("kprobe_multi.flags", 16, FF_IN, bpf_kprobe_multi_flags,
		"5.18", .when = lc_kprobe_multi),
	U32("kprobe_multi.cnt", 20, FF_IN, "5.18", .when = lc_kprobe_multi),
	PTR("kprobe_multi.syms", 24, FF_IN, "5.18", .when = lc_kprobe_multi),
	PTR("kprobe_multi.addrs", 32, FF_IN, "5.18", .when = lc_kprobe_multi),
	PTR("kprobe_multi.cookies", 40, FF_IN, "5.18",
	    .when = lc_kprobe_multi),

	U32("tracing.target_btf_id", 16, FF_IN, "5.19", .when = lc_tracing),
	HEX64("tracing.cookie", 24, FF_IN, "5.19", .when = lc_tracing),

	U32("netfilter.pf", 16, FF_IN, "6.4", .when = lc_netfilter),
	U32("netfilter.hooknum", 20, FF_IN, "6.4", .when = lc_netfilter),
	S32("netfilter.priority", 24, FF_IN, "6.4", .when = lc_netfilter),
	FLAGS32("netfilter.flags", 28, FF_IN, bpf_netfilter_flags, "6.4",
		.when = lc_netfilter),

	FD("tcx.relative_fd", 16, FF_IN, "6.6", .when = lc_tcx_rel_fd),
	ID("tcx.relative_id", 16, FF_IN, "6.6", .when = lc_tcx_rel_id),
	U64("tcx.expected_revision", 24, FF_IN, "6.6", .when = lc_tcx),

	STR("uprobe_multi.path", 16, FF_IN, "6.6", .when = lc_uprobe_multi),
	PTR("uprobe_multi.offsets", 24, FF_IN, "6.6", .when = lc_uprobe_multi),
	PTR("uprobe_multi.ref_ctr_offsets", 32, FF_IN, "6.6",
	    .when = lc_uprobe_multi),
	PTR("uprobe_multi.cookies", 40, FF_IN, "6.6", .when = lc_uprobe_multi),
	U32("uprobe_multi.cnt", 48, FF_IN, "6.6", .when = lc_uprobe_multi),
	FLAGS32("uprobe_multi.flags", 52, FF_IN, bpf_uprobe_multi_flags, "6.6",
		.when = lc_uprobe_multi),
	U32("uprobe_multi.pid", 56, FF_IN, "6.6", .when = lc_uprobe_multi),
	FD("uprobe_multi.path_fd", 60, FF_IN, "", .when = lc_uprobe_multi),

	FD("netkit.relative_fd", 16, FF_IN, "6.7", .when = lc_netkit_rel_fd),
	ID("netkit.relative_id", 16, FF_IN, "6.7", .when = lc_netkit_rel_id),
	U64("netkit.expected_revision", 24, FF_IN, "6.7", .when = lc_netkit),

	FD("cgroup.relative_fd", 16, FF_IN, "", .when = lc_cgroup_rel_fd),
	ID("cgroup.relative_id", 16, FF_IN, "", .when = lc_cgroup_rel_id),
	U64("cgroup.expected_revision", 24, FF_IN, "", .when = lc_cgroup),

	PTR("tracing_multi.ids", 16, FF_IN, "", .when = lc_tracing_multi),
	PTR("tracing_multi.cookies", 24, FF_IN, "", .when = lc_tracing_multi),
	U32("tracing_multi.cnt", 32, FF_IN, "", .when = lc_tracing_multi),
};

/* new_prog_fd/old_prog_fd share their slots with new_map_fd/old_map_fd
 * (struct_ops links, 6.4); which one depends on the link, which the
 * attr does not say, so the program names are used. */
static const struct bpf_field link_update_fields[] = {
	FD("link_fd", 0, FF_IN, "5.7"),
	FD("new_prog_fd", 4, FF_IN, "5.7"),
	FLAGS32("flags", 8, FF_IN, bpf_link_update_flags, "5.7"),
	FD("old_prog_fd", 12, FF_IN, "5.7"),
};

static const struct bpf_field link_detach_fields[] = {
	FD("link_fd", 0, FF_IN, "5.9"),
};

static const struct bpf_field enable_stats_fields[] = {
	ENUM("type", 0, FF_IN, bpf_stats_type, "5.8"),
};

static const struct bpf_field iter_create_fields[] = {
	FD("link_fd", 0, FF_IN, "5.8"),
	U32("flags", 4, FF_IN, "5.8"),
};

static const struct bpf_field prog_bind_map_fields[] = {
	FD("prog_fd", 0, FF_IN, "5.10"),
	FD("map_fd", 4, FF_IN, "5.10"),
	U32("flags", 8, FF_IN, "5.10"),
};

static const struct bpf_field token_create_fields[] = {
	U32("flags", 0, FF_IN, "6.9"),
	FD("bpffs_fd", 4, FF_IN, "6.9"),
};

static const struct bpf_field prog_stream_read_fields[] = {
	PTR("stream_buf", 0, FF_IN, "6.17"),
	U32("stream_buf_len", 8, FF_IN, "6.17"),
	ENUM("stream_id", 12, FF_IN, bpf_stream_id, "6.17"),
	FD("prog_fd", 16, FF_IN, "6.17"),
};

static const struct bpf_field prog_assoc_struct_ops_fields[] = {
	FD("map_fd", 0, FF_IN, "7.0"),
	FD("prog_fd", 4, FF_IN, "7.0"),
	U32("flags", 8, FF_IN, "7.0"),
};

/* ---- the command table ------------------------------------------------- */

#define CMD(nr, nm, sn, flds, last, rk, ...) \
	[nr] = { .name = "BPF_" #nm, .since = (sn), .fields = (flds), \
		 .nfields = ARRAY_SIZE(flds), .last_end = (last), \
		 .ret = (rk), __VA_ARGS__ }

const struct bpf_cmd_desc bpf_cmd_table[BPF_CMD_COUNT] = {
	CMD(0, MAP_CREATE, "3.18", map_create_fields, 92, RET_FD),
	CMD(1, MAP_LOOKUP_ELEM, "3.18", map_elem_fields, 32, RET_ZERO,
	    .in_extra = lookup_in_extra, .out_extra = elem_value_out_extra),
	CMD(2, MAP_UPDATE_ELEM, "3.18", map_elem_fields, 32, RET_ZERO,
	    .in_extra = elem_in_extra),
	CMD(3, MAP_DELETE_ELEM, "3.18", map_delete_elem_fields, 16, RET_ZERO,
	    .in_extra = elem_in_extra),
	CMD(4, MAP_GET_NEXT_KEY, "3.18", map_get_next_key_fields, 24, RET_ZERO,
	    .in_extra = lookup_in_extra, .out_extra = next_key_out_extra),
	/* last_end 168: the newest kernels check up to keyring_id, the end
	 * of the union; 6.4-6.8 stopped at 144, 6.9 at 148, 6.14 at 152. */
	CMD(5, PROG_LOAD, "3.18", prog_load_fields, 168, RET_FD,
	    .in_extra = prog_load_in_extra, .out_extra = prog_load_out_extra,
	    .reads_memory = true),
	CMD(6, OBJ_PIN, "4.4", obj_fields, 20, RET_ZERO),
	CMD(7, OBJ_GET, "4.4", obj_fields, 20, RET_FD),
	CMD(8, PROG_ATTACH, "4.10", prog_attach_fields, 32, RET_ZERO),
	CMD(9, PROG_DETACH, "4.10", prog_attach_fields, 32, RET_ZERO),
	/* last field test.batch_size ends at 76; the struct is 80 long, and
	 * its 4 padding bytes must be zero too. */
	CMD(10, PROG_TEST_RUN, "4.12", prog_test_run_fields, 76, RET_ZERO,
	    .out_extra = prog_test_run_out_extra, .reads_memory = true),
	CMD(11, PROG_GET_NEXT_ID, "4.13", get_next_id_fields, 8, RET_ZERO),
	CMD(12, MAP_GET_NEXT_ID, "4.13", get_next_id_fields, 8, RET_ZERO),
	/* PROG and LINK GET_FD_BY_ID end at the id: nonzero open_flags is
	 * EINVAL there, although libbpf sends it (size 12). */
	CMD(13, PROG_GET_FD_BY_ID, "4.13", prog_get_fd_by_id_fields, 4, RET_FD),
	CMD(14, MAP_GET_FD_BY_ID, "4.13", map_get_fd_by_id_fields, 12, RET_FD),
	CMD(15, OBJ_GET_INFO_BY_FD, "4.13", obj_get_info_by_fd_fields, 16,
	    RET_ZERO, .out_extra = obj_get_info_out_extra, .reads_memory = true),
	CMD(16, PROG_QUERY, "4.15", prog_query_fields, 64, RET_ZERO,
	    .out_extra = prog_query_out_extra, .reads_memory = true),
	CMD(17, RAW_TRACEPOINT_OPEN, "4.17", raw_tracepoint_open_fields, 24,
	    RET_FD),
	CMD(18, BTF_LOAD, "4.18", btf_load_fields, 40, RET_FD,
	    .in_extra = btf_load_in_extra, .out_extra = btf_load_out_extra,
	    .reads_memory = true),
	CMD(19, BTF_GET_FD_BY_ID, "4.18", btf_get_fd_by_id_fields, 16, RET_FD),
	CMD(20, TASK_FD_QUERY, "4.18", task_fd_query_fields, 48, RET_ZERO,
	    .out_extra = task_fd_query_out_extra, .reads_memory = true),
	CMD(21, MAP_LOOKUP_AND_DELETE_ELEM, "4.20", map_elem_fields, 32,
	    RET_ZERO, .in_extra = lookup_in_extra, .out_extra = elem_value_out_extra),
	CMD(22, MAP_FREEZE, "5.2", map_freeze_fields, 4, RET_ZERO),
	CMD(23, BTF_GET_NEXT_ID, "5.4", get_next_id_fields, 8, RET_ZERO),
	CMD(24, MAP_LOOKUP_BATCH, "5.6", map_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(25, MAP_LOOKUP_AND_DELETE_BATCH, "5.6", map_batch_fields, 56,
	    RET_ZERO, .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(26, MAP_UPDATE_BATCH, "5.6", map_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(27, MAP_DELETE_BATCH, "5.6", map_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	/*
	 * The kernels whose source we have (up to ~7.0, and 6.18 here, tested)
	 * end LINK_CREATE at uprobe_multi.pid: a nonzero byte at 60 is EINVAL.
	 * The newest UAPI adds uprobe_multi.path_fd (60..63), but no kernel
	 * source checking it was found, so the verified 60 is the limit and a
	 * nonzero path_fd shows in attr_tail (and is still decoded).
	 */
	CMD(28, LINK_CREATE, "5.7", link_create_fields, 60, RET_FD,
	    .in_extra = link_create_in_extra),
	CMD(29, LINK_UPDATE, "5.7", link_update_fields, 16, RET_ZERO),
	CMD(30, LINK_GET_FD_BY_ID, "5.8", link_get_fd_by_id_fields, 4, RET_FD),
	CMD(31, LINK_GET_NEXT_ID, "5.8", get_next_id_fields, 8, RET_ZERO),
	CMD(32, ENABLE_STATS, "5.8", enable_stats_fields, 4, RET_FD),
	CMD(33, ITER_CREATE, "5.8", iter_create_fields, 8, RET_FD),
	CMD(34, LINK_DETACH, "5.9", link_detach_fields, 4, RET_ZERO),
	CMD(35, PROG_BIND_MAP, "5.10", prog_bind_map_fields, 12, RET_ZERO),
	CMD(36, TOKEN_CREATE, "6.9", token_create_fields, 8, RET_FD),
	/* Returns the number of bytes read, not an fd. */
	CMD(37, PROG_STREAM_READ_BY_FD, "6.17", prog_stream_read_fields, 20,
	    RET_COUNT, .out_extra = prog_stream_read_out_extra, .reads_memory = true),
	/* 7.0 is inferred (merged after 6.19-rc1).  flags at 8 is past the
	 * last field: any nonzero flags is EINVAL already. */
	CMD(38, PROG_ASSOC_STRUCT_OPS, "7.0", prog_assoc_struct_ops_fields, 8,
	    RET_ZERO),
};

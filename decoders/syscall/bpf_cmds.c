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

#include "syscall/bpf_attr.h"
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
/* A flags word the UAPI defines no bits for (yet): "0", or the hex of
 * what was set, a string like every flags field. */
#define NOFLAGS32(n, o, fl, sn, ...) FLD(FK_FLAGS32, n, o, 4, fl, sn, .x = NULL, __VA_ARGS__)
#define NOFLAGS64(n, o, fl, sn, ...) FLD(FK_FLAGS64, n, o, 8, fl, sn, .x = NULL, __VA_ARGS__)

/*
 * What a pointer field points to (struct bpf_pointee), as an argument of
 * PTR(): the only place that says which buffers a command hands in or gets
 * back, how long they are and when they hold what the decoders show.  The
 * shim captures what has a blob tag, the renderer reads the rest, bpfspy
 * attach copies all of it (bpf_kread_plan()).  @wh is IN, IN_EARLY, INOUT,
 * OUT, OUT_ENOENT or OUT_ANY; @cnt the attr offset of the u32 count.
 */
#define TO(ln, cnt, m, wh, cp, tg) \
	.to = { .len = PT_##ln, .cnt_off = (cnt), .mult = (m), .when = PT_##wh, \
		.cap = PT_CAP_##cp, .tag = (tg) }
/* count × @sz bytes, at most as @cp says (DATA, STR, LOG, ARRAY, INFO, DIGEST) */
#define TO_BYTES(cnt, sz, wh, cp)  TO(COUNT, cnt, sz, wh, cp, 0)
/* the map's key, value or batch cursor, captured as blob @tg */
#define TO_KEY(wh, tg)             TO(KEY, PT_NO_COUNT, 1, wh, DATA, tg)
#define TO_VALUE(wh, tg)           TO(VALUE, PT_NO_COUNT, 1, wh, DATA, tg)
#define TO_CURSOR(wh, tg)          TO(CURSOR, PT_NO_COUNT, 1, wh, DATA, tg)
/* count keys or values, one after the other */
#define TO_KEYS(cnt, wh, tg)       TO(KEY, cnt, 1, wh, DATA, tg)
#define TO_VALUES(cnt, wh, tg)     TO(VALUE, cnt, 1, wh, DATA, tg)
/* count pointers to C strings */
#define TO_STRS(cnt)               TO(STR_ARRAY, cnt, 8, IN, STR, 0)

/* Attach types whose programs attach to a cgroup (the kernel's
 * attach_type_to_prog_type() cases that lead to cgroup_bpf_link_attach). */
bool bpf_attach_type_is_cgroup(uint32_t t)
{
	switch (t) {
	case XV_BPF_CGROUP_INET_INGRESS: case XV_BPF_CGROUP_INET_EGRESS:
	case XV_BPF_CGROUP_INET_SOCK_CREATE: case XV_BPF_CGROUP_SOCK_OPS:
	case XV_BPF_CGROUP_DEVICE:
	case XV_BPF_CGROUP_INET4_BIND: case XV_BPF_CGROUP_INET6_BIND:
	case XV_BPF_CGROUP_INET4_CONNECT: case XV_BPF_CGROUP_INET6_CONNECT:
	case XV_BPF_CGROUP_INET4_POST_BIND: case XV_BPF_CGROUP_INET6_POST_BIND:
	case XV_BPF_CGROUP_UDP4_SENDMSG: case XV_BPF_CGROUP_UDP6_SENDMSG:
	case XV_BPF_CGROUP_SYSCTL:
	case XV_BPF_CGROUP_UDP4_RECVMSG: case XV_BPF_CGROUP_UDP6_RECVMSG:
	case XV_BPF_CGROUP_GETSOCKOPT: case XV_BPF_CGROUP_SETSOCKOPT:
	case XV_BPF_CGROUP_INET4_GETPEERNAME: case XV_BPF_CGROUP_INET6_GETPEERNAME:
	case XV_BPF_CGROUP_INET4_GETSOCKNAME: case XV_BPF_CGROUP_INET6_GETSOCKNAME:
	case XV_BPF_CGROUP_INET_SOCK_RELEASE: case XV_BPF_LSM_CGROUP:
	case XV_BPF_CGROUP_UNIX_CONNECT: case XV_BPF_CGROUP_UNIX_SENDMSG:
	case XV_BPF_CGROUP_UNIX_RECVMSG: case XV_BPF_CGROUP_UNIX_GETPEERNAME:
	case XV_BPF_CGROUP_UNIX_GETSOCKNAME:
		return true;
	}
	return false;
}

/* Attach types whose target is a network device by ifindex, not an fd. */
static bool is_ifindex_type(uint32_t t)
{
	return t == XV_BPF_XDP || t == XV_BPF_TCX_INGRESS || t == XV_BPF_TCX_EGRESS ||
	       t == XV_BPF_NETKIT_PRIMARY || t == XV_BPF_NETKIT_PEER;
}


/* ---- union selectors --------------------------------------------------- */

/* The field is in the layout but an extra renders it (see below). */
static bool rendered_by_extra(const struct bpf_call *c __maybe_unused)
{
	return false;
}

/* PROG_ATTACH/PROG_DETACH: attach_type at 8, attach_flags at 12. */
static bool attach_by_ifindex(const struct bpf_call *c)
{
	return is_ifindex_type(bpf_attr_get(c, ATTR_PROG_ATTACH_attach_type, 4));
}

static bool attach_by_fd(const struct bpf_call *c)
{
	return !attach_by_ifindex(c);
}

static bool attach_relative_id(const struct bpf_call *c)
{
	return bpf_attr_get(c, ATTR_PROG_ATTACH_attach_flags, 4) & XV_BPF_F_ID;
}

static bool attach_relative_fd(const struct bpf_call *c)
{
	return !attach_relative_id(c);
}

/* PROG_QUERY: query.attach_type at 4. */
static bool query_by_ifindex(const struct bpf_call *c)
{
	return is_ifindex_type(bpf_attr_get(c, ATTR_QUERY_attach_type, 4));
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

static uint32_t link_attach_type(const struct bpf_call *c)
{
	return bpf_attr_get(c, ATTR_LINK_CREATE_attach_type, 4);
}

enum bpf_link_arm bpf_link_arm_of(uint32_t t)
{
	switch (t) {
	case XV_BPF_TRACE_ITER:
		return BPF_LINK_ARM_ITER;
	case XV_BPF_PERF_EVENT:
		return BPF_LINK_ARM_PERF_EVENT;
	case XV_BPF_TRACE_KPROBE_MULTI:
	case XV_BPF_TRACE_KPROBE_SESSION:
		return BPF_LINK_ARM_KPROBE_MULTI;
	case XV_BPF_TRACE_RAW_TP:
	case XV_BPF_TRACE_FENTRY:
	case XV_BPF_TRACE_FEXIT:
	case XV_BPF_MODIFY_RETURN:
	case XV_BPF_LSM_MAC:
	case XV_BPF_TRACE_FSESSION:
		return BPF_LINK_ARM_TRACING;
	case XV_BPF_NETFILTER:
		return BPF_LINK_ARM_NETFILTER;
	case XV_BPF_TCX_INGRESS:
	case XV_BPF_TCX_EGRESS:
		return BPF_LINK_ARM_TCX;
	case XV_BPF_NETKIT_PRIMARY:
	case XV_BPF_NETKIT_PEER:
		return BPF_LINK_ARM_NETKIT;
	case XV_BPF_TRACE_UPROBE_MULTI:
	case XV_BPF_TRACE_UPROBE_SESSION:
		return BPF_LINK_ARM_UPROBE_MULTI;
	case XV_BPF_TRACE_FENTRY_MULTI:
	case XV_BPF_TRACE_FEXIT_MULTI:
	case XV_BPF_TRACE_FSESSION_MULTI:
		return BPF_LINK_ARM_TRACING_MULTI;
	}
	return bpf_attach_type_is_cgroup(t) ? BPF_LINK_ARM_CGROUP : BPF_LINK_ARM_TARGET_BTF_ID;
}

static enum bpf_link_arm link_arm(const struct bpf_call *c)
{
	return bpf_link_arm_of(link_attach_type(c));
}

#define LINK_ARM_PRED(fn, arm) \
	static bool fn(const struct bpf_call *c) \
	{ return link_arm(c) == (arm); }

LINK_ARM_PRED(lc_target_btf_id, BPF_LINK_ARM_TARGET_BTF_ID)
LINK_ARM_PRED(lc_iter, BPF_LINK_ARM_ITER)
LINK_ARM_PRED(lc_perf_event, BPF_LINK_ARM_PERF_EVENT)
LINK_ARM_PRED(lc_kprobe_multi, BPF_LINK_ARM_KPROBE_MULTI)
LINK_ARM_PRED(lc_tracing, BPF_LINK_ARM_TRACING)
LINK_ARM_PRED(lc_netfilter, BPF_LINK_ARM_NETFILTER)
LINK_ARM_PRED(lc_uprobe_multi, BPF_LINK_ARM_UPROBE_MULTI)
LINK_ARM_PRED(lc_tracing_multi, BPF_LINK_ARM_TRACING_MULTI)

/* tcx, netkit and cgroup links share relative_fd/relative_id: BPF_F_ID in
 * link_create.flags (offset 12) says which. */
static bool link_relative_id(const struct bpf_call *c)
{
	return bpf_attr_get(c, ATTR_LINK_CREATE_flags, 4) & XV_BPF_F_ID;
}

#define LINK_REL_PRED(fn, arm, want_id) \
	static bool fn(const struct bpf_call *c) \
	{ return link_arm(c) == (arm) && link_relative_id(c) == (want_id); }

LINK_ARM_PRED(lc_tcx, BPF_LINK_ARM_TCX)
LINK_REL_PRED(lc_tcx_rel_fd, BPF_LINK_ARM_TCX, false)
LINK_REL_PRED(lc_tcx_rel_id, BPF_LINK_ARM_TCX, true)
LINK_ARM_PRED(lc_netkit, BPF_LINK_ARM_NETKIT)
LINK_REL_PRED(lc_netkit_rel_fd, BPF_LINK_ARM_NETKIT, false)
LINK_REL_PRED(lc_netkit_rel_id, BPF_LINK_ARM_NETKIT, true)
LINK_ARM_PRED(lc_cgroup, BPF_LINK_ARM_CGROUP)
LINK_REL_PRED(lc_cgroup_rel_fd, BPF_LINK_ARM_CGROUP, false)
LINK_REL_PRED(lc_cgroup_rel_id, BPF_LINK_ARM_CGROUP, true)

static bool lc_struct_ops(const struct bpf_call *c)
{
	return link_attach_type(c) == XV_BPF_STRUCT_OPS;
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
	return link_attach_type(c) == XV_BPF_XDP;
}

static bool lc_not_xdp(const struct bpf_call *c)
{
	return !lc_xdp(c);
}

/* ---- extras ------------------------------------------------------------ */

#define ELEM_MODE_MASK 0x3ull          /* BPF_ANY, BPF_NOEXIST, BPF_EXIST */

/*
 * Element flags: the low two bits are one of BPF_ANY/NOEXIST/EXIST, the
 * rest single-bit flags, so 0 reads "BPF_ANY" and 5 "BPF_NOEXIST|BPF_F_LOCK".
 * With BPF_F_CPU the upper half is a CPU number, rendered as "cpu".
 */
void render_elem_flags(struct jsonw *w, const char *key, uint64_t v)
{
	const struct xlat *x = &xlat_bpf_elem_flags;
	uint64_t rest = v & ~ELEM_MODE_MASK;
	const char *mode = xlat_name(x, v & ELEM_MODE_MASK);
	size_t i;

	if (v & XV_BPF_F_CPU)
		rest &= 0xffffffffull;
	if (mode && !rest && !(v & XV_BPF_F_CPU)) {
		/* a mode alone (most calls): its name, a C identifier, as is */
		jw_plain(w, key, mode, strlen(mode));
		return;
	}

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
		jw_str_part(w, xlat_entry_name(x, &x->e[i]));
		rest &= ~bit;
	}
	if (rest) {
		jw_str_part(w, "|");
		jw_str_hex_part(w, rest);
	}
	jw_str_end(w);

	if (v & XV_BPF_F_CPU)
		jw_u64(w, "cpu", v >> 32);
}

/* MAP_*_ELEM and MAP_GET_NEXT_KEY: flags at 24. */
static void elem_in_extra(struct jsonw *w, const struct bpf_call *c,
			  const struct decode_opts *o __maybe_unused)
{
	if (bpf_attr_has(c, ATTR_MAP_ELEM_flags, 8))
		render_elem_flags(w, "flags", bpf_attr_get(c, ATTR_MAP_ELEM_flags, 8));
	/* payload the shim captured before the call (bpf_data.c) */
	render_blob_typed(w, "key", c, BLOB_KEY, o);
	render_blob_typed(w, "value", c, BLOB_VALUE, o);
}

/* LOOKUP, LOOKUP_AND_DELETE: the value the kernel wrote. */
static void elem_value_out_extra(struct jsonw *w, const struct bpf_call *c,
				 const struct decode_opts *o __maybe_unused)
{
	render_blob_typed(w, "value", c, BLOB_VALUE, o);
}

/* GET_NEXT_KEY: the key the kernel wrote. */
static void next_key_out_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o __maybe_unused)
{
	render_blob_typed(w, "next_key", c, BLOB_NEXT_KEY, o);
}

/* Inputs only: a LOOKUP's value blob is an output, captured after. */
static void lookup_in_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o __maybe_unused)
{
	if (bpf_attr_has(c, ATTR_MAP_ELEM_flags, 8))
		render_elem_flags(w, "flags", bpf_attr_get(c, ATTR_MAP_ELEM_flags, 8));
	render_blob_typed(w, "key", c, BLOB_KEY, o);
}

/* MAP_*_BATCH: batch.elem_flags at 40. */
static void batch_in_extra(struct jsonw *w, const struct bpf_call *c,
			   const struct decode_opts *o __maybe_unused)
{
	if (bpf_attr_has(c, ATTR_BATCH_elem_flags, 8))
		render_elem_flags(w, "elem_flags", bpf_attr_get(c, ATTR_BATCH_elem_flags, 8));
	/* UPDATE/DELETE_BATCH: the elements handed in (bpf_data.c) */
	render_blob(w, "in_batch_data", c, BLOB_IN_BATCH);
	if (c->cmd == XV_BPF_MAP_UPDATE_BATCH || c->cmd == XV_BPF_MAP_DELETE_BATCH) {
		render_blob(w, "keys_data", c, BLOB_KEYS);
		render_blob(w, "values_data", c, BLOB_VALUES);
	}
}

/* LOOKUP(_AND_DELETE)_BATCH: the elements the kernel copied out. */
static void batch_out_extra(struct jsonw *w, const struct bpf_call *c,
			    const struct decode_opts *o __maybe_unused)
{
	if (c->cmd == XV_BPF_MAP_LOOKUP_BATCH || c->cmd == XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH) {
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
	render_call_log(w, c, o, bpf_attr_get(c, ATTR_PROG_LOAD_log_buf, 8),
			bpf_attr_get(c, ATTR_PROG_LOAD_log_size, 4), bpf_attr_get(c, ATTR_PROG_LOAD_log_level, 4));
}

/* PROG_LOAD: the program's identity, insn_cnt (4) instructions of 8
 * bytes at insns (8): equal digests, equal programs. */
static void prog_load_in_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o)
{
	if (bpf_attr_has(c, ATTR_PROG_LOAD_insns, 8))
		render_digest(w, "insns_digest", bpf_attr_get(c, ATTR_PROG_LOAD_insns, 8),
			      bpf_attr_get(c, ATTR_PROG_LOAD_insn_cnt, 4) * 8ull, o);
	if (o->insns && bpf_attr_has(c, ATTR_PROG_LOAD_insns, 8))
		render_insns(w, "insns_decoded", bpf_attr_get(c, ATTR_PROG_LOAD_insns, 8),
			     (uint32_t)bpf_attr_get(c, ATTR_PROG_LOAD_insn_cnt, 4), o);
	/* fd_array (120) with fd_array_cnt (148, 6.14+): the fds it holds */
	if (bpf_attr_has(c, ATTR_PROG_LOAD_fd_array_cnt, 4))
		render_fd_array(w, "fd_array_data", bpf_attr_get(c, ATTR_PROG_LOAD_fd_array, 8),
				(uint32_t)bpf_attr_get(c, ATTR_PROG_LOAD_fd_array_cnt, 4), o);
}

/* BTF_LOAD: btf_size (16) bytes of BTF at btf (0). */
static void btf_load_in_extra(struct jsonw *w, const struct bpf_call *c,
			      const struct decode_opts *o)
{
	if (bpf_attr_has(c, ATTR_BTF_LOAD_btf_size, 4))
		render_digest(w, "btf_digest", bpf_attr_get(c, ATTR_BTF_LOAD_btf, 8),
			      bpf_attr_get(c, ATTR_BTF_LOAD_btf_size, 4), o);
}

/* BTF_LOAD: btf_log_buf 8, btf_log_size 20, btf_log_level 24. */
static void btf_load_out_extra(struct jsonw *w, const struct bpf_call *c,
			       const struct decode_opts *o)
{
	render_call_log(w, c, o, bpf_attr_get(c, ATTR_BTF_LOAD_btf_log_buf, 8),
			bpf_attr_get(c, ATTR_BTF_LOAD_btf_log_size, 4), bpf_attr_get(c, ATTR_BTF_LOAD_btf_log_level, 4));
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

	if (lc_kprobe_multi(c) && bpf_attr_has(c, ATTR_LINK_CREATE_kprobe_multi_cookies, 8)) {
		cnt = (uint32_t)bpf_attr_get(c, ATTR_LINK_CREATE_kprobe_multi_cnt, 4);
		jw_obj_open(w, "kprobe_multi_data");
		render_str_array(w, "syms", bpf_attr_get(c, ATTR_LINK_CREATE_kprobe_multi_syms, 8), cnt, o);
		render_u64_array(w, "addrs", bpf_attr_get(c, ATTR_LINK_CREATE_kprobe_multi_addrs, 8), cnt, 8, true, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, ATTR_LINK_CREATE_kprobe_multi_cookies, 8), cnt, 8, true, o);
		jw_obj_close(w);
	} else if (lc_uprobe_multi(c) && bpf_attr_has(c, ATTR_LINK_CREATE_uprobe_multi_cnt, 4)) {
		cnt = (uint32_t)bpf_attr_get(c, ATTR_LINK_CREATE_uprobe_multi_cnt, 4);
		jw_obj_open(w, "uprobe_multi_data");
		render_u64_array(w, "offsets", bpf_attr_get(c, ATTR_LINK_CREATE_uprobe_multi_offsets, 8), cnt, 8, true, o);
		render_u64_array(w, "ref_ctr_offsets", bpf_attr_get(c, ATTR_LINK_CREATE_uprobe_multi_ref_ctr_offsets, 8), cnt, 8, true, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, ATTR_LINK_CREATE_uprobe_multi_cookies, 8), cnt, 8, true, o);
		jw_obj_close(w);
	} else if (lc_tracing_multi(c) && bpf_attr_has(c, ATTR_LINK_CREATE_tracing_multi_cnt, 4)) {
		cnt = (uint32_t)bpf_attr_get(c, ATTR_LINK_CREATE_tracing_multi_cnt, 4);
		jw_obj_open(w, "tracing_multi_data");
		render_u64_array(w, "ids", bpf_attr_get(c, ATTR_LINK_CREATE_tracing_multi_ids, 8), cnt, 4, false, o);
		render_u64_array(w, "cookies", bpf_attr_get(c, ATTR_LINK_CREATE_tracing_multi_cookies, 8), cnt, 8, true, o);
		jw_obj_close(w);
	}
}

/* ---- field tables ------------------------------------------------------ */

static const struct bpf_field map_create_fields[] = {
	ENUM("map_type", ATTR_MAP_CREATE_map_type, FF_IN, bpf_map_type, "3.18"),
	U32("key_size", ATTR_MAP_CREATE_key_size, FF_IN, "3.18"),
	U32("value_size", ATTR_MAP_CREATE_value_size, FF_IN, "3.18"),
	U32("max_entries", ATTR_MAP_CREATE_max_entries, FF_IN, "3.18"),
	FLAGS32("map_flags", ATTR_MAP_CREATE_map_flags, FF_IN, bpf_map_flags, "4.6"),
	FD("inner_map_fd", ATTR_MAP_CREATE_inner_map_fd, FF_IN, "4.12"),
	U32("numa_node", ATTR_MAP_CREATE_numa_node, FF_IN, "4.14"),
	CHARS("map_name", ATTR_MAP_CREATE_map_name, 16, FF_IN, "4.15"),
	U32("map_ifindex", ATTR_MAP_CREATE_map_ifindex, FF_IN, "4.16"),
	FD("btf_fd", ATTR_MAP_CREATE_btf_fd, FF_IN, "4.18"),
	U32("btf_key_type_id", ATTR_MAP_CREATE_btf_key_type_id, FF_IN, "4.18"),
	U32("btf_value_type_id", ATTR_MAP_CREATE_btf_value_type_id, FF_IN, "4.18"),
	U32("btf_vmlinux_value_type_id", ATTR_MAP_CREATE_btf_vmlinux_value_type_id, FF_IN, "5.6"),
	U64("map_extra", ATTR_MAP_CREATE_map_extra, FF_IN, "5.16"),
	FD("value_type_btf_obj_fd", ATTR_MAP_CREATE_value_type_btf_obj_fd, FF_IN, "6.9"),
	FD("map_token_fd", ATTR_MAP_CREATE_map_token_fd, FF_IN, "6.9"),
	PTR("excl_prog_hash", ATTR_MAP_CREATE_excl_prog_hash, FF_IN, ""),
	U32("excl_prog_hash_size", ATTR_MAP_CREATE_excl_prog_hash_size, FF_IN, ""),
};

/*
 * The element commands share one struct: map_fd 0, key 8, value/next_key
 * 16 (a union), flags 24.  flags goes through render_elem_flags().  What
 * key and value point to is the command's: a key a call may overwrite is
 * read before it (the caller may pass one buffer for key and value, as
 * bpftool's map dump does for key and next_key).
 */
#define ELEM_MAP_FD FD("map_fd", ATTR_MAP_ELEM_map_fd, FF_IN, "3.18")
#define ELEM_FLAGS FLAGS64("flags", ATTR_MAP_ELEM_flags, FF_IN, bpf_elem_flags, "3.18", \
			   .when = rendered_by_extra)

/* LOOKUP, LOOKUP_AND_DELETE: a key in, the value the kernel wrote out. */
static const struct bpf_field map_lookup_elem_fields[] = {
	ELEM_MAP_FD,
	PTR("key", ATTR_MAP_ELEM_key, FF_IN, "3.18", TO_KEY(IN_EARLY, BLOB_KEY)),
	PTR("value", ATTR_MAP_ELEM_value, FF_IN, "3.18", TO_VALUE(OUT, BLOB_VALUE)),
	ELEM_FLAGS,
};

static const struct bpf_field map_update_elem_fields[] = {
	ELEM_MAP_FD,
	PTR("key", ATTR_MAP_ELEM_key, FF_IN, "3.18", TO_KEY(IN, BLOB_KEY)),
	PTR("value", ATTR_MAP_ELEM_value, FF_IN, "3.18", TO_VALUE(IN, BLOB_VALUE)),
	ELEM_FLAGS,
};

/* The kernel ignores value and rejects flags (last field: key); flags is
 * still shown when the size covers it. */
static const struct bpf_field map_delete_elem_fields[] = {
	ELEM_MAP_FD,
	PTR("key", ATTR_MAP_ELEM_key, FF_IN, "3.18", TO_KEY(IN, BLOB_KEY)),
	ELEM_FLAGS,
};

static const struct bpf_field map_get_next_key_fields[] = {
	ELEM_MAP_FD,
	PTR("key", ATTR_MAP_ELEM_key, FF_IN, "3.18", TO_KEY(IN_EARLY, BLOB_KEY)),
	PTR("next_key", ATTR_MAP_ELEM_next_key, FF_IN, "3.18", TO_KEY(OUT, BLOB_NEXT_KEY)),
	ELEM_FLAGS,
};

static const struct bpf_field map_freeze_fields[] = {
	FD("map_fd", ATTR_MAP_ELEM_map_fd, FF_IN, "5.2"),
};

static const struct bpf_field prog_load_fields[] = {
	ENUM("prog_type", ATTR_PROG_LOAD_prog_type, FF_IN, bpf_prog_type, "3.18"),
	U32("insn_cnt", ATTR_PROG_LOAD_insn_cnt, FF_IN, "3.18"),
	/* digested whole (insns_digest), decoded with --insns */
	PTR("insns", ATTR_PROG_LOAD_insns, FF_IN, "3.18", TO_BYTES(ATTR_PROG_LOAD_insn_cnt, 8, IN, DIGEST)),
	STR("license", ATTR_PROG_LOAD_license, FF_IN, "3.18"),
	FLAGS32("log_level", ATTR_PROG_LOAD_log_level, FF_IN, bpf_log_level, "3.18"),
	U32("log_size", ATTR_PROG_LOAD_log_size, FF_IN, "3.18"),
	PTR("log_buf", ATTR_PROG_LOAD_log_buf, FF_IN, "3.18",
	    TO_BYTES(ATTR_PROG_LOAD_log_size, 1, OUT_ANY, LOG_STR)),
	KVER("kern_version", ATTR_PROG_LOAD_kern_version, FF_IN, "4.1"),
	FLAGS32("prog_flags", ATTR_PROG_LOAD_prog_flags, FF_IN, bpf_prog_flags, "4.12"),
	CHARS("prog_name", ATTR_PROG_LOAD_prog_name, 16, FF_IN, "4.15"),
	U32("prog_ifindex", ATTR_PROG_LOAD_prog_ifindex, FF_IN, "4.15"),
	ENUM("expected_attach_type", ATTR_PROG_LOAD_expected_attach_type, FF_IN, bpf_attach_type, "4.17"),
	FD("prog_btf_fd", ATTR_PROG_LOAD_prog_btf_fd, FF_IN, "5.0"),
	/* The kernel overwrites the two *_rec_size fields only on E2BIG,
	 * to tell its own record size; they are inputs otherwise. */
	U32("func_info_rec_size", ATTR_PROG_LOAD_func_info_rec_size, FF_IN, "5.0"),
	PTR("func_info", ATTR_PROG_LOAD_func_info, FF_IN, "5.0"),
	U32("func_info_cnt", ATTR_PROG_LOAD_func_info_cnt, FF_IN, "5.0"),
	U32("line_info_rec_size", ATTR_PROG_LOAD_line_info_rec_size, FF_IN, "5.0"),
	PTR("line_info", ATTR_PROG_LOAD_line_info, FF_IN, "5.0"),
	U32("line_info_cnt", ATTR_PROG_LOAD_line_info_cnt, FF_IN, "5.0"),
	U32("attach_btf_id", ATTR_PROG_LOAD_attach_btf_id, FF_IN, "5.5"),
	/* A union with attach_btf_obj_fd (5.11); only the kernel can tell
	 * which from the kind of fd, so the older name is used. */
	FD("attach_prog_fd", ATTR_PROG_LOAD_attach_prog_fd, FF_IN, "5.5"),
	U32("core_relo_cnt", ATTR_PROG_LOAD_core_relo_cnt, FF_IN, "5.17"),
	/* read when fd_array_cnt (6.14) says how long it is */
	PTR("fd_array", ATTR_PROG_LOAD_fd_array, FF_IN, "5.14",
	    TO_BYTES(ATTR_PROG_LOAD_fd_array_cnt, 4, IN, ARRAY)),
	PTR("core_relos", ATTR_PROG_LOAD_core_relos, FF_IN, "5.17"),
	U32("core_relo_rec_size", ATTR_PROG_LOAD_core_relo_rec_size, FF_IN, "5.17"),
	U32("log_true_size", ATTR_PROG_LOAD_log_true_size, FF_OUT, "6.4"),
	FD("prog_token_fd", ATTR_PROG_LOAD_prog_token_fd, FF_IN, "6.9"),
	U32("fd_array_cnt", ATTR_PROG_LOAD_fd_array_cnt, FF_IN, "6.14"),
	PTR("signature", ATTR_PROG_LOAD_signature, FF_IN, ""),
	U32("signature_size", ATTR_PROG_LOAD_signature_size, FF_IN, ""),
	S32("keyring_id", ATTR_PROG_LOAD_keyring_id, FF_IN, ""),
};

/* OBJ_PIN and OBJ_GET (bpf_fd must be 0 for OBJ_GET). */
static const struct bpf_field obj_fields[] = {
	STR("pathname", ATTR_OBJ_pathname, FF_IN, "4.4"),
	FD("bpf_fd", ATTR_OBJ_bpf_fd, FF_IN, "4.4"),
	FLAGS32("file_flags", ATTR_OBJ_file_flags, FF_IN, bpf_file_flags, "4.15"),
	FD("path_fd", ATTR_OBJ_path_fd, FF_IN, "6.5"),
};

/* PROG_ATTACH and PROG_DETACH. */
static const struct bpf_field prog_attach_fields[] = {
	FD("target_fd", ATTR_PROG_ATTACH_target_fd, FF_IN, "4.10", .when = attach_by_fd),
	U32("target_ifindex", ATTR_PROG_ATTACH_target_ifindex, FF_IN, "6.6", .when = attach_by_ifindex),
	FD("attach_bpf_fd", ATTR_PROG_ATTACH_attach_bpf_fd, FF_IN, "4.10"),
	ENUM("attach_type", ATTR_PROG_ATTACH_attach_type, FF_IN, bpf_attach_type, "4.10"),
	FLAGS32("attach_flags", ATTR_PROG_ATTACH_attach_flags, FF_IN, bpf_attach_flags, "4.10"),
	FD("replace_bpf_fd", ATTR_PROG_ATTACH_replace_bpf_fd, FF_IN, "5.6"),
	FD("relative_fd", ATTR_PROG_ATTACH_relative_fd, FF_IN, "6.6", .when = attach_relative_fd),
	ID("relative_id", ATTR_PROG_ATTACH_relative_id, FF_IN, "6.6", .when = attach_relative_id),
	U64("expected_revision", ATTR_PROG_ATTACH_expected_revision, FF_IN, "6.6"),
};

static const struct bpf_field prog_test_run_fields[] = {
	FD("prog_fd", ATTR_TEST_prog_fd, FF_IN, "4.12"),
	U32("retval", ATTR_TEST_retval, FF_OUT, "4.12"),
	U32("data_size_in", ATTR_TEST_data_size_in, FF_IN, "4.12"),
	U32("data_size_out", ATTR_TEST_data_size_out, FF_INOUT, "4.12"),
	PTR("data_in", ATTR_TEST_data_in, FF_IN, "4.12"),
	PTR("data_out", ATTR_TEST_data_out, FF_IN, "4.12",
	    TO_BYTES(ATTR_TEST_data_size_out, 1, OUT_ANY, DATA)),
	U32("repeat", ATTR_TEST_repeat, FF_IN, "4.12"),
	U32("duration", ATTR_TEST_duration, FF_OUT, "4.12"),
	U32("ctx_size_in", ATTR_TEST_ctx_size_in, FF_IN, "5.2"),
	U32("ctx_size_out", ATTR_TEST_ctx_size_out, FF_INOUT, "5.2"),
	PTR("ctx_in", ATTR_TEST_ctx_in, FF_IN, "5.2"),
	PTR("ctx_out", ATTR_TEST_ctx_out, FF_IN, "5.2",
	    TO_BYTES(ATTR_TEST_ctx_size_out, 1, OUT_ANY, DATA)),
	FLAGS32("flags", ATTR_TEST_flags, FF_IN, bpf_test_run_flags, "5.10"),
	U32("cpu", ATTR_TEST_cpu, FF_IN, "5.10"),
	U32("batch_size", ATTR_TEST_batch_size, FF_IN, "5.18"),
};

/* The four *_GET_NEXT_ID commands. */
static const struct bpf_field get_next_id_fields[] = {
	ID("start_id", ATTR_GET_ID_start_id, FF_IN, "4.13"),
	ID("next_id", ATTR_GET_ID_next_id, FF_OUT | FF_PAST_SIZE, "4.13"),
};

/* *_GET_FD_BY_ID: the id, then open_flags at 8 (next_id at 4 is unused). */
static const struct bpf_field prog_get_fd_by_id_fields[] = {
	ID("prog_id", ATTR_GET_ID_prog_id, FF_IN, "4.13"),
	FLAGS32("open_flags", ATTR_GET_ID_open_flags, FF_IN, bpf_open_flags, "4.15"),
};

static const struct bpf_field map_get_fd_by_id_fields[] = {
	ID("map_id", ATTR_GET_ID_map_id, FF_IN, "4.13"),
	FLAGS32("open_flags", ATTR_GET_ID_open_flags, FF_IN, bpf_open_flags, "4.15"),
};

static const struct bpf_field btf_get_fd_by_id_fields[] = {
	ID("btf_id", ATTR_GET_ID_btf_id, FF_IN, "4.18"),
	FLAGS32("open_flags", ATTR_GET_ID_open_flags, FF_IN, bpf_btf_flags, "4.18"),
	FD("fd_by_id_token_fd", ATTR_GET_ID_fd_by_id_token_fd, FF_IN, ""),
};

static const struct bpf_field link_get_fd_by_id_fields[] = {
	ID("link_id", ATTR_GET_ID_link_id, FF_IN, "5.8"),
	FLAGS32("open_flags", ATTR_GET_ID_open_flags, FF_IN, bpf_open_flags, "5.8"),
};

static const struct bpf_field obj_get_info_by_fd_fields[] = {
	FD("bpf_fd", ATTR_INFO_bpf_fd, FF_IN, "4.13"),
	U32("info_len", ATTR_INFO_info_len, FF_INOUT, "4.13"),
	/* before the call: the array capacities the kernel overwrites */
	PTR("info", ATTR_INFO_info, FF_IN, "4.13",
	    TO(COUNT, ATTR_INFO_info_len, 1, INOUT, INFO, BLOB_INFO_IN)),
};

static const struct bpf_field prog_query_fields[] = {
	FD("target_fd", ATTR_QUERY_target_fd, FF_IN, "4.15", .when = query_by_fd),
	U32("target_ifindex", ATTR_QUERY_target_ifindex, FF_IN, "6.6", .when = query_by_ifindex),
	ENUM("attach_type", ATTR_QUERY_attach_type, FF_IN, bpf_attach_type, "4.15"),
	FLAGS32("query_flags", ATTR_QUERY_query_flags, FF_IN, bpf_query_flags, "4.15"),
	FLAGS32("attach_flags", ATTR_QUERY_attach_flags, FF_OUT, bpf_attach_flags, "4.15"),
	PTR("prog_ids", ATTR_QUERY_prog_ids, FF_IN, "4.15", TO_BYTES(ATTR_QUERY_prog_cnt, 4, OUT, ARRAY)),
	/* A union with "count" (6.6), the same capacity-in/total-out. */
	U32("prog_cnt", ATTR_QUERY_prog_cnt, FF_INOUT, "4.15"),
	PTR("prog_attach_flags", ATTR_QUERY_prog_attach_flags, FF_IN, "6.0",
	    TO_BYTES(ATTR_QUERY_prog_cnt, 4, OUT, ARRAY)),
	PTR("link_ids", ATTR_QUERY_link_ids, FF_IN, "6.6", TO_BYTES(ATTR_QUERY_prog_cnt, 4, OUT, ARRAY)),
	PTR("link_attach_flags", ATTR_QUERY_link_attach_flags, FF_IN, "6.6",
	    TO_BYTES(ATTR_QUERY_prog_cnt, 4, OUT, ARRAY)),
	U64("revision", ATTR_QUERY_revision, FF_OUT, "6.6"),
};

static const struct bpf_field raw_tracepoint_open_fields[] = {
	STR("name", ATTR_RAW_TP_name, FF_IN, "4.17"),
	FD("prog_fd", ATTR_RAW_TP_prog_fd, FF_IN, "4.17"),
	HEX64("cookie", ATTR_RAW_TP_cookie, FF_IN, "6.10"),
};

static const struct bpf_field btf_load_fields[] = {
	PTR("btf", ATTR_BTF_LOAD_btf, FF_IN, "4.18", TO_BYTES(ATTR_BTF_LOAD_btf_size, 1, IN, DIGEST)),
	PTR("btf_log_buf", ATTR_BTF_LOAD_btf_log_buf, FF_IN, "4.18",
	    TO_BYTES(ATTR_BTF_LOAD_btf_log_size, 1, OUT_ANY, LOG_STR)),
	U32("btf_size", ATTR_BTF_LOAD_btf_size, FF_IN, "4.18"),
	U32("btf_log_size", ATTR_BTF_LOAD_btf_log_size, FF_IN, "4.18"),
	FLAGS32("btf_log_level", ATTR_BTF_LOAD_btf_log_level, FF_IN, bpf_log_level, "4.18"),
	U32("btf_log_true_size", ATTR_BTF_LOAD_btf_log_true_size, FF_OUT, "6.4"),
	FLAGS32("btf_flags", ATTR_BTF_LOAD_btf_flags, FF_IN, bpf_btf_flags, "6.9"),
	FD("btf_token_fd", ATTR_BTF_LOAD_btf_token_fd, FF_IN, "6.9"),
};

static const struct bpf_field task_fd_query_fields[] = {
	U32("pid", ATTR_TASK_FD_QUERY_pid, FF_IN, "4.18"),
	FD("fd", ATTR_TASK_FD_QUERY_fd, FF_IN, "4.18"),
	NOFLAGS32("flags", ATTR_TASK_FD_QUERY_flags, FF_IN, "4.18"),
	U32("buf_len", ATTR_TASK_FD_QUERY_buf_len, FF_INOUT, "4.18"),
	PTR("buf", ATTR_TASK_FD_QUERY_buf, FF_IN, "4.18",
	    TO_BYTES(ATTR_TASK_FD_QUERY_buf_len, 1, OUT_ANY, STR)),
	ID("prog_id", ATTR_TASK_FD_QUERY_prog_id, FF_OUT, "4.18"),
	ENUM("fd_type", ATTR_TASK_FD_QUERY_fd_type, FF_OUT, bpf_task_fd_type, "4.18"),
	HEX64("probe_offset", ATTR_TASK_FD_QUERY_probe_offset, FF_OUT, "4.18"),
	HEX64("probe_addr", ATTR_TASK_FD_QUERY_probe_addr, FF_OUT, "4.18"),
};

/*
 * The four MAP_*_BATCH commands share one struct; elem_flags goes through
 * render_elem_flags().  What its pointers point to is the command's:
 * count keys and values (count: the capacity in, how many out), a cursor
 * in (in_batch) and, for lookups, the next one out (out_batch).
 */
#define BATCH_FIELDS(in_to, out_to, keys_to, values_to) \
	PTR("in_batch", ATTR_BATCH_in_batch, FF_IN, "5.6", in_to), \
	PTR("out_batch", ATTR_BATCH_out_batch, FF_IN, "5.6", out_to), \
	PTR("keys", ATTR_BATCH_keys, FF_IN, "5.6", keys_to), \
	PTR("values", ATTR_BATCH_values, FF_IN, "5.6", values_to), \
	U32("count", ATTR_BATCH_count, FF_INOUT, "5.6"), \
	FD("map_fd", ATTR_BATCH_map_fd, FF_IN, "5.6"), \
	FLAGS64("elem_flags", ATTR_BATCH_elem_flags, FF_IN, bpf_elem_flags, "5.6", \
		.when = rendered_by_extra), \
	NOFLAGS64("flags", ATTR_BATCH_flags, FF_IN, "5.6")

/* LOOKUP, LOOKUP_AND_DELETE: the elements the kernel copied out, also
 * with the ENOENT that ends the walk; in_batch may be out_batch. */
static const struct bpf_field map_lookup_batch_fields[] = {
	BATCH_FIELDS(TO_CURSOR(IN_EARLY, BLOB_IN_BATCH), TO_CURSOR(OUT_ENOENT, BLOB_OUT_BATCH),
		     TO_KEYS(ATTR_BATCH_count, OUT_ENOENT, BLOB_KEYS),
		     TO_VALUES(ATTR_BATCH_count, OUT_ENOENT, BLOB_VALUES)),
};

static const struct bpf_field map_update_batch_fields[] = {
	BATCH_FIELDS(TO_CURSOR(IN, BLOB_IN_BATCH), /* unused */,
		     TO_KEYS(ATTR_BATCH_count, IN, BLOB_KEYS),
		     TO_VALUES(ATTR_BATCH_count, IN, BLOB_VALUES)),
};

static const struct bpf_field map_delete_batch_fields[] = {
	BATCH_FIELDS(TO_CURSOR(IN, BLOB_IN_BATCH), /* unused */,
		     TO_KEYS(ATTR_BATCH_count, IN, BLOB_KEYS), /* unused */),
};

/*
 * LINK_CREATE.  Offsets 0..15 are common; from 16 on the union arm depends
 * on attach_type (see link_arm()).  Fields of one arm stay together and in
 * offset order: the walker nests them under the arm's name.
 */
static const struct bpf_field link_create_fields[] = {
	FD("prog_fd", ATTR_LINK_CREATE_prog_fd, FF_IN, "5.7", .when = lc_prog),
	FD("map_fd", ATTR_LINK_CREATE_map_fd, FF_IN, "6.4", .when = lc_struct_ops),
	FD("target_fd", ATTR_LINK_CREATE_target_fd, FF_IN, "5.7", .when = lc_by_fd),
	U32("target_ifindex", ATTR_LINK_CREATE_target_ifindex, FF_IN, "5.9", .when = lc_by_ifindex),
	ENUM("attach_type", ATTR_LINK_CREATE_attach_type, FF_IN, bpf_attach_type, "5.7"),
	FLAGS32("flags", ATTR_LINK_CREATE_flags, FF_IN, bpf_attach_flags, "5.7",
		.when = lc_not_xdp),
	FLAGS32("flags", ATTR_LINK_CREATE_flags, FF_IN, bpf_xdp_flags, "5.9", .when = lc_xdp),

	U32("target_btf_id", ATTR_LINK_CREATE_target_btf_id, FF_IN, "5.10", .when = lc_target_btf_id),

	/* BPF_TRACE_ITER: iter_info overlays target_btf_id. */
	PTR("iter_info", ATTR_LINK_CREATE_iter_info, FF_IN, "5.9", .when = lc_iter),
	U32("iter_info_len", ATTR_LINK_CREATE_iter_info_len, FF_IN, "5.9", .when = lc_iter),

	HEX64("perf_event.bpf_cookie", ATTR_LINK_CREATE_perf_event_bpf_cookie, FF_IN, "5.15",
	      .when = lc_perf_event),

	FLAGS32("kprobe_multi.flags", ATTR_LINK_CREATE_kprobe_multi_flags, FF_IN, bpf_kprobe_multi_flags,
		"5.18", .when = lc_kprobe_multi),
	U32("kprobe_multi.cnt", ATTR_LINK_CREATE_kprobe_multi_cnt, FF_IN, "5.18", .when = lc_kprobe_multi),
	PTR("kprobe_multi.syms", ATTR_LINK_CREATE_kprobe_multi_syms, FF_IN, "5.18", .when = lc_kprobe_multi,
	    TO_STRS(ATTR_LINK_CREATE_kprobe_multi_cnt)),
	PTR("kprobe_multi.addrs", ATTR_LINK_CREATE_kprobe_multi_addrs, FF_IN, "5.18", .when = lc_kprobe_multi,
	    TO_BYTES(ATTR_LINK_CREATE_kprobe_multi_cnt, 8, IN, ARRAY)),
	PTR("kprobe_multi.cookies", ATTR_LINK_CREATE_kprobe_multi_cookies, FF_IN, "5.18",
	    .when = lc_kprobe_multi, TO_BYTES(ATTR_LINK_CREATE_kprobe_multi_cnt, 8, IN, ARRAY)),

	U32("tracing.target_btf_id", ATTR_LINK_CREATE_tracing_target_btf_id, FF_IN, "5.19", .when = lc_tracing),
	HEX64("tracing.cookie", ATTR_LINK_CREATE_tracing_cookie, FF_IN, "5.19", .when = lc_tracing),

	U32("netfilter.pf", ATTR_LINK_CREATE_netfilter_pf, FF_IN, "6.4", .when = lc_netfilter),
	U32("netfilter.hooknum", ATTR_LINK_CREATE_netfilter_hooknum, FF_IN, "6.4", .when = lc_netfilter),
	S32("netfilter.priority", ATTR_LINK_CREATE_netfilter_priority, FF_IN, "6.4", .when = lc_netfilter),
	FLAGS32("netfilter.flags", ATTR_LINK_CREATE_netfilter_flags, FF_IN, bpf_netfilter_flags, "6.4",
		.when = lc_netfilter),

	FD("tcx.relative_fd", ATTR_LINK_CREATE_tcx_relative_fd, FF_IN, "6.6", .when = lc_tcx_rel_fd),
	ID("tcx.relative_id", ATTR_LINK_CREATE_tcx_relative_id, FF_IN, "6.6", .when = lc_tcx_rel_id),
	U64("tcx.expected_revision", ATTR_LINK_CREATE_tcx_expected_revision, FF_IN, "6.6", .when = lc_tcx),

	STR("uprobe_multi.path", ATTR_LINK_CREATE_uprobe_multi_path, FF_IN, "6.6", .when = lc_uprobe_multi),
	PTR("uprobe_multi.offsets", ATTR_LINK_CREATE_uprobe_multi_offsets, FF_IN, "6.6", .when = lc_uprobe_multi,
	    TO_BYTES(ATTR_LINK_CREATE_uprobe_multi_cnt, 8, IN, ARRAY)),
	PTR("uprobe_multi.ref_ctr_offsets", ATTR_LINK_CREATE_uprobe_multi_ref_ctr_offsets, FF_IN, "6.6",
	    .when = lc_uprobe_multi, TO_BYTES(ATTR_LINK_CREATE_uprobe_multi_cnt, 8, IN, ARRAY)),
	PTR("uprobe_multi.cookies", ATTR_LINK_CREATE_uprobe_multi_cookies, FF_IN, "6.6", .when = lc_uprobe_multi,
	    TO_BYTES(ATTR_LINK_CREATE_uprobe_multi_cnt, 8, IN, ARRAY)),
	U32("uprobe_multi.cnt", ATTR_LINK_CREATE_uprobe_multi_cnt, FF_IN, "6.6", .when = lc_uprobe_multi),
	FLAGS32("uprobe_multi.flags", ATTR_LINK_CREATE_uprobe_multi_flags, FF_IN, bpf_uprobe_multi_flags, "6.6",
		.when = lc_uprobe_multi),
	U32("uprobe_multi.pid", ATTR_LINK_CREATE_uprobe_multi_pid, FF_IN, "6.6", .when = lc_uprobe_multi),
	FD("uprobe_multi.path_fd", ATTR_LINK_CREATE_uprobe_multi_path_fd, FF_IN, "", .when = lc_uprobe_multi),

	FD("netkit.relative_fd", ATTR_LINK_CREATE_netkit_relative_fd, FF_IN, "6.7", .when = lc_netkit_rel_fd),
	ID("netkit.relative_id", ATTR_LINK_CREATE_netkit_relative_id, FF_IN, "6.7", .when = lc_netkit_rel_id),
	U64("netkit.expected_revision", ATTR_LINK_CREATE_netkit_expected_revision, FF_IN, "6.7", .when = lc_netkit),

	FD("cgroup.relative_fd", ATTR_LINK_CREATE_cgroup_relative_fd, FF_IN, "", .when = lc_cgroup_rel_fd),
	ID("cgroup.relative_id", ATTR_LINK_CREATE_cgroup_relative_id, FF_IN, "", .when = lc_cgroup_rel_id),
	U64("cgroup.expected_revision", ATTR_LINK_CREATE_cgroup_expected_revision, FF_IN, "", .when = lc_cgroup),

	PTR("tracing_multi.ids", ATTR_LINK_CREATE_tracing_multi_ids, FF_IN, "", .when = lc_tracing_multi,
	    TO_BYTES(ATTR_LINK_CREATE_tracing_multi_cnt, 4, IN, ARRAY)),
	PTR("tracing_multi.cookies", ATTR_LINK_CREATE_tracing_multi_cookies, FF_IN, "", .when = lc_tracing_multi,
	    TO_BYTES(ATTR_LINK_CREATE_tracing_multi_cnt, 8, IN, ARRAY)),
	U32("tracing_multi.cnt", ATTR_LINK_CREATE_tracing_multi_cnt, FF_IN, "", .when = lc_tracing_multi),
};

/* new_prog_fd/old_prog_fd share their slots with new_map_fd/old_map_fd
 * (struct_ops links, 6.4); which one depends on the link, which the
 * attr does not say, so the program names are used. */
static const struct bpf_field link_update_fields[] = {
	FD("link_fd", ATTR_LINK_UPDATE_link_fd, FF_IN, "5.7"),
	FD("new_prog_fd", ATTR_LINK_UPDATE_new_prog_fd, FF_IN, "5.7"),
	FLAGS32("flags", ATTR_LINK_UPDATE_flags, FF_IN, bpf_link_update_flags, "5.7"),
	FD("old_prog_fd", ATTR_LINK_UPDATE_old_prog_fd, FF_IN, "5.7"),
};

static const struct bpf_field link_detach_fields[] = {
	FD("link_fd", ATTR_LINK_DETACH_link_fd, FF_IN, "5.9"),
};

static const struct bpf_field enable_stats_fields[] = {
	ENUM("type", ATTR_ENABLE_STATS_type, FF_IN, bpf_stats_type, "5.8"),
};

static const struct bpf_field iter_create_fields[] = {
	FD("link_fd", ATTR_ITER_CREATE_link_fd, FF_IN, "5.8"),
	NOFLAGS32("flags", ATTR_ITER_CREATE_flags, FF_IN, "5.8"),
};

static const struct bpf_field prog_bind_map_fields[] = {
	FD("prog_fd", ATTR_PROG_BIND_MAP_prog_fd, FF_IN, "5.10"),
	FD("map_fd", ATTR_PROG_BIND_MAP_map_fd, FF_IN, "5.10"),
	NOFLAGS32("flags", ATTR_PROG_BIND_MAP_flags, FF_IN, "5.10"),
};

static const struct bpf_field token_create_fields[] = {
	NOFLAGS32("flags", ATTR_TOKEN_CREATE_flags, FF_IN, "6.9"),
	FD("bpffs_fd", ATTR_TOKEN_CREATE_bpffs_fd, FF_IN, "6.9"),
};

static const struct bpf_field prog_stream_read_fields[] = {
	/* the return value's bytes, at most stream_buf_len */
	PTR("stream_buf", ATTR_PROG_STREAM_READ_stream_buf, FF_IN, "6.17",
	    TO_BYTES(ATTR_PROG_STREAM_READ_stream_buf_len, 1, OUT, LOG)),
	U32("stream_buf_len", ATTR_PROG_STREAM_READ_stream_buf_len, FF_IN, "6.17"),
	ENUM("stream_id", ATTR_PROG_STREAM_READ_stream_id, FF_IN, bpf_stream_id, "6.17"),
	FD("prog_fd", ATTR_PROG_STREAM_READ_prog_fd, FF_IN, "6.17"),
};

static const struct bpf_field prog_assoc_struct_ops_fields[] = {
	FD("map_fd", ATTR_PROG_ASSOC_STRUCT_OPS_map_fd, FF_IN, "7.0"),
	FD("prog_fd", ATTR_PROG_ASSOC_STRUCT_OPS_prog_fd, FF_IN, "7.0"),
	NOFLAGS32("flags", ATTR_PROG_ASSOC_STRUCT_OPS_flags, FF_IN, "7.0"),
};

/* ---- the command table ------------------------------------------------- */

/* Number, name and release come from the command's line in
 * base/xlat/bpf_cmd.in (XV_ and XS_ constants). */
#define CMD(nm, flds, last, rk, ...) \
	[XV_BPF_##nm] = { .name = "BPF_" #nm, .since = XS_BPF_##nm, .fields = (flds), \
		 .nfields = ARRAY_SIZE(flds), .last_end = (last), \
		 .ret = (rk), __VA_ARGS__ }

const struct bpf_cmd_desc bpf_cmd_table[BPF_CMD_COUNT] = {
	CMD(MAP_CREATE, map_create_fields, 92, RET_FD),
	CMD(MAP_LOOKUP_ELEM, map_lookup_elem_fields, 32, RET_ZERO,
	    .in_extra = lookup_in_extra, .out_extra = elem_value_out_extra),
	CMD(MAP_UPDATE_ELEM, map_update_elem_fields, 32, RET_ZERO,
	    .in_extra = elem_in_extra),
	CMD(MAP_DELETE_ELEM, map_delete_elem_fields, 16, RET_ZERO,
	    .in_extra = elem_in_extra),
	CMD(MAP_GET_NEXT_KEY, map_get_next_key_fields, 24, RET_ZERO,
	    .in_extra = lookup_in_extra, .out_extra = next_key_out_extra),
	/* last_end 168: the newest kernels check up to keyring_id, the end
	 * of the union; 6.4-6.8 stopped at 144, 6.9 at 148, 6.14 at 152. */
	CMD(PROG_LOAD, prog_load_fields, 168, RET_FD,
	    .in_extra = prog_load_in_extra, .out_extra = prog_load_out_extra),
	CMD(OBJ_PIN, obj_fields, 20, RET_ZERO),
	CMD(OBJ_GET, obj_fields, 20, RET_FD),
	CMD(PROG_ATTACH, prog_attach_fields, 32, RET_ZERO),
	CMD(PROG_DETACH, prog_attach_fields, 32, RET_ZERO),
	/* last field test.batch_size ends at 76; the struct is 80 long, and
	 * its 4 padding bytes must be zero too. */
	CMD(PROG_TEST_RUN, prog_test_run_fields, 76, RET_ZERO,
	    .out_extra = prog_test_run_out_extra),
	CMD(PROG_GET_NEXT_ID, get_next_id_fields, 8, RET_ZERO),
	CMD(MAP_GET_NEXT_ID, get_next_id_fields, 8, RET_ZERO),
	/* PROG and LINK GET_FD_BY_ID end at the id: nonzero open_flags is
	 * EINVAL there, although libbpf sends it (size 12). */
	CMD(PROG_GET_FD_BY_ID, prog_get_fd_by_id_fields, 4, RET_FD),
	CMD(MAP_GET_FD_BY_ID, map_get_fd_by_id_fields, 12, RET_FD),
	CMD(OBJ_GET_INFO_BY_FD, obj_get_info_by_fd_fields, 16,
	    RET_ZERO, .out_extra = obj_get_info_out_extra),
	CMD(PROG_QUERY, prog_query_fields, 64, RET_ZERO,
	    .out_extra = prog_query_out_extra),
	CMD(RAW_TRACEPOINT_OPEN, raw_tracepoint_open_fields, 24,
	    RET_FD),
	CMD(BTF_LOAD, btf_load_fields, 40, RET_FD,
	    .in_extra = btf_load_in_extra, .out_extra = btf_load_out_extra),
	CMD(BTF_GET_FD_BY_ID, btf_get_fd_by_id_fields, 16, RET_FD),
	CMD(TASK_FD_QUERY, task_fd_query_fields, 48, RET_ZERO,
	    .out_extra = task_fd_query_out_extra),
	CMD(MAP_LOOKUP_AND_DELETE_ELEM, map_lookup_elem_fields, 32,
	    RET_ZERO, .in_extra = lookup_in_extra, .out_extra = elem_value_out_extra),
	CMD(MAP_FREEZE, map_freeze_fields, 4, RET_ZERO),
	CMD(BTF_GET_NEXT_ID, get_next_id_fields, 8, RET_ZERO),
	CMD(MAP_LOOKUP_BATCH, map_lookup_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(MAP_LOOKUP_AND_DELETE_BATCH, map_lookup_batch_fields, 56,
	    RET_ZERO, .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(MAP_UPDATE_BATCH, map_update_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	CMD(MAP_DELETE_BATCH, map_delete_batch_fields, 56, RET_ZERO,
	    .in_extra = batch_in_extra, .out_extra = batch_out_extra),
	/*
	 * The kernels whose source we have (up to ~7.0, and 6.18 here, tested)
	 * end LINK_CREATE at uprobe_multi.pid: a nonzero byte at 60 is EINVAL.
	 * The newest UAPI adds uprobe_multi.path_fd (60..63), but no kernel
	 * source checking it was found, so the verified 60 is the limit and a
	 * nonzero path_fd shows in attr_tail (and is still decoded).
	 */
	CMD(LINK_CREATE, link_create_fields, 60, RET_FD,
	    .in_extra = link_create_in_extra),
	CMD(LINK_UPDATE, link_update_fields, 16, RET_ZERO),
	CMD(LINK_GET_FD_BY_ID, link_get_fd_by_id_fields, 4, RET_FD),
	CMD(LINK_GET_NEXT_ID, get_next_id_fields, 8, RET_ZERO),
	CMD(ENABLE_STATS, enable_stats_fields, 4, RET_FD),
	CMD(ITER_CREATE, iter_create_fields, 8, RET_FD),
	CMD(LINK_DETACH, link_detach_fields, 4, RET_ZERO),
	CMD(PROG_BIND_MAP, prog_bind_map_fields, 12, RET_ZERO),
	CMD(TOKEN_CREATE, token_create_fields, 8, RET_FD),
	/* Returns the number of bytes read, not an fd. */
	CMD(PROG_STREAM_READ_BY_FD, prog_stream_read_fields, 20,
	    RET_COUNT, .out_extra = prog_stream_read_out_extra),
	/* 7.0 is inferred (merged after 6.19-rc1).  flags at 8 is past the
	 * last field: any nonzero flags is EINVAL already. */
	CMD(PROG_ASSOC_STRUCT_OPS, prog_assoc_struct_ops_fields, 8,
	    RET_ZERO),
};

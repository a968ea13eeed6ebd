// SPDX-License-Identifier: GPL-2.0-or-later
/* libbpf API calls as events: see libbpf_funcs.h. */
#include "libbpf/libbpf_funcs.h"
#include "libbpf/libbpf_opts.h"

#include <string.h>

#include "base/jsonw.h"
#include "base/memread.h"

static const char *const names[LF_COUNT] = {
#define LIBBPF_FUNC(sym, ver) [LF_##sym] = #sym,
#include "libbpf/libbpf_funcs.def"
#undef LIBBPF_FUNC
};

static const char *const versions[LF_COUNT] = {
#define LIBBPF_FUNC(sym, ver) [LF_##sym] = #ver,
#include "libbpf/libbpf_funcs.def"
#undef LIBBPF_FUNC
};

#define A(n, k) { n, LA_##k, NULL, NULL }
#define E(n, x) { n, LA_ENUM, &xlat_##x, NULL }
#define O(n, d) { n, LA_OPTS, NULL, &libbpf_opts_##d }
#define FD(n) A(n, FD)
#define FL(n, xl) { n, LA_FLAGS, &xlat_##xl, NULL }
#define NOFL(n) { n, LA_FLAGS, NULL, NULL }
#define EFL(n) { n, LA_ELEM_FLAGS, NULL, NULL }

/* Argument lists as declared in libbpf's bpf.h and libbpf.h. */
static const struct libbpf_func funcs[LF_COUNT] = {
	[LF_libbpf_set_memlock_rlim] = { LR_ERR, { A("memlock_bytes", U64) } },
	[LF_bpf_map_create] = { LR_FD, { E("map_type", bpf_map_type), A("map_name", STR),
		A("key_size", U32), A("value_size", U32), A("max_entries", U32),
		O("opts", map_create) } },
	[LF_bpf_prog_load] = { LR_FD, { E("prog_type", bpf_prog_type), A("prog_name", STR),
		A("license", STR), A("insns", PTR), A("insn_cnt", U64), O("opts", prog_load) } },
	[LF_bpf_btf_load] = { LR_FD, { A("btf_data", PTR), A("btf_size", U64),
		O("opts", btf_load) } },
	[LF_bpf_map_update_elem] = { LR_ERR, { FD("fd"), A("key", PTR), A("value", PTR),
		EFL("flags") } },
	[LF_bpf_map_lookup_elem] = { LR_ERR, { FD("fd"), A("key", PTR), A("value", PTR) } },
	[LF_bpf_map_lookup_elem_flags] = { LR_ERR, { FD("fd"), A("key", PTR), A("value", PTR),
		EFL("flags") } },
	[LF_bpf_map_lookup_and_delete_elem] = { LR_ERR, { FD("fd"), A("key", PTR),
		A("value", PTR) } },
	[LF_bpf_map_lookup_and_delete_elem_flags] = { LR_ERR, { FD("fd"), A("key", PTR),
		A("value", PTR), EFL("flags") } },
	[LF_bpf_map_delete_elem] = { LR_ERR, { FD("fd"), A("key", PTR) } },
	[LF_bpf_map_delete_elem_flags] = { LR_ERR, { FD("fd"), A("key", PTR), EFL("flags") } },
	[LF_bpf_map_get_next_key] = { LR_ERR, { FD("fd"), A("key", PTR), A("next_key", PTR) } },
	[LF_bpf_map_freeze] = { LR_ERR, { FD("fd") } },
	[LF_bpf_map_delete_batch] = { LR_ERR, { FD("fd"), A("keys", PTR), A("count", IO_U32),
		O("opts", map_batch) } },
	[LF_bpf_map_lookup_batch] = { LR_ERR, { FD("fd"), A("in_batch", PTR),
		A("out_batch", PTR), A("keys", PTR), A("values", PTR), A("count", IO_U32),
		O("opts", map_batch) } },
	[LF_bpf_map_lookup_and_delete_batch] = { LR_ERR, { FD("fd"), A("in_batch", PTR),
		A("out_batch", PTR), A("keys", PTR), A("values", PTR), A("count", IO_U32),
		O("opts", map_batch) } },
	[LF_bpf_map_update_batch] = { LR_ERR, { FD("fd"), A("keys", PTR), A("values", PTR),
		A("count", IO_U32), O("opts", map_batch) } },
	[LF_bpf_obj_pin] = { LR_ERR, { FD("fd"), A("pathname", STR) } },
	[LF_bpf_obj_pin_opts] = { LR_ERR, { FD("fd"), A("pathname", STR), O("opts", obj_pin) } },
	[LF_bpf_obj_get] = { LR_FD, { A("pathname", STR) } },
	[LF_bpf_obj_get_opts] = { LR_FD, { A("pathname", STR), O("opts", obj_get) } },
	[LF_bpf_prog_attach] = { LR_ERR, { FD("prog_fd"), FD("attachable_fd"),
		E("type", bpf_attach_type), FL("flags", bpf_attach_flags) } },
	[LF_bpf_prog_detach] = { LR_ERR, { FD("attachable_fd"), E("type", bpf_attach_type) } },
	[LF_bpf_prog_detach2] = { LR_ERR, { FD("prog_fd"), FD("attachable_fd"),
		E("type", bpf_attach_type) } },
	[LF_bpf_prog_attach_opts] = { LR_ERR, { FD("prog_fd"), A("target", INT),
		E("type", bpf_attach_type), O("opts", prog_attach) } },
	[LF_bpf_prog_detach_opts] = { LR_ERR, { FD("prog_fd"), A("target", INT),
		E("type", bpf_attach_type), O("opts", prog_detach) } },
	[LF_bpf_link_create] = { LR_FD, { FD("prog_fd"), A("target_fd", INT),
		E("attach_type", bpf_attach_type), O("opts", link_create) } },
	[LF_bpf_link_detach] = { LR_ERR, { FD("link_fd") } },
	[LF_bpf_link_update] = { LR_ERR, { FD("link_fd"), FD("new_prog_fd"),
		O("opts", link_update) } },
	[LF_bpf_iter_create] = { LR_FD, { FD("link_fd") } },
	[LF_bpf_prog_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", OUT_U32) } },
	[LF_bpf_map_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", OUT_U32) } },
	[LF_bpf_btf_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", OUT_U32) } },
	[LF_bpf_link_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", OUT_U32) } },
	[LF_bpf_prog_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_map_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_btf_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_link_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_prog_get_fd_by_id_opts] = { LR_FD, { A("id", U32), O("opts", get_fd_by_id) } },
	[LF_bpf_map_get_fd_by_id_opts] = { LR_FD, { A("id", U32), O("opts", get_fd_by_id) } },
	[LF_bpf_btf_get_fd_by_id_opts] = { LR_FD, { A("id", U32), O("opts", get_fd_by_id) } },
	[LF_bpf_link_get_fd_by_id_opts] = { LR_FD, { A("id", U32), O("opts", get_fd_by_id) } },
	[LF_bpf_obj_get_info_by_fd] = { LR_ERR, { FD("bpf_fd"), A("info", PTR),
		A("info_len", IO_U32) } },
	[LF_bpf_prog_get_info_by_fd] = { LR_ERR, { FD("prog_fd"), A("info", PTR),
		A("info_len", IO_U32) } },
	[LF_bpf_map_get_info_by_fd] = { LR_ERR, { FD("map_fd"), A("info", PTR),
		A("info_len", IO_U32) } },
	[LF_bpf_btf_get_info_by_fd] = { LR_ERR, { FD("btf_fd"), A("info", PTR),
		A("info_len", IO_U32) } },
	[LF_bpf_link_get_info_by_fd] = { LR_ERR, { FD("link_fd"), A("info", PTR),
		A("info_len", IO_U32) } },
	[LF_bpf_prog_query_opts] = { LR_ERR, { A("target", INT), E("type", bpf_attach_type),
		O("opts", prog_query) } },
	[LF_bpf_prog_query] = { LR_ERR, { A("target_fd", INT), E("type", bpf_attach_type),
		FL("query_flags", bpf_query_flags), A("attach_flags", OUT_U32), A("prog_ids", PTR),
		A("prog_cnt", IO_U32) } },
	[LF_bpf_raw_tracepoint_open] = { LR_FD, { A("name", STR), FD("prog_fd") } },
	[LF_bpf_raw_tracepoint_open_opts] = { LR_FD, { FD("prog_fd"), O("opts", raw_tp) } },
	[LF_bpf_task_fd_query] = { LR_ERR, { A("pid", INT), FD("fd"), NOFL("flags"),
		A("buf", OUT_STR), A("buf_len", IO_U32), A("prog_id", OUT_U32),
		{ "fd_type", LA_OUT_U32, &xlat_bpf_task_fd_type, NULL },
		A("probe_offset", OUT_U64), A("probe_addr", OUT_U64) } },
	[LF_bpf_enable_stats] = { LR_FD, { E("type", bpf_stats_type) } },
	[LF_bpf_prog_bind_map] = { LR_ERR, { FD("prog_fd"), FD("map_fd"), O("opts", prog_bind) } },
	[LF_bpf_prog_test_run_opts] = { LR_ERR, { FD("prog_fd"), O("opts", test_run) } },
	[LF_bpf_token_create] = { LR_FD, { FD("bpffs_fd"), O("opts", token_create) } },
	[LF_bpf_prog_stream_read] = { LR_ERR, { FD("prog_fd"), E("stream_id", bpf_stream_id),
		A("buf", PTR), A("buf_len", U32), O("opts", stream_read) } },
	[LF_bpf_prog_assoc_struct_ops] = { LR_ERR, { FD("prog_fd"), FD("map_fd"),
		O("opts", assoc_struct_ops) } },
	[LF_bpf_object__open_file] = { LR_PTR, { A("path", STR), A("opts", OPTS) } },
	[LF_bpf_object__open_mem] = { LR_PTR, { A("obj_buf", PTR), A("obj_buf_sz", U64),
		A("opts", OPTS) } },
	[LF_bpf_object__load] = { LR_ERR, { A("obj", OBJECT) } },
	[LF_bpf_object__close] = { LR_VOID, { A("obj", OBJECT) } },
	[LF_bpf_program__attach] = { LR_PTR, { A("prog", PROGRAM) } },
	/* The bpf_program__attach_* variants (libbpf.h): each returns a link
	 * or NULL with errno set. */
	[LF_bpf_program__attach_kprobe] = { LR_PTR, { A("prog", PROGRAM), A("retprobe", BOOL),
		A("func_name", STR) } },
	[LF_bpf_program__attach_kprobe_opts] = { LR_PTR, { A("prog", PROGRAM),
		A("func_name", STR), A("opts", OPTS) } },
	[LF_bpf_program__attach_kprobe_multi_opts] = { LR_PTR, { A("prog", PROGRAM),
		A("pattern", STR), A("opts", OPTS) } },
	[LF_bpf_program__attach_ksyscall] = { LR_PTR, { A("prog", PROGRAM),
		A("syscall_name", STR), A("opts", OPTS) } },
	[LF_bpf_program__attach_uprobe] = { LR_PTR, { A("prog", PROGRAM), A("retprobe", BOOL),
		A("pid", INT), A("binary_path", STR), A("func_offset", HEX) } },
	[LF_bpf_program__attach_uprobe_opts] = { LR_PTR, { A("prog", PROGRAM), A("pid", INT),
		A("binary_path", STR), A("func_offset", HEX), A("opts", OPTS) } },
	[LF_bpf_program__attach_usdt] = { LR_PTR, { A("prog", PROGRAM), A("pid", INT),
		A("binary_path", STR), A("usdt_provider", STR), A("usdt_name", STR),
		A("opts", OPTS) } },
	[LF_bpf_program__attach_tracepoint] = { LR_PTR, { A("prog", PROGRAM),
		A("tp_category", STR), A("tp_name", STR) } },
	[LF_bpf_program__attach_tracepoint_opts] = { LR_PTR, { A("prog", PROGRAM),
		A("tp_category", STR), A("tp_name", STR), A("opts", OPTS) } },
	[LF_bpf_program__attach_raw_tracepoint] = { LR_PTR, { A("prog", PROGRAM),
		A("tp_name", STR) } },
	[LF_bpf_program__attach_trace] = { LR_PTR, { A("prog", PROGRAM) } },
	[LF_bpf_program__attach_trace_opts] = { LR_PTR, { A("prog", PROGRAM), A("opts", OPTS) } },
	[LF_bpf_program__attach_lsm] = { LR_PTR, { A("prog", PROGRAM) } },
	[LF_bpf_program__attach_cgroup] = { LR_PTR, { A("prog", PROGRAM), FD("cgroup_fd") } },
	[LF_bpf_program__attach_netns] = { LR_PTR, { A("prog", PROGRAM), FD("netns_fd") } },
	[LF_bpf_program__attach_xdp] = { LR_PTR, { A("prog", PROGRAM), A("ifindex", INT) } },
	[LF_bpf_program__attach_freplace] = { LR_PTR, { A("prog", PROGRAM), FD("target_fd"),
		A("attach_func_name", STR) } },
	[LF_bpf_program__attach_iter] = { LR_PTR, { A("prog", PROGRAM), A("opts", OPTS) } },
	[LF_bpf_program__attach_perf_event] = { LR_PTR, { A("prog", PROGRAM), FD("pfd") } },
	[LF_bpf_program__attach_perf_event_opts] = { LR_PTR, { A("prog", PROGRAM), FD("pfd"),
		A("opts", OPTS) } },
	[LF_bpf_map__lookup_elem] = { LR_ERR, { A("map", MAP), A("key", PTR), A("key_sz", U64),
		A("value", PTR), A("value_sz", U64), EFL("flags") } },
	[LF_bpf_map__update_elem] = { LR_ERR, { A("map", MAP), A("key", PTR), A("key_sz", U64),
		A("value", PTR), A("value_sz", U64), EFL("flags") } },
	[LF_bpf_map__delete_elem] = { LR_ERR, { A("map", MAP), A("key", PTR), A("key_sz", U64),
		EFL("flags") } },
	[LF_bpf_map__lookup_and_delete_elem] = { LR_ERR, { A("map", MAP), A("key", PTR),
		A("key_sz", U64), A("value", PTR), A("value_sz", U64), EFL("flags") } },
	[LF_bpf_map__get_next_key] = { LR_ERR, { A("map", MAP), A("cur_key", PTR),
		A("next_key", PTR), A("key_sz", U64) } },
};

/* Kept once found (n + 1; 0: not yet): a template of a hot call asks
 * every call. */
static uint8_t nargs_cache[LF_COUNT];

unsigned libbpf_func_nargs(unsigned id)
{
	unsigned n = 0;
	uint8_t v;

	if (id >= LF_COUNT)
		return 0;
	v = __atomic_load_n(&nargs_cache[id], __ATOMIC_RELAXED);
	if (v)
		return v - 1u;
	while (n < LIBBPF_MAX_ARGS && funcs[id].args[n].name)
		n++;
	__atomic_store_n(&nargs_cache[id], (uint8_t)(n + 1), __ATOMIC_RELAXED);
	return n;
}

/* What every call of a function needs to know of its table entry, worked
 * out once (the walk over its arguments was ~100 instructions a call). */
#define LFP_KNOWN   0x1
#define LFP_OFFLINE 0x2   /* libbpf_func_offline_ok() */
#define LFP_PROBES  0x4   /* libbpf_func_probes() */

static uint8_t func_props(unsigned id)
{
	static uint8_t cache[LF_COUNT];
	uint8_t v = id < LF_COUNT ? __atomic_load_n(&cache[id], __ATOMIC_RELAXED) : 0;
	unsigned i;

	if (id >= LF_COUNT || v)
		return v;
	v = LFP_KNOWN | LFP_OFFLINE;
	if (libbpf_func_nargs(id) > 6 || funcs[id].ret == LR_PTR)
		v &= (uint8_t)~LFP_OFFLINE;  /* a record holds six arguments */
	for (i = 0; i < LIBBPF_MAX_ARGS; i++)
		switch (funcs[id].args[i].kind) {
		case LA_OPTS:
		case LA_IO_U32:
			v |= LFP_PROBES;
			/* fall through */
		case LA_STR:
		case LA_OBJECT:
		case LA_PROGRAM:
		case LA_MAP:
		case LA_OUT_U32:
		case LA_OUT_U64:
		case LA_OUT_STR:
			if (i < 6)
				v &= (uint8_t)~LFP_OFFLINE;  /* read in the caller's memory */
		}
	__atomic_store_n(&cache[id], v, __ATOMIC_RELAXED);
	return v;
}

bool libbpf_func_offline_ok(unsigned id)
{
	return func_props(id) & LFP_OFFLINE;
}

bool libbpf_func_probes(unsigned id)
{
	return func_props(id) & LFP_PROBES;
}

const char *libbpf_func_name(unsigned id)
{
	return id < LF_COUNT ? names[id] : NULL;
}

const char *libbpf_func_version(unsigned id)
{
	return id < LF_COUNT ? versions[id] : NULL;
}

const struct libbpf_func *libbpf_func(unsigned id)
{
	return id < LF_COUNT ? &funcs[id] : NULL;
}

/* A __u32 or __u64 the call writes through a pointer argument (@i): its
 * value before (LA_IO_U32, read by libbpf_args_probe) and after. */
static void render_pointee(struct jsonw *w, const struct libbpf_arg *a, unsigned i, uint64_t v,
			   const struct libbpf_call *c)
{
	size_t n = a->kind == LA_OUT_U64 ? 8 : 4;
	uint64_t out = 0;

	if (!v) {
		jw_null(w, a->name);
		return;
	}
	jw_obj_open(w, a->name);
	jw_hex(w, "addr", v);
	if (a->kind == LA_IO_U32 && (c->in_ok & (1u << i)))
		jw_u64(w, "in", c->in[i]);
	if (c->injected) {           /* libbpf never ran: wrote nothing */
		jw_obj_close(w);
		return;
	}
	if (mem_read(&out, v, n, NULL) != n)
		jw_str(w, "error", "EFAULT");
	else if (a->x)
		render_enum(w, "out", a->x, out);
	else
		jw_u64(w, "out", out);
	jw_obj_close(w);
}

void libbpf_args_probe(struct libbpf_call *c)
{
	const struct libbpf_func *f = libbpf_func(c->id);
	unsigned i;

	c->in_ok = 0;
	for (i = 0; f && i < LIBBPF_MAX_ARGS && f->args[i].name; i++) {
		if (f->args[i].kind != LA_IO_U32 || !c->args[i])
			continue;
		if (mem_read(&c->in[i], c->args[i], sizeof(c->in[i]), NULL) == sizeof(c->in[i]))
			c->in_ok |= 1u << i;
	}
}

unsigned libbpf_call_regions(const struct libbpf_call *c, const struct decode_opts *o,
			     struct bpf_region *out, unsigned max)
{
	const struct libbpf_func *f = libbpf_func(c->id);
	unsigned i, n = 0;

	for (i = 0; f && i < LIBBPF_MAX_ARGS && f->args[i].name && n <= max; i++) {
		const struct libbpf_arg *a = &f->args[i];
		uint64_t v = c->args[i], len = 0;
		uint8_t kind = BR_BYTES;

		switch (a->kind) {
		case LA_STR:
		case LA_OUT_STR:
			len = o->str_cap;
			kind = BR_TEXT;
			break;
		case LA_OUT_U32:
		case LA_IO_U32:
			len = 4;
			break;
		case LA_OUT_U64:
			len = 8;
			break;
		case LA_OPTS:
			n = libbpf_opts_regions(a->opts, v, c, o, out, n, max);
			continue;
		default:
			continue;
		}
		n = bpf_region_add(out, n, max, v, len, kind);
	}
	return n;
}

static void render_arg(struct jsonw *w, const struct libbpf_arg *a, unsigned i,
		       const struct libbpf_call *c, const struct decode_opts *o)
{
	uint64_t v = c->args[i];

	switch (a->kind) {
	case LA_INT:
	case LA_FD:
		jw_s64(w, a->name, (int32_t)(uint32_t)v);
		break;
	case LA_BOOL:
		jw_bool(w, a->name, (uint8_t)v != 0);
		break;
	case LA_U32:
		jw_u64(w, a->name, (uint32_t)v);
		break;
	case LA_HEX:
		jw_hex(w, a->name, v);
		break;
	case LA_FLAGS:
		render_flags(w, a->name, a->x, (uint32_t)v);  /* u32 words all */
		break;
	case LA_ELEM_FLAGS:
		render_elem_flags(w, a->name, v);
		break;
	case LA_ENUM:
		render_enum(w, a->name, a->x, (uint32_t)v);
		break;
	case LA_STR:
		render_cstr(w, a->name, v, o);
		break;
	case LA_OPTS:
		libbpf_render_opts(w, a->name, a->opts, v, c, o);
		break;
	case LA_OUT_U32:
	case LA_OUT_U64:
	case LA_IO_U32:
		render_pointee(w, a, i, v, c);
		break;
	case LA_OUT_STR:
		if (v && (int32_t)c->ret >= 0 && !c->missing && !c->injected)
			render_cstr(w, a->name, v, o);
		else if (v)
			jw_hex(w, a->name, v);
		else
			jw_null(w, a->name);
		break;
	case LA_PTR:
	case LA_OBJECT:
	case LA_PROGRAM:
	case LA_MAP:
		if (v)
			jw_hex(w, a->name, v);
		else
			jw_null(w, a->name);
		break;
	default:
		jw_u64(w, a->name, v);
		break;
	}
}

static void render_ret(struct jsonw *w, const struct libbpf_func *f,
		       const struct libbpf_call *c)
{
	const char *n;

	switch (f->ret) {
	case LR_VOID:
		jw_null(w, "errno");    /* no ret: nothing is returned */
		return;
	case LR_PTR:
		/* ret a number like every ret: 0, or -errno as
		 * libbpf_get_error() says; the pointer in ret_ptr */
		jw_s64(w, "ret", c->ret ? 0 : -(int64_t)(c->err ? c->err : 1));
		if (c->ret)
			jw_hex(w, "ret_ptr", (uint64_t)c->ret);
		else
			jw_null(w, "ret_ptr");
		break;
	default:
		jw_s64(w, "ret", (int32_t)c->ret);
		break;
	}
	/* errno only when the call says it failed: libbpf leaves it alone
	 * (or stale) on success. */
	if ((f->ret == LR_PTR && !c->ret) ||
	    ((f->ret == LR_ERR || f->ret == LR_FD) && (int32_t)c->ret < 0)) {
		n = errno_name(c->err);
		if (n) {
			jw_str(w, "errno", n);
		} else {   /* as a bpf event's: "ERRNO_4001" and the number */
			char b[32] = "ERRNO_";

			b[6 + fmt_u64(b + 6, (uint64_t)c->err)] = 0;
			jw_str(w, "errno", b);
			jw_u64(w, "errno_num", (uint64_t)c->err);
		}
	} else {
		jw_null(w, "errno");
	}
}

void libbpf_render_call(struct jsonw *w, const struct libbpf_call *c,
			const struct decode_opts *o)
{
	const struct libbpf_func *f = libbpf_func(c->id);
	unsigned i;

	if (!f)
		return;
	jw_str(w, "func", names[c->id]);
	jw_str(w, "version", versions[c->id]);
	if (c->missing)
		jw_bool(w, "missing", true);
	if (c->injected)
		jw_bool(w, "injected", true);
	jw_obj_open(w, "args");
	for (i = 0; i < LIBBPF_MAX_ARGS && f->args[i].name; i++)
		render_arg(w, &f->args[i], i, c, o);
	jw_obj_close(w);
	if (c->name[0])
		jw_strn(w, "object", c->name, sizeof(c->name));
	render_ret(w, f, c);
	jw_u64(w, "syscalls", c->nsys);
	jw_u64(w, "failed", c->nfail);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* libbpf API calls as events: see libbpf_funcs.h. */
#include "libbpf_funcs.h"

#include <string.h>

#include "jsonw.h"
#include "memread.h"

static const char *const names[LF_COUNT] = {
#define LIBBPF_FUNC(sym, ver) [LF_##sym] = #sym,
#include "libbpf_funcs.def"
#undef LIBBPF_FUNC
};

static const char *const versions[LF_COUNT] = {
#define LIBBPF_FUNC(sym, ver) [LF_##sym] = #ver,
#include "libbpf_funcs.def"
#undef LIBBPF_FUNC
};

#define A(n, k) { n, LA_##k, NULL }
#define E(n, x) { n, LA_ENUM, &xlat_##x }

/* Argument lists as declared in libbpf's bpf.h and libbpf.h. */
static const struct libbpf_func funcs[LF_COUNT] = {
	[LF_libbpf_set_memlock_rlim] = { LR_ERR, { A("memlock_bytes", U64) } },
	[LF_bpf_map_create] = { LR_FD, { E("map_type", bpf_map_type), A("map_name", STR),
		A("key_size", U32), A("value_size", U32), A("max_entries", U32), A("opts", OPTS) } },
	[LF_bpf_prog_load] = { LR_FD, { E("prog_type", bpf_prog_type), A("prog_name", STR),
		A("license", STR), A("insns", PTR), A("insn_cnt", U64), A("opts", OPTS) } },
	[LF_bpf_btf_load] = { LR_FD, { A("btf_data", PTR), A("btf_size", U64), A("opts", OPTS) } },
	[LF_bpf_map_update_elem] = { LR_ERR, { A("fd", FD), A("key", PTR), A("value", PTR),
		A("flags", HEX) } },
	[LF_bpf_map_lookup_elem] = { LR_ERR, { A("fd", FD), A("key", PTR), A("value", PTR) } },
	[LF_bpf_map_lookup_elem_flags] = { LR_ERR, { A("fd", FD), A("key", PTR), A("value", PTR),
		A("flags", HEX) } },
	[LF_bpf_map_lookup_and_delete_elem] = { LR_ERR, { A("fd", FD), A("key", PTR),
		A("value", PTR) } },
	[LF_bpf_map_delete_elem] = { LR_ERR, { A("fd", FD), A("key", PTR) } },
	[LF_bpf_map_get_next_key] = { LR_ERR, { A("fd", FD), A("key", PTR), A("next_key", PTR) } },
	[LF_bpf_map_freeze] = { LR_ERR, { A("fd", FD) } },
	[LF_bpf_obj_pin] = { LR_ERR, { A("fd", FD), A("pathname", STR) } },
	[LF_bpf_obj_get] = { LR_FD, { A("pathname", STR) } },
	[LF_bpf_prog_attach] = { LR_ERR, { A("prog_fd", FD), A("attachable_fd", FD),
		E("type", bpf_attach_type), A("flags", HEX) } },
	[LF_bpf_prog_detach] = { LR_ERR, { A("attachable_fd", FD), E("type", bpf_attach_type) } },
	[LF_bpf_link_create] = { LR_FD, { A("prog_fd", FD), A("target_fd", FD),
		E("attach_type", bpf_attach_type), A("opts", OPTS) } },
	[LF_bpf_link_detach] = { LR_ERR, { A("link_fd", FD) } },
	[LF_bpf_link_update] = { LR_ERR, { A("link_fd", FD), A("new_prog_fd", FD),
		A("opts", OPTS) } },
	[LF_bpf_iter_create] = { LR_FD, { A("link_fd", FD) } },
	[LF_bpf_raw_tracepoint_open] = { LR_FD, { A("name", STR), A("prog_fd", FD) } },
	[LF_bpf_prog_bind_map] = { LR_ERR, { A("prog_fd", FD), A("map_fd", FD), A("opts", OPTS) } },
	[LF_bpf_prog_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", PTR) } },
	[LF_bpf_map_get_next_id] = { LR_ERR, { A("start_id", U32), A("next_id", PTR) } },
	[LF_bpf_prog_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_map_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_btf_get_fd_by_id] = { LR_FD, { A("id", U32) } },
	[LF_bpf_obj_get_info_by_fd] = { LR_ERR, { A("bpf_fd", FD), A("info", PTR),
		A("info_len", PTR) } },
	[LF_bpf_prog_test_run_opts] = { LR_ERR, { A("prog_fd", FD), A("opts", OPTS) } },
	[LF_bpf_enable_stats] = { LR_FD, { E("type", bpf_stats_type) } },
	[LF_bpf_object__open_file] = { LR_PTR, { A("path", STR), A("opts", OPTS) } },
	[LF_bpf_object__open_mem] = { LR_PTR, { A("obj_buf", PTR), A("obj_buf_sz", U64),
		A("opts", OPTS) } },
	[LF_bpf_object__load] = { LR_ERR, { A("obj", OBJECT) } },
	[LF_bpf_object__close] = { LR_VOID, { A("obj", OBJECT) } },
	[LF_bpf_program__attach] = { LR_PTR, { A("prog", PROGRAM) } },
};

bool libbpf_func_offline_ok(unsigned id)
{
	unsigned i;

	if (id >= LF_COUNT)
		return false;
	for (i = 0; i < 6; i++)
		switch (funcs[id].args[i].kind) {
		case LA_STR:
		case LA_OPTS:
		case LA_OBJECT:
		case LA_PROGRAM:
			return false;
		}
	return funcs[id].ret != LR_PTR;
}

void libbpf_record_pack(struct libbpf_record *r, const struct bpf_event_env *env,
			const struct libbpf_call *c)
{
	r->seq = env->seq;
	r->ts = env->ts;
	r->dur_ns = env->dur_ns;
	r->parent = env->parent;
	memcpy(r->args, c->args, sizeof(r->args));
	r->ret = c->ret;
	r->nsys = c->nsys;
	r->nfail = c->nfail;
	r->pid = env->pid;
	r->tid = env->tid;
	r->id = c->id;
	r->err = c->err;
}

bool libbpf_record_unpack(const void *rec, size_t len, struct bpf_event_env *env,
			  struct libbpf_call *c)
{
	const struct libbpf_record *r = rec;

	if (len < sizeof(*r) || r->id >= LF_COUNT)
		return false;
	memset(c, 0, sizeof(*c));
	env->seq = r->seq;
	env->ts = r->ts;
	env->dur_ns = r->dur_ns;
	env->parent = r->parent;
	env->pid = r->pid;
	env->tid = r->tid;
	env->comm = "";
	memcpy(c->args, r->args, sizeof(c->args));
	c->id = r->id;
	c->ret = r->ret;
	c->err = r->err;
	c->nsys = r->nsys;
	c->nfail = r->nfail;
	return true;
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

/* opts structs start with size_t sz: the caller's idea of the struct's
 * size, which libbpf checks (OPTS_VALID) before anything else. */
static void render_opts(struct jsonw *w, const char *key, uint64_t addr)
{
	uint64_t sz;

	if (!addr) {
		jw_null(w, key);
		return;
	}
	jw_obj_open(w, key);
	jw_hex(w, "addr", addr);
	if (mem_read(&sz, addr, sizeof(sz), NULL) == sizeof(sz))
		jw_u64(w, "sz", sz);
	else
		jw_str(w, "error", "EFAULT");
	jw_obj_close(w);
}

static void render_arg(struct jsonw *w, const struct libbpf_arg *a, uint64_t v,
		       const struct libbpf_call *c, const struct decode_opts *o)
{
	switch (a->kind) {
	case LA_INT:
	case LA_FD:
		jw_s64(w, a->name, (int32_t)(uint32_t)v);
		break;
	case LA_U32:
		jw_u64(w, a->name, (uint32_t)v);
		break;
	case LA_HEX:
		jw_hex(w, a->name, v);
		break;
	case LA_ENUM:
		render_enum(w, a->name, a->x, (uint32_t)v);
		break;
	case LA_STR:
		render_cstr(w, a->name, v, o);
		break;
	case LA_OPTS:
		render_opts(w, a->name, v);
		break;
	case LA_PTR:
	case LA_OBJECT:
	case LA_PROGRAM:
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
		jw_null(w, "ret");
		return;
	case LR_PTR:
		if (c->ret)
			jw_hex(w, "ret", (uint64_t)c->ret);
		else
			jw_null(w, "ret");
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
		if (n)
			jw_str(w, "errno", n);
		else
			jw_u64(w, "errno_num", (uint64_t)c->err);
	} else {
		jw_null(w, "errno");
	}
}

void libbpf_render_event(struct jsonw *w, const struct bpf_event_env *env,
			 const struct libbpf_call *c, const struct decode_opts *o)
{
	const struct libbpf_func *f = libbpf_func(c->id);
	unsigned i;

	if (!f)
		return;
	jw_obj_open(w, NULL);
	bpf_render_envelope(w, "libbpf", env);
	jw_str(w, "func", names[c->id]);
	jw_str(w, "version", versions[c->id]);
	jw_obj_open(w, "args");
	for (i = 0; i < 6 && f->args[i].name; i++)
		render_arg(w, &f->args[i], c->args[i], c, o);
	jw_obj_close(w);
	if (c->name[0])
		jw_strn(w, "object", c->name, sizeof(c->name));
	render_ret(w, f, c);
	jw_u64(w, "syscalls", c->nsys);
	jw_u64(w, "failed", c->nfail);
	libbpf_render_checks(w, c, o);
	jw_obj_close(w);
}

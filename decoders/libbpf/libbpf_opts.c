// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbpf's opts structs, decoded field by field (see libbpf_opts.h).
 *
 * Offsets are those of libbpf's bpf.h on LP64 (checked against the
 * installed <bpf/bpf.h> by tests/unit/libbpf_opts_test.c for every field
 * it has).  A field is shown when it ends within the caller's sz (libbpf's
 * OPTS_HAS), so a program built against an older libbpf shows only the
 * fields it knows.  Bytes past the newest layout known here, up to sz, are
 * what libbpf's OPTS_VALID requires to be zero: the first nonzero one is
 * reported as tail_nonzero_at.
 */
#include "libbpf/libbpf_opts.h"

#include <string.h>

#include "base/jsonw.h"
#include "base/memread.h"

#define F(n, o, k) { n, o, (OK_##k == OK_U64 || OK_##k == OK_HEX64 || OK_##k == OK_PTR || \
			    OK_##k == OK_STR || OK_##k == OK_FLAGS64) ? 8 : 4, OK_##k, 0, NULL }
#define FX(n, o, k, xl) { n, o, OK_##k == OK_FLAGS64 ? 8 : 4, OK_##k, 0, &xlat_##xl }
#define DESC(var, tag, sz, ...)                                               \
	static const struct libbpf_opts_field var##_f[] = { __VA_ARGS__ };       \
	const struct libbpf_opts_desc libbpf_opts_##var = {                      \
		tag, sz, var##_f, sizeof(var##_f) / sizeof(var##_f[0]), NULL, NULL, 0, 0 \
	}

DESC(map_create, "bpf_map_create_opts", 80,
	F("btf_fd", 8, S32), F("btf_key_type_id", 12, U32), F("btf_value_type_id", 16, U32),
	F("btf_vmlinux_value_type_id", 20, U32), F("inner_map_fd", 24, S32),
	FX("map_flags", 28, FLAGS32, bpf_map_flags), F("map_extra", 32, HEX64),
	F("numa_node", 40, U32), F("map_ifindex", 44, U32),
	F("value_type_btf_obj_fd", 48, S32), F("token_fd", 52, S32),
	F("excl_prog_hash", 56, PTR), F("excl_prog_hash_size", 64, U32),
	F("log_opts", 72, PTR));

DESC(prog_load, "bpf_prog_load_opts", 120,
	F("attempts", 8, S32), FX("expected_attach_type", 12, ENUM, bpf_attach_type),
	F("prog_btf_fd", 16, S32), FX("prog_flags", 20, FLAGS32, bpf_prog_flags),
	F("prog_ifindex", 24, U32), F("kern_version", 28, U32), F("attach_btf_id", 32, U32),
	F("attach_prog_fd", 36, S32), F("attach_btf_obj_fd", 40, S32),
	F("fd_array", 48, PTR), F("func_info", 56, PTR), F("func_info_cnt", 64, U32),
	F("func_info_rec_size", 68, U32), F("line_info", 72, PTR),
	F("line_info_cnt", 80, U32), F("line_info_rec_size", 84, U32),
	FX("log_level", 88, FLAGS32, bpf_log_level), F("log_size", 92, U32),
	F("log_buf", 96, PTR), F("log_true_size", 104, U32), F("token_fd", 108, S32),
	F("fd_array_cnt", 112, U32));

DESC(btf_load, "bpf_btf_load_opts", 40,
	F("log_buf", 8, PTR), FX("log_level", 16, FLAGS32, bpf_log_level),
	F("log_size", 20, U32), F("log_true_size", 24, U32),
	FX("btf_flags", 28, FLAGS32, bpf_btf_flags), F("token_fd", 32, S32));

DESC(map_batch, "bpf_map_batch_opts", 24,
	FX("elem_flags", 8, FLAGS64, bpf_elem_flags), F("flags", 16, HEX64));

DESC(obj_pin, "bpf_obj_pin_opts", 16,
	FX("file_flags", 8, FLAGS32, bpf_file_flags), F("path_fd", 12, S32));

DESC(obj_get, "bpf_obj_get_opts", 16,
	FX("file_flags", 8, FLAGS32, bpf_file_flags), F("path_fd", 12, S32));

DESC(prog_attach, "bpf_prog_attach_opts", 32,
	FX("flags", 8, FLAGS32, bpf_attach_flags), F("replace_prog_fd", 12, S32),
	F("relative_fd", 16, S32), F("relative_id", 20, U32),
	F("expected_revision", 24, U64));

DESC(prog_detach, "bpf_prog_detach_opts", 32,
	FX("flags", 8, FLAGS32, bpf_attach_flags), F("relative_fd", 12, S32),
	F("relative_id", 16, U32), F("expected_revision", 24, U64));

DESC(link_update, "bpf_link_update_opts", 24,
	FX("flags", 8, FLAGS32, bpf_link_update_flags), F("old_prog_fd", 12, S32),
	F("old_map_fd", 16, S32));

DESC(get_fd_by_id, "bpf_get_fd_by_id_opts", 16,
	FX("open_flags", 8, FLAGS32, bpf_open_flags), F("token_fd", 12, S32));

DESC(prog_query, "bpf_prog_query_opts", 64,
	FX("query_flags", 8, FLAGS32, bpf_query_flags),
	FX("attach_flags", 12, FLAGS32, bpf_attach_flags), F("prog_ids", 16, PTR),
	F("prog_cnt", 24, U32), F("prog_attach_flags", 32, PTR), F("link_ids", 40, PTR),
	F("link_attach_flags", 48, PTR), F("revision", 56, U64));

DESC(raw_tp, "bpf_raw_tp_opts", 24, F("tp_name", 8, STR), F("cookie", 16, HEX64));

DESC(prog_bind, "bpf_prog_bind_opts", 16, F("flags", 8, HEX32));

DESC(test_run, "bpf_test_run_opts", 80,
	F("data_in", 8, PTR), F("data_out", 16, PTR), F("data_size_in", 24, U32),
	F("data_size_out", 28, U32), F("ctx_in", 32, PTR), F("ctx_out", 40, PTR),
	F("ctx_size_in", 48, U32), F("ctx_size_out", 52, U32), F("retval", 56, U32),
	F("repeat", 60, S32), F("duration", 64, U32),
	FX("flags", 68, FLAGS32, bpf_test_run_flags), F("cpu", 72, U32),
	F("batch_size", 76, U32));

DESC(token_create, "bpf_token_create_opts", 16, F("flags", 8, HEX32));

DESC(assoc_struct_ops, "bpf_prog_assoc_struct_ops_opts", 16, F("flags", 8, HEX32));

/* bpf_prog_stream_read_opts: sz alone. */
const struct libbpf_opts_desc libbpf_opts_stream_read = {
	"bpf_prog_stream_read_opts", 8, NULL, 0, NULL, NULL, 0, 0
};

/*
 * bpf_link_create_opts: common fields, then a union whose arm libbpf's
 * bpf_link_create() picks by attach_type (its switch, not the kernel's:
 * target_btf_id is a common field here).
 */
enum {
	LC_NONE,
	LC_PERF_EVENT,
	LC_KPROBE_MULTI,
	LC_UPROBE_MULTI,
	LC_TRACING,
	LC_NETFILTER,
	LC_TCX,
	LC_NETKIT,
	LC_CGROUP,
};

/* Attach types whose programs attach to a cgroup (as in bpf_cmds.c). */
/* libbpf's bpf_link_create_opts has an arm for some of the kernel's
 * union arms (syscall/bpf_decode.h says which attach type picks which). */
static unsigned link_create_arm(const struct libbpf_call *c)
{
	switch (bpf_link_arm_of((uint32_t)c->args[2])) {   /* attach_type */
	case BPF_LINK_ARM_PERF_EVENT:
		return LC_PERF_EVENT;
	case BPF_LINK_ARM_KPROBE_MULTI:
		return LC_KPROBE_MULTI;
	case BPF_LINK_ARM_UPROBE_MULTI:
		return LC_UPROBE_MULTI;
	case BPF_LINK_ARM_TRACING:
		return LC_TRACING;
	case BPF_LINK_ARM_NETFILTER:
		return LC_NETFILTER;
	case BPF_LINK_ARM_TCX:
		return LC_TCX;
	case BPF_LINK_ARM_NETKIT:
		return LC_NETKIT;
	case BPF_LINK_ARM_CGROUP:
		return LC_CGROUP;
	default:
		return LC_NONE;
	}
}

static const struct libbpf_opts_field link_create_f[] = {
	F("flags", 8, HEX32), F("iter_info", 16, PTR), F("iter_info_len", 24, U32),
	F("target_btf_id", 28, U32),
	{ "bpf_cookie", 32, 8, OK_HEX64, LC_PERF_EVENT, NULL },
	{ "flags", 32, 4, OK_FLAGS32, LC_KPROBE_MULTI, &xlat_bpf_kprobe_multi_flags },
	{ "cnt", 36, 4, OK_U32, LC_KPROBE_MULTI, NULL },
	{ "syms", 40, 8, OK_PTR, LC_KPROBE_MULTI, NULL },
	{ "addrs", 48, 8, OK_PTR, LC_KPROBE_MULTI, NULL },
	{ "cookies", 56, 8, OK_PTR, LC_KPROBE_MULTI, NULL },
	{ "flags", 32, 4, OK_FLAGS32, LC_UPROBE_MULTI, &xlat_bpf_uprobe_multi_flags },
	{ "cnt", 36, 4, OK_U32, LC_UPROBE_MULTI, NULL },
	{ "path", 40, 8, OK_STR, LC_UPROBE_MULTI, NULL },
	{ "offsets", 48, 8, OK_PTR, LC_UPROBE_MULTI, NULL },
	{ "ref_ctr_offsets", 56, 8, OK_PTR, LC_UPROBE_MULTI, NULL },
	{ "cookies", 64, 8, OK_PTR, LC_UPROBE_MULTI, NULL },
	{ "pid", 72, 4, OK_U32, LC_UPROBE_MULTI, NULL },
	{ "path_fd", 76, 4, OK_S32, LC_UPROBE_MULTI, NULL },
	{ "cookie", 32, 8, OK_HEX64, LC_TRACING, NULL },
	{ "pf", 32, 4, OK_U32, LC_NETFILTER, NULL },
	{ "hooknum", 36, 4, OK_U32, LC_NETFILTER, NULL },
	{ "priority", 40, 4, OK_S32, LC_NETFILTER, NULL },
	{ "flags", 44, 4, OK_FLAGS32, LC_NETFILTER, &xlat_bpf_netfilter_flags },
	{ "relative_fd", 32, 4, OK_S32, LC_TCX, NULL },
	{ "relative_id", 36, 4, OK_U32, LC_TCX, NULL },
	{ "expected_revision", 40, 8, OK_U64, LC_TCX, NULL },
	{ "relative_fd", 32, 4, OK_S32, LC_NETKIT, NULL },
	{ "relative_id", 36, 4, OK_U32, LC_NETKIT, NULL },
	{ "expected_revision", 40, 8, OK_U64, LC_NETKIT, NULL },
	{ "relative_fd", 32, 4, OK_S32, LC_CGROUP, NULL },
	{ "relative_id", 36, 4, OK_U32, LC_CGROUP, NULL },
	{ "expected_revision", 40, 8, OK_U64, LC_CGROUP, NULL },
};

static const char *const link_create_arms[] = {
	[LC_PERF_EVENT] = "perf_event", [LC_KPROBE_MULTI] = "kprobe_multi",
	[LC_UPROBE_MULTI] = "uprobe_multi", [LC_TRACING] = "tracing",
	[LC_NETFILTER] = "netfilter", [LC_TCX] = "tcx", [LC_NETKIT] = "netkit",
	[LC_CGROUP] = "cgroup",
};

const struct libbpf_opts_desc libbpf_opts_link_create = {
	"bpf_link_create_opts", 80, link_create_f,
	sizeof(link_create_f) / sizeof(link_create_f[0]), link_create_arm, link_create_arms,
	32, 80
};

/* ---- probing: what OPTS_VALID will see ---------------------------------- */

static const struct libbpf_opts_desc *opts_desc_of(const struct libbpf_call *c, uint64_t *addr)
{
	const struct libbpf_func *f = libbpf_func(c->id);
	unsigned i;

	for (i = 0; f && i < LIBBPF_MAX_ARGS && f->args[i].name; i++)
		if (f->args[i].kind == LA_OPTS) {
			*addr = c->args[i];
			return f->args[i].opts;
		}
	*addr = 0;
	return NULL;
}

/* Offset of the first nonzero byte in [from, to) of the caller's struct
 * at @addr, 0 if none; *@fault when part of it could not be read. */
static uint32_t first_nonzero(uint64_t addr, uint64_t from, uint64_t to, bool *fault)
{
	unsigned char buf[256];
	size_t n, got, i;

	while (from < to) {
		n = to - from < sizeof(buf) ? (size_t)(to - from) : sizeof(buf);
		got = mem_read(buf, addr + from, n, NULL);
		for (i = 0; i < got; i++)
			if (buf[i])
				return (uint32_t)(from + i);
		if (got < n) {
			*fault = true;
			return 0;
		}
		from += n;
	}
	return 0;
}

void libbpf_opts_probe(struct libbpf_call *c)
{
	const struct libbpf_opts_desc *d = opts_desc_of(c, &c->opts_addr);
	uint64_t sz, end;

	c->opts_sz = 0;
	c->opts_known = d ? d->size : 0;
	c->opts_tail_nonzero = 0;
	c->opts_sz_small = c->opts_fault = false;
	if (!c->opts_addr)
		return;
	if (mem_read(&sz, c->opts_addr, sizeof(sz), NULL) != sizeof(sz)) {
		c->opts_fault = true;
		return;
	}
	c->opts_sz = sz;
	if (sz < sizeof(size_t)) {
		c->opts_sz_small = true;
		return;
	}
	if (!d || sz <= d->size)
		return;
	end = sz - d->size > LIBBPF_OPTS_TAIL_SCAN ? d->size + LIBBPF_OPTS_TAIL_SCAN : sz;
	c->opts_tail_nonzero = first_nonzero(c->opts_addr, d->size, end, &c->opts_fault);
}

/* ---- rendering ------------------------------------------------------------ */

static uint64_t field_value(const unsigned char *p, const struct libbpf_opts_field *f)
{
	uint32_t v32;
	uint64_t v64;

	if (f->size == 8) {
		memcpy(&v64, p + f->off, 8);
		return v64;
	}
	memcpy(&v32, p + f->off, 4);
	return v32;
}

static void render_field(struct jsonw *w, const struct libbpf_opts_field *f, uint64_t v,
			 const struct decode_opts *o)
{
	switch (f->kind) {
	case OK_S32:
		jw_s64(w, f->name, (int32_t)(uint32_t)v);
		break;
	case OK_HEX32:
	case OK_HEX64:
		jw_hex(w, f->name, v);
		break;
	case OK_PTR:
		if (v)
			jw_hex(w, f->name, v);
		else
			jw_null(w, f->name);
		break;
	case OK_STR:
		render_cstr(w, f->name, v, o);
		break;
	case OK_ENUM:
		render_enum(w, f->name, f->x, v);
		break;
	case OK_FLAGS32:
	case OK_FLAGS64:
		render_flags(w, f->name, f->x, v);
		break;
	default:
		jw_u64(w, f->name, v);
		break;
	}
}

/* A union arm bpfspy has no table for, or bytes where libbpf expects
 * zeros: shown raw when any is nonzero, never dropped. */
static void render_union_raw(struct jsonw *w, const struct libbpf_opts_desc *d,
			     const unsigned char *p, uint64_t have)
{
	uint64_t end = have < d->union_end ? have : d->union_end;
	uint64_t i;

	for (i = d->union_off; i < end; i++)
		if (p[i]) {
			jw_bytes_hex(w, "union_raw", p + d->union_off, end - d->union_off);
			return;
		}
}

static void render_fields(struct jsonw *w, const struct libbpf_opts_desc *d, uint64_t addr,
			  uint64_t sz, const struct libbpf_call *c, const struct decode_opts *o)
{
	unsigned char buf[256];
	uint64_t want = sz < d->size ? sz : d->size;
	size_t got;
	unsigned i, arm = d->arm ? d->arm(c) : 0;
	bool open = false;

	if (want > sizeof(buf))
		want = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	got = mem_read(buf, addr, (size_t)want, NULL);
	for (i = 0; i < d->nf; i++) {
		const struct libbpf_opts_field *f = &d->f[i];

		if (f->arm && f->arm != arm)
			continue;
		if (f->off + f->size > got)
			continue;      /* past sz (absent) or unreadable */
		if (f->arm && !open) {
			jw_obj_open(w, d->arm_names[arm]);   /* "tcx":{...} */
			open = true;
		}
		render_field(w, &d->f[i], field_value(buf, f), o);
	}
	if (open)
		jw_obj_close(w);
	if (d->arm && !arm)
		render_union_raw(w, d, buf, got);
	if (got < want)
		jw_str(w, "error", "EFAULT");
}

/* sz, the fields render_fields() reads and the strings they point to. */
unsigned libbpf_opts_regions(const struct libbpf_opts_desc *d, uint64_t addr,
			     const struct libbpf_call *c, const struct decode_opts *o,
			     struct bpf_region *out, unsigned n, unsigned max)
{
	unsigned char buf[256];
	uint64_t sz, want;
	size_t got;
	unsigned i, arm;

	n = bpf_region_add(out, n, max, addr, sizeof(sz), BR_BYTES);
	if (!addr || !d)
		return n;
	if (c->opts_addr == addr && !c->opts_fault)
		sz = c->opts_sz;
	else if (mem_read(&sz, addr, sizeof(sz), NULL) != sizeof(sz))
		return n;
	if (sz < sizeof(size_t))
		return n;
	want = sz < d->size ? sz : d->size;
	if (want > sizeof(buf))
		want = sizeof(buf);
	n = bpf_region_add(out, n, max, addr, want, BR_BYTES);
	memset(buf, 0, sizeof(buf));
	got = mem_read(buf, addr, (size_t)want, NULL);
	arm = d->arm ? d->arm(c) : 0;
	for (i = 0; i < d->nf && n <= max; i++) {
		const struct libbpf_opts_field *f = &d->f[i];

		if (f->kind != OK_STR || (f->arm && f->arm != arm) || f->off + f->size > got)
			continue;
		n = bpf_region_add(out, n, max, field_value(buf, f), o->str_cap, BR_TEXT);
	}
	return n;
}

void libbpf_render_opts(struct jsonw *w, const char *key, const struct libbpf_opts_desc *d,
			uint64_t addr, const struct libbpf_call *c, const struct decode_opts *o)
{
	uint64_t sz;

	if (!addr) {
		jw_null(w, key);
		return;
	}
	jw_obj_open(w, key);
	jw_hex(w, "addr", addr);
	if (c->opts_addr == addr && !c->opts_fault) {
		sz = c->opts_sz;       /* as libbpf saw it, before the call */
	} else if (mem_read(&sz, addr, sizeof(sz), NULL) != sizeof(sz)) {
		jw_str(w, "error", "EFAULT");
		jw_obj_close(w);
		return;
	}
	jw_u64(w, "sz", sz);
	if (sz < sizeof(size_t)) {
		jw_bool(w, "sz_too_small", true);
	} else if (d) {
		render_fields(w, d, addr, sz, c, o);
		if (c->opts_addr == addr && c->opts_tail_nonzero)
			jw_u64(w, "tail_nonzero_at", c->opts_tail_nonzero);
	}
	jw_obj_close(w);
}
